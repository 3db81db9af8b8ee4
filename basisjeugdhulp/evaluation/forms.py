import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.evaluation.models import Informant, WithoutHelp

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("Enter the date."), "invalid": _("Enter a valid date.")}


class DrawForm(forms.Form):
    """Drawing a sample: a period of closing, how many families, and the seed to draw with."""

    closed_from = forms.DateField(label=_("Closed from"), widget=DATE, error_messages=DATE_ERRORS)
    closed_to = forms.DateField(label=_("Closed up to and including"), widget=DATE, error_messages=DATE_ERRORS)
    size = forms.IntegerField(
        label=_("Number of families"), min_value=1, max_value=1000, initial=200,
        error_messages={
            "required": _("Enter the number of families."), "invalid": _("Enter a whole number."),
            "min_value": _("At least one family."), "max_value": _("At most 1000 families."),
        },
    )
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, max_value=2_147_483_647,
        help_text=_("The same seed and the same closed trajectories give the same sample: note it to draw it again."),
        error_messages={
            "required": _("Enter a seed (a whole number)."), "invalid": _("Enter a whole number."),
            "min_value": _("Enter a whole number of 0 or more."), "max_value": _("Enter a smaller number."),
        },
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {
            "closed_from": today.replace(month=1, day=1), "closed_to": today, "size": 200,
            "seed": secrets.randbelow(1_000_000),
        })
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("closed_from"), data.get("closed_to")
        if start and end and end < start:
            self.add_error("closed_to", _("The end of the period cannot be before its start."))
        return data


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class InterviewForm(forms.Form):
    """What the interviewer records: reached, agreed, the fixed questions (CBS Beleidsinformatie
    Jeugd §4.3–4.5) and one open question."""

    reached = forms.ChoiceField(
        label=_("Did you reach the family?"), choices=YES_NO, widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you reached the family.")},
    )
    agreed = forms.ChoiceField(
        label=_("Did they agree to the interview?"), choices=YES_NO, widget=forms.RadioSelect, required=False,
    )
    informant = forms.ChoiceField(
        label=_("Who answered?"), choices=Informant.choices, widget=forms.RadioSelect, required=False,
    )
    satisfaction = forms.IntegerField(
        label=_("How satisfied are you with the help? (1–10)"), min_value=1, max_value=10, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 10}),
        error_messages={
            "invalid": _("Enter a mark from 1 to 10."), "min_value": _("Enter a mark from 1 to 10."),
            "max_value": _("Enter a mark from 1 to 10."),
        },
    )
    without_help = forms.ChoiceField(
        label=_("Can you manage without help now?"), choices=WithoutHelp.choices, widget=forms.RadioSelect,
        required=False,
    )
    open_answer = forms.CharField(
        label=_("What would you like the team to know?"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the family's words. No names or other details that say who they are."),
        error_messages={"max_length": _("At most 1000 characters.")},
    )

    ANSWERS = ("informant", "satisfaction", "without_help")

    def clean(self):
        data = super().clean()
        reached = data.get("reached")
        if reached == "yes" and not data.get("agreed"):
            self.add_error("agreed", _("Say whether they agreed to the interview."))
        answering = reached == "yes" and data.get("agreed") == "yes"
        if answering:
            messages = {
                "informant": _("Choose who answered."),
                "satisfaction": _("Enter a mark from 1 to 10."),
                "without_help": _("Choose an answer."),
            }
            for name, message in messages.items():
                if name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(name, message)
        elif reached and any(data.get(name) not in (None, "") for name in (*self.ANSWERS, "open_answer")):
            self.add_error(None, _("Answers are only kept when the family was reached and agreed. Remove them, or change the first two questions."))
        return data

    def values(self):
        """The interview's fields from the form."""
        data = self.cleaned_data
        reached = data["reached"] == "yes"
        agreed = reached and data.get("agreed") == "yes"
        return {
            "reached": reached,
            "agreed": agreed if reached else None,
            "informant": data.get("informant") or "" if agreed else "",
            "satisfaction": data.get("satisfaction") if agreed else None,
            "without_help": data.get("without_help") or "" if agreed else "",
            "open_answer": data.get("open_answer", "").strip() if agreed else "",
        }
