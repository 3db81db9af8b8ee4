from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.trajectories.models import EndReason

QUARTER = Decimal("0.25")


class CloseForm(forms.Form):
    """Closing a trajectory: the only time registration in the register — hours per week, once."""

    ended_on = forms.DateField(
        label=_("End date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
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

    def __init__(self, *args, trajectory, **kwargs):
        self.trajectory = trajectory
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

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
