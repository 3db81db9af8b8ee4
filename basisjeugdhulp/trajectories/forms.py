from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.cbs.models import Informant, WithoutHelp
from basisjeugdhulp.form_rendering import GuidedErrors
from basisjeugdhulp.trajectories.models import EndReason

QUARTER = Decimal("0.25")


class CloseForm(GuidedErrors, forms.Form):
    """Closing a trajectory: the only time registration in the register — hours per week, once."""

    ended_on = forms.DateField(
        label=_("End date"),
        help_text=_("The day the help ended, e.g. the last conversation with the family."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_reason = forms.ChoiceField(
        label=_("End reason"),
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the end reason.")},
    )
    hours_per_week = forms.DecimalField(
        label=_("Average hours per week"),
        help_text=_("Over the whole trajectory, in quarters of an hour: e.g. 2.5 or 0.75."),
        min_value=QUARTER,
        max_value=Decimal(40),
        max_digits=4,
        decimal_places=2,
        localize=True,
        # Text with a decimal keyboard: a Dutch phone types "2,5", which a number input may drop.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the average hours per week."),
            "invalid": _("Enter a number of hours, e.g. 2.5."),
            "min_value": _("At least a quarter of an hour (0.25) per week."),
            "max_value": _("At most 40 hours per week."),
            "max_decimal_places": _("Use whole quarters of an hour, e.g. 2.25, 2.5 or 2.75."),
            "max_digits": _("At most 40 hours per week."),
        },
    )

    # One optional tick, unticked by default: the family may be asked for the evaluation
    # interview by a professional who was not theirs (evaluation/models.py).
    evaluation_declined = forms.BooleanField(
        label=_("The family does not want to be asked for the evaluation interview"),
        required=False,
    )

    # The CBS outcome questions (cbs/models.py Outcome): optional, and only where the
    # municipality asks them (CBS_OUTCOMES); the close step keeps its three required inputs.
    satisfaction = forms.IntegerField(
        label=_("Mark the family gives the help, 1–10 (optional)"), required=False, min_value=1, max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 10}),
        error_messages={"invalid": _("A mark from 1 to 10."), "min_value": _("A mark from 1 to 10."),
                        "max_value": _("A mark from 1 to 10.")},
    )
    without_help = forms.ChoiceField(
        label=_("Can they go on without help? (optional)"), choices=[("", "—"), *WithoutHelp.choices], required=False,
    )
    informant = forms.ChoiceField(
        label=_("Answered by"), choices=Informant.choices, initial=Informant.PARENT, required=False,
        widget=forms.RadioSelect,
    )

    OUTCOME = ("satisfaction", "without_help", "informant")

    def __init__(self, *args, trajectory, **kwargs):
        self.trajectory = trajectory
        super().__init__(*args, **kwargs)  # no end date filled in: the professional says which day
        if not settings.CBS_OUTCOMES:
            for name in self.OUTCOME:
                del self.fields[name]

    def closing(self):
        names = ("ended_on", "end_reason", "hours_per_week", "evaluation_declined")
        return {name: self.cleaned_data[name] for name in names}

    def outcome(self):
        """The outcome measurement's fields, or None when neither question was answered."""
        data = {name: self.cleaned_data.get(name) for name in self.OUTCOME}
        if data["satisfaction"] is None and not data["without_help"]:
            return None
        return {**data, "without_help": data["without_help"] or "", "informant": data["informant"] or Informant.PARENT}

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        started = self.trajectory.started_on
        if started and day < started:
            raise forms.ValidationError(
                _("The end date cannot be before the start (%(date)s).") % {"date": started.strftime("%d-%m-%Y")}
            )
        if day > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        return day

    def clean_hours_per_week(self):
        hours = self.cleaned_data["hours_per_week"]
        if hours % QUARTER:
            raise forms.ValidationError(_("Use whole quarters of an hour, e.g. 2.25, 2.5 or 2.75."))
        return hours


class ReopenForm(GuidedErrors, forms.Form):
    reason = forms.CharField(
        label=_("Why reopen?"),
        max_length=200,
        help_text=_("E.g. closed the wrong family, or the family came back within two weeks."),
        error_messages={"required": _("Say briefly why the trajectory is reopened.")},
    )
