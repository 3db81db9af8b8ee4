from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.plans.forms import PlanPhotoForm
from basisjeugdhulp.safety.models import SCALE, Form, Ground, Receiver
from basisjeugdhulp.submissions import OneTimeSubmission


def _words(label, help_text):
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        error_messages={"max_length": _("At most %(limit_value)d characters: keep it short, in the family's words.")},
    )


class CardForm(OneTimeSubmission, forms.Form):
    """A new version of the safety card, made with the family: four short texts in their words
    and one judgement (0–10); or a photo of the hand-written card and the judgement."""

    worries = _words(_("Worries"), _("What worries the family and you."))
    going_well = _words(_("What goes well"), _("The positive signs."))
    tried = _words(_("What has been tried, and what does not work"), "")
    next_steps = _words(_("Next steps"), "")
    judgement = forms.TypedChoiceField(
        label=_("How safe is it now?"),
        help_text=_("0: the child is not safe. 10: safe enough to close."),
        choices=[(n, str(n)) for n in range(SCALE[0], SCALE[1] + 1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={
            "required": _("Choose how safe it is now, from 0 to 10."),
            "invalid_choice": _("The judgement is a number from 0 (not safe) to 10 (safe enough to close)."),
        },
    )
    judged_by = forms.CharField(
        label=_("Judged by"), max_length=200,
        help_text=_("Who weighed it: you, with the family, the safety team…"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Say who judged it.")},
    )
    judged_on = forms.DateField(
        label=_("Judged on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )
    photo = forms.FileField(
        label=_("Or photograph the hand-written card"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PlanPhotoForm.ACCEPT, "capture": "environment"}),
    )

    TEXTS = ("worries", "going_well", "tried", "next_steps")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("judged_on", timezone.localdate())
            if user is not None:
                self.initial.setdefault("judged_by", user.get_full_name() or user.get_username())

    def clean_judged_on(self):
        day = self.cleaned_data["judged_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The judgement cannot be in the future."))
        return day

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > settings.PLAN_PHOTO_MAX_BYTES:
            from django.template.defaultfilters import filesizeformat

            raise forms.ValidationError(
                _("The photo is larger than %(size)s.") % {"size": filesizeformat(settings.PLAN_PHOTO_MAX_BYTES)}
            )
        return photo

    def clean(self):
        cleaned = super().clean()
        for name in self.TEXTS:
            if name in cleaned:
                cleaned[name] = cleaned[name].strip()
        if not self.errors and not cleaned.get("photo") and not any(cleaned.get(name) for name in self.TEXTS):
            raise forms.ValidationError(
                _("Write at least one thing on the card in the family's words, or photograph the hand-written card.")
            )
        return cleaned


class ShareForm(forms.Form):
    """Sharing the card with the organisation the family is referred to: after the family's
    consent, or — only to Veilig Thuis — on the meldcode."""

    receiver = forms.ChoiceField(
        label=_("Referred to"), choices=Receiver.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose where the family is referred to.")},
    )
    organisation = forms.CharField(
        label=_("Receiving organisation"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Name the organisation that receives the card.")},
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=Ground.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Record the family's consent, or the legal ground when there is none.")},
    )
    consent_from = forms.CharField(
        label=_("Consent given by"), max_length=200, required=False,
        help_text=_("Who in the family agreed, e.g. mother and Noor (14)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    form = forms.ChoiceField(
        label=_("As"), choices=Form.choices, widget=forms.RadioSelect, initial=Form.PDF,
        error_messages={"required": _("Choose PDF or print.")},
    )

    def clean(self):
        cleaned = super().clean()
        ground, receiver = cleaned.get("ground"), cleaned.get("receiver")
        if ground == Ground.CONSENT and not cleaned.get("consent_from", "").strip():
            self.add_error("consent_from", _("Say who in the family gave consent."))
        if ground == Ground.MELDCODE and receiver and receiver != Receiver.VEILIG_THUIS:
            self.add_error("ground", _(
                "Without consent the card may only go to Veilig Thuis (meldcode). "
                "Record the family's consent to share it with this organisation."
            ))
        if ground == Ground.MELDCODE:
            cleaned["consent_from"] = ""
        return cleaned
