"""The intake forms: everything a triagist or professional enters passes through here."""

import re

from django import forms
from django.conf import settings
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.form_rendering import GuidedErrors
from basisjeugdhulp.intake.family_keys import normalise_house_number, normalise_postcode
from basisjeugdhulp.intake.languages import LanguageField
from basisjeugdhulp.intake.models import QuestionCategory, Registration, Sex
from basisjeugdhulp.intake.routes import ContactMode, Product, Route
from basisjeugdhulp.submissions import OneTimeSubmission

# Dutch numbers: 0 and nine digits, or +31 / 0031 and nine digits (spaces and dashes allowed).
PHONE = re.compile(r"^(?:0|\+31|0031)([1-9][0-9]{8})$")
# Jeugdhulp goes on to 23 at most (Jeugdwet art. 1.1, verlengde jeugdhulp).
OLDEST_AGE = 23
MAX_CHILDREN = 12


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_code_display()

    def _check_values(self, value):
        # Django lets a number too large for the database through to the query (OverflowError
        # on SQLite, DataError on PostgreSQL); a category id is a small number.
        for item in value:
            if not str(item).isdigit() or len(str(item)) > 9:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class RegistrationForm(GuidedErrors, OneTimeSubmission, forms.ModelForm):
    categories = CategoryChoiceField(
        label=_("Question categories"),
        queryset=QuestionCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category.")},
    )
    preferred_language = LanguageField(label=_("Language"), required=False)
    has_preference = forms.BooleanField(
        label=_("The family asks for a particular professional"),
        required=False,
        help_text=_("Only note a preference when the family asks for it itself."),
    )

    class Meta:
        model = Registration
        fields = [
            "channel",
            "family_label",
            "phone",
            "postcode",
            "house_number",
            "categories",
            "question",
            "preferred_language",
            "preferred_background",
            "preference_other",
        ]
        widgets = {
            "channel": forms.RadioSelect,
            "question": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "off", "size": 7}),
            "house_number": forms.TextInput(attrs={"autocomplete": "off", "size": 6}),
            "family_label": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "family_label": _("How the team calls the family, e.g. 'Gezin Jansen'."),
        }
        error_messages = {
            "channel": {"required": _("Choose how the family came in.")},
            "family_label": {"required": _("Fill in how the team calls the family, e.g. Gezin Jansen.")},
            "phone": {"required": _("Fill in the phone number of the parent, e.g. 06 12345678.")},
            "postcode": {"required": _("Fill in the family's postcode, e.g. 9712 AB.")},
            "house_number": {"required": _("Fill in the house number, e.g. 12 or 12a.")},
            "question": {"required": _("Write down the family's question, in their own words.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("family_label", "phone", "postcode", "house_number", "question"):
            self.fields[name].required = True
        self.fields["channel"].choices = self.fields["channel"].choices[1:]  # no blank tile

    def clean_phone(self):
        digits = re.sub(r"[\s\-().]", "", self.cleaned_data["phone"])
        match = PHONE.match(digits)
        if not match:
            raise forms.ValidationError(
                _("Enter a Dutch phone number of 10 digits, e.g. 06 12345678.")
            )
        return "0" + match.group(1)

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(_("Enter a postcode like 9712 AB."))
        return postcode

    def clean_house_number(self):
        value = self.cleaned_data["house_number"]
        if normalise_house_number(value) is None:
            raise forms.ValidationError(_("Enter a house number, e.g. 12 or 12a."))
        return value.strip()

    def clean(self):
        cleaned = super().clean()
        preference = ("preferred_language", "preferred_background", "preference_other")
        if cleaned.get("has_preference"):
            if not any(cleaned.get(name) for name in preference):
                self.add_error(
                    "has_preference", _("Note what the family asks for, or untick the box.")
                )
        else:
            # Typed but not asked for by the family: not stored (it stays in the form).
            for name in preference:
                cleaned[name] = ""
        return cleaned


class ChildForm(GuidedErrors, forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the child's first name.")},
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the year of birth."),
            "invalid": _("Enter a year, e.g. 2015."),
        },
    )

    sex = forms.ChoiceField(
        label=_("Sex (optional)"), choices=[("", "—"), *Sex.choices], required=False,
        help_text=_("Only for the CBS delivery."),
    )
    bsn = forms.CharField(
        label=_("BSN (optional)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Only for the CBS delivery, when the family gives it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation's choices (docs/configuration.md): without them the row asks only
        # name and year, as before; turning CBS_BSN off stops collecting at once.
        if not settings.CBS_ASK_SEX:
            del self.fields["sex"]
        if not settings.CBS_BSN:
            del self.fields["bsn"]

    def clean_bsn(self):
        from basisjeugdhulp.cbs import bsn

        value = self.cleaned_data["bsn"].strip()
        if not value:
            return ""
        try:
            return bsn.clean(value)
        except bsn.InvalidBsn as error:
            raise forms.ValidationError(str(error)) from None

    def child_fields(self):
        """The Child's fields from this row: the BSN only encrypted (cbs/bsn.py)."""
        from basisjeugdhulp.cbs import bsn

        data = {"first_name": self.cleaned_data["first_name"], "birth_year": self.cleaned_data["birth_year"]}
        data["sex"] = self.cleaned_data.get("sex", "")
        if self.cleaned_data.get("bsn"):
            data["bsn_token"] = bsn.encrypt(self.cleaned_data["bsn"])
        return data

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if year > this_year:
            raise forms.ValidationError(_("The year of birth lies in the future."))
        if year < this_year - OLDEST_AGE:
            raise forms.ValidationError(
                _("Basis jeugdhulp is for young people up to %(age)s: born in %(year)s or later.")
                % {"age": OLDEST_AGE, "year": this_year - OLDEST_AGE}
            )
        return year


class BaseChildFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        seen = {}
        for row in self.forms:
            number = (getattr(row, "cleaned_data", None) or {}).get("bsn")
            if not number:
                continue
            if number in seen:
                row.add_error("bsn", _("This BSN was already typed for %(name)s: each child has their own.")
                              % {"name": seen[number]})
            else:
                seen[number] = row.cleaned_data.get("first_name", "")


ChildFormSet = formset_factory(
    ChildForm, formset=BaseChildFormSet, extra=0, min_num=1, validate_min=True, max_num=MAX_CHILDREN,
    validate_max=True,
)
CHILDREN_PREFIX = "children"


def children_rows(data, *, add=False, remove=None):
    """The POSTed children rows with one row added or one removed, for the in-place editor.

    Returned as a list of dicts, the initial rows of a fresh formset: nothing typed is lost,
    and no error is shown for a row the triagist has not filled in yet.
    """
    try:
        total = min(max(int(data.get(f"{CHILDREN_PREFIX}-TOTAL_FORMS", 1)), 1), MAX_CHILDREN)
    except ValueError:
        total = 1
    rows = [
        {field: data.get(f"{CHILDREN_PREFIX}-{index}-{field}", "") for field in ChildForm.base_fields}
        for index in range(total)
    ]
    if add and len(rows) < MAX_CHILDREN:
        rows.append({field: "" for field in ChildForm.base_fields})
    if remove is not None and len(rows) > 1 and 0 <= remove < len(rows):
        rows.pop(remove)
    return rows


class TriageForm(GuidedErrors, forms.Form):
    route = forms.ChoiceField(
        label=_("Route"),
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a route.")},
    )
    product = forms.ChoiceField(
        label=_("Product"), choices=Product.choices, widget=forms.RadioSelect, required=False
    )
    motivation = forms.CharField(
        label=_("Motivation for the tweede lezer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def clean(self):
        cleaned = super().clean()
        route = cleaned.get("route")
        if route == Route.BASIC and not cleaned.get("product"):
            self.add_error("product", _("Choose one of the four products."))
        if route == Route.SPECIALIST and not cleaned.get("motivation", "").strip():
            self.add_error("motivation", _("Say briefly why specialist care is needed."))
        return cleaned


class SecondCheckForm(GuidedErrors, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        error_messages={"required": _("Approve or reject the proposal.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        error_messages={"required": _("Write a short note with your decision.")},
    )


class FirstContactForm(GuidedErrors, forms.Form):
    contacted_on = forms.DateField(
        label=_("Date of first contact"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    contact_mode = forms.ChoiceField(
        label=_("How"),
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the contact took place.")},
    )
    contact_late_reason = forms.CharField(
        label=_("Reason for the delay (optional)"), max_length=200, required=False
    )

    def __init__(self, *args, registration, **kwargs):
        self.registration = registration
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    @property
    def is_late_today(self):
        due = self.registration.contact_due
        return due is not None and timezone.localdate() > due

    def clean_contacted_on(self):
        day = self.cleaned_data["contacted_on"]
        if day < self.registration.received_on:
            raise forms.ValidationError(
                _("First contact cannot be before the aanmelding (%(date)s).")
                % {"date": self.registration.received_on.strftime("%d-%m-%Y")}
            )
        if day > timezone.localdate():
            raise forms.ValidationError(_("First contact cannot be in the future."))
        return day
