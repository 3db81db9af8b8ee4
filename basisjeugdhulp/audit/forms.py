import copy
import re
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.intake.models import DestructionRequest, KeepingGround, RequestedBy

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


class DestructionRequestForm(forms.ModelForm):
    """A family's request to destroy its files, as it came in (Jeugdwet art. 7.3.9)."""

    class Meta:
        model = DestructionRequest
        fields = ["received_on", "requested_by", "requester_name", "family_name", "postcode", "house_number",
                  "birth_year", "covers"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}), "requested_by": forms.RadioSelect}
        help_texts = {
            "family_name": _("As it stands in the register, e.g. Gezin De Vries."),
            "birth_year": _("Of the child the request is about: under 12 a parent with authority asks."),
            "covers": _("In the requester's words, without names (this stays after the answer), e.g. all "
                        "files of the family, or only the file of 2021."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].choices = RequestedBy.choices  # two options, no blank one
        self.fields["birth_year"].required = True
        self.fields["requester_name"].required = True
        self.fields["birth_year"].error_messages["required"] = _("Enter the child's year of birth.")
        self.families = None

    def clean_received_on(self):
        from django.utils import timezone

        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return received

    def clean(self):
        from basisjeugdhulp.intake import destruction_requests

        cleaned = super().clean()
        received, year, who = cleaned.get("received_on"), cleaned.get("birth_year"), cleaned.get("requested_by")
        if received and year and who:
            age = received.year - year
            if who == RequestedBy.PARENT and age > destruction_requests.CHILD_UNTIL:
                self.add_error("requested_by", _(
                    "A child of 12 or older asks for this themselves (Jeugdwet art. 7.3.15)."))
            if who == RequestedBy.YOUNG_PERSON and age < destruction_requests.CHILD_UNTIL - 1:
                self.add_error("requested_by", _(
                    "For a child under 12 a parent with authority asks (Jeugdwet art. 7.3.15)."))
        if self.errors:
            return cleaned
        if not (cleaned.get("family_name", "").strip() or (cleaned.get("postcode") and cleaned.get("house_number"))):
            raise forms.ValidationError(_("Enter the family's name, or its postcode and house number."))
        files = list(destruction_requests.files_of(
            postcode=cleaned.get("postcode", ""), house_number=cleaned.get("house_number", ""),
            birth_year=year, family_name=cleaned.get("family_name", ""),
        ))
        if not files:
            raise forms.ValidationError(_(
                "No file of a family with these details exists (any more). Check the name, postcode, "
                "house number and year of birth; a file already destroyed is not found."))
        existing = destruction_requests.open_request_for(files)
        if existing is not None:
            self.existing = existing
            raise forms.ValidationError(_(
                "A request for this family is already open (received on %(received)s, answer due "
                "%(deadline)s). Please answer that one first; you can record what this request adds there."
            ) % {"received": date_format(existing.received_on), "deadline": date_format(existing.deadline)})
        self.families = files
        return cleaned


def date_format(day):
    from django.utils.formats import date_format as format_

    return format_(day, "j F Y")


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for extending by two months"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the extension: the family is told it.")},
    )


class AnswerForm(forms.Form):
    """Per file of the family: destroy it, or keep it and say why (art. 7.3.9 lid 2)."""

    WORD = DestroyForm.WORD

    def __init__(self, files, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = files
        self.any_open = any(item["open"] for item in files)
        for item in files:
            pk = item["registration"].pk
            self.fields[f"destroy_{pk}"] = forms.BooleanField(label=_("Destroy this file"), required=False)
            self.fields[f"keep_{pk}"] = forms.ChoiceField(
                label=_("Or keep it because of"), required=False,
                choices=[("", "—"), *KeepingGround.choices],
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Reason for keeping it"), max_length=500, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            item["fields"] = [self[f"destroy_{pk}"], self[f"keep_{pk}"], self[f"reason_{pk}"]]
        if self.any_open:
            self.fields["open_confirmed"] = forms.BooleanField(
                label=_("I know help is still going on in a file I destroy, and destroy it all the same"),
                required=False,
            )
        self.fields["confirm"] = copy.deepcopy(DestroyForm.base_fields["confirm"])
        self.fields["confirm"].label = _("Type VERNIETIGEN to carry out these decisions")

    def clean_confirm(self):
        return DestroyForm.clean_confirm(self)

    def clean(self):
        cleaned = super().clean()
        self.decisions = []
        for item in self.files:
            registration, pk = item["registration"], item["registration"].pk
            destroy, keep, reason = (cleaned.get(f"destroy_{pk}"), cleaned.get(f"keep_{pk}") or "",
                                     (cleaned.get(f"reason_{pk}") or "").strip())
            if destroy and keep:
                self.add_error(f"keep_{pk}", _("Choose: destroy this file, or keep it."))
            elif not destroy and not keep:
                self.add_error(f"keep_{pk}", _("Destroy this file, or say why it is kept."))
            elif keep in (KeepingGround.OTHERS_INTEREST, KeepingGround.LEGAL_DUTY) and not reason:
                self.add_error(f"reason_{pk}", _("Give the reason this exception applies (art. 7.3.9 lid 2)."))
            elif destroy and item["open"] and not cleaned.get("open_confirmed"):
                self.add_error("open_confirmed", _(
                    "Help is still going on in %(family)s's file: confirm that you destroy it all the same."
                ) % {"family": registration.family_label or registration.public_id})
            self.decisions.append((registration, bool(destroy), keep, reason if not destroy else ""))
        return cleaned
