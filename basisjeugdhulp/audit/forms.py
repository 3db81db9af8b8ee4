from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class LogSearch(forms.Form):
    """Search the access log: by user, by family, by period (any combination)."""

    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.order_by("username"), to_field_name="username",
        required=False, empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("This user does not exist.")},
    )
    family = forms.UUIDField(
        label=_("Family (number of the aanmelding)"), required=False,
        error_messages={"invalid": _("Enter the number of the aanmelding as shown in its address.")},
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return cleaned


class DestroyForm(forms.Form):
    """Destroying a file on the family's request cannot be undone: type the word to confirm."""

    WORD = "VERNIETIGEN"

    confirm = forms.CharField(
        label=_("Type VERNIETIGEN to destroy this file"), max_length=20,
        error_messages={"required": _("Type VERNIETIGEN to confirm.")},
    )

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().upper() != self.WORD:
            raise forms.ValidationError(_("Type VERNIETIGEN to confirm."))
        return self.WORD
