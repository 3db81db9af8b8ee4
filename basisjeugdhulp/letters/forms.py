from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.letters.models import How, Outcome


class LetterForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why, in a few plain sentences for the family"),
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1200}),
        help_text=_("The family reads this. No internal notes, no scores, nothing about others."),
        error_messages={"required": _("Write in a few sentences why this route was chosen.")},
    )


class DeliveryForm(forms.Form):
    how = forms.ChoiceField(label=_("How"), choices=How.choices)
    to = forms.CharField(label=_("To whom"), max_length=254,
                         error_messages={"required": _("Say to whom the letter was given.")})

    def clean(self):
        data = super().clean()
        if data.get("how") == How.EMAIL and data.get("to"):
            try:
                forms.EmailField().clean(data["to"])
            except forms.ValidationError:
                self.add_error("to", _("This is not an e-mail address. Check what the family gave."))
        return data


class ReconsiderationForm(forms.Form):
    received_on = forms.DateField(
        label=_("Request received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Fill in when the family asked."), "invalid": _("Fill in a date.")},
    )
    objection = forms.CharField(
        label=_("What the family objects to"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        error_messages={"required": _("Write down what the family objects to.")},
    )

    def __init__(self, *args, triaged_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.triaged_on = triaged_on

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if self.triaged_on and day < self.triaged_on:
            raise forms.ValidationError(_("The date cannot be before the triage."))
        return day


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("Choose: upheld or changed.")})
    reasons = forms.CharField(
        label=_("Reasons, for the family"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        error_messages={"required": _("Write the reasons for the decision.")},
    )
