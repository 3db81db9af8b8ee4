from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts import duties
from basisjeugdhulp.form_rendering import GuidedErrors
from basisjeugdhulp.intake.languages import LanguageField
from basisjeugdhulp.intake.routes import Product
from matching.models import LANGUAGE_CHOICES, Expertise, Professional, RematchReason
from matching.suggestions import open_contact_due


class SuggestionFilter(forms.Form):
    """What the triagist tries out in the suggestions panel; defaults from the aanmelding."""

    product = forms.ChoiceField(label=_("Product"), choices=Product.choices, required=False)
    language = LanguageField(label=_("Language the family asks for"), required=False)
    background = forms.CharField(label=_("Background the family asks for"), max_length=100, required=False)
    allow_full = forms.BooleanField(label=_("Also show professionals who are full"), required=False)


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.get_education_display()})"


class AssignForm(GuidedErrors, forms.Form):
    """Assign a lead (and optionally a duo partner) to a family of the own team.

    The choices are limited to professionals the family may get, so a forged POST with an
    inactive, absent or foreign professional is refused with a message.
    """

    lead = ProfessionalChoiceField(
        label=_("Lead professional"),
        queryset=Professional.objects.none(),
        empty_label=_("— choose a professional —"),
        error_messages={
            "required": _("Choose a professional."),
            "invalid_choice": _("This professional cannot take this family (inactive, absent, on leave on the contact deadline or another team)."),
        },
    )
    duo = ProfessionalChoiceField(
        label=_("Duo partner (optional)"),
        queryset=Professional.objects.none(),
        empty_label=_("— no duo partner —"),
        required=False,
        error_messages={
            "invalid_choice": _("This professional cannot take this family (inactive, absent, on leave on the contact deadline or another team)."),
        },
    )
    override_reason = forms.CharField(
        label=_("Reason to assign beyond capacity"), max_length=200, required=False
    )
    # The product the triagist settled on in the suggestions panel (before first contact).
    product = forms.ChoiceField(choices=Product.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        available = (
            Professional.objects.active()
            .filter(team=registration.team)
            .with_load(timezone.localdate())
            .filter(absent=False)
            .not_on_leave_on(open_contact_due(registration, timezone.localdate()))
            .select_related("user")
        )
        self.fields["lead"].queryset = available
        self.fields["duo"].queryset = available

    def _check_capacity(self, professional, field):
        if professional.load >= professional.capacity and not self.cleaned_data.get("override_reason", "").strip():
            self.add_error(
                field,
                _("%(name)s is full (%(load)s of %(capacity)s families). Give a reason to assign anyway.")
                % {"name": professional, "load": professional.load, "capacity": professional.capacity},
            )

    def clean(self):
        cleaned = super().clean()
        lead, duo = cleaned.get("lead"), cleaned.get("duo")
        current = getattr(self.registration, "trajectory", None)
        if lead and not (current and current.lead_id == lead.pk):
            self._check_capacity(lead, "lead")
        if duo:
            if lead and duo.pk == lead.pk:
                self.add_error("duo", _("The duo partner is someone other than the lead."))
            elif lead and duo.education == lead.education:
                self.add_error("duo", _("A duo is one HBO and one MBO professional."))
            elif not (current and current.duo_id == duo.pk):
                self._check_capacity(duo, "duo")
        return cleaned


class RematchForm(AssignForm):
    """Replace the lead professional later: always with a reason, counted for the figures."""

    reason = forms.ChoiceField(
        label=_("Reason for the re-match"),
        choices=[("", "—"), *RematchReason.choices],
        error_messages={"required": _("Give the reason for the re-match.")},
    )
    note = forms.CharField(label=_("Explanation"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["duo"], self.fields["product"]

    def clean(self):
        cleaned = super().clean()
        trajectory = getattr(self.registration, "trajectory", None)
        lead = cleaned.get("lead")
        if lead and trajectory and trajectory.lead_id == lead.pk:
            self.add_error("lead", _("Choose another professional than the current lead."))
        if cleaned.get("reason") == "anders" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain the reason 'other' in a few words."))
        return cleaned


class ProfileForm(GuidedErrors, forms.ModelForm):
    """What a professional fills in about themselves (beheerder does the rest in the admin)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _("%(value)s is not on the list of languages.")},
    )
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"), choices=Expertise.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    affinity_consent = forms.BooleanField(
        label=_("I agree that families who ask for it are matched with me on this affinity."),
        required=False,
    )

    class Meta:
        model = Professional
        fields = ["languages", "expertise", "affinity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affinity_consent"].initial = bool(self.instance.affinity_consent_on)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("affinity") and not cleaned.get("affinity_consent"):
            self.add_error("affinity_consent", _("Give your consent, or leave the affinity empty."))
        # Consent is dated when first given and dropped with the affinity (before the model's
        # own check, which refuses an affinity without consent).
        if not cleaned.get("affinity"):
            self.instance.affinity_consent_on = None
        elif cleaned.get("affinity_consent") and not self.instance.affinity_consent_on:
            self.instance.affinity_consent_on = timezone.localdate()
        return cleaned


class ProfessionalAdminForm(forms.ModelForm):
    """The admin's form: languages and expertise as tick boxes instead of raw JSON. An active
    profile puts its user in a team: refused for oneself and for a beheerder (accounts/duties.py)."""

    languages = ProfileForm.base_fields["languages"]
    expertise = ProfileForm.base_fields["expertise"]
    changed_by = None  # the beheerder at work, set per request by ProfessionalAdmin.get_form

    class Meta:
        model = Professional
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or (self.instance.user if self.instance.user_id else None)
        # Ending a profile (inactive) gives nothing, so it is never refused.
        if user is not None and self.changed_by is not None and cleaned.get("active"):
            try:
                duties.check_profile(user, self.changed_by)
            except ValidationError as refused:
                raise ValidationError(refused.messages) from None
        return cleaned

