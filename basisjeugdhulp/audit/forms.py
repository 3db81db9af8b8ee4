import re
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class LogSearch(forms.Form):
    """Search the access log: by user, by family, by period (any combination)."""

    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.order_by("username"), to_field_name="username",
        required=False, empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("This user does not exist.")},
    )
    family = forms.CharField(
        label=_("Family (number of the aanmelding)"), required=False, max_length=300,
        help_text=_("Shown at the bottom of the family's file; its web address works too."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_family(self):
        """The number as the file shows it, or the file's whole address pasted in."""
        text = self.cleaned_data["family"].strip()
        if not text:
            return None
        found = UUID_IN_TEXT.search(text)
        if found is None:
            raise forms.ValidationError(
                _("Enter the number of the aanmelding as shown at the bottom of the family's file, "
                  "e.g. 3f2b8c1e-…, or paste the file's web address.")
            )
        return uuid.UUID(found.group(0))

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
