from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from basisjeugdhulp.submissions import OneTimeSubmission


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [self._clean_one(item, initial) for item in items]

    def _clean_one(self, item, initial):
        try:
            return super().clean(item, initial)
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "empty":  # say which file, and what to do
                raise forms.ValidationError(
                    _("%(name)s is empty (0 bytes). Take the photo again, or choose another one."),
                    code="empty", params={"name": getattr(item, "name", "")},
                ) from error
            raise


class PlanPhotoForm(OneTimeSubmission, forms.Form):
    """'Foto van het A3-plan': the camera on a phone, or several photos from the gallery.

    Sent twice (a double tap, a network retry), it stores each photo once (submissions.py)."""

    ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif"

    camera = MultipleFileField(
        label=_("Photo of the A3 plan"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "capture": "environment"}),
    )
    gallery = MultipleFileField(
        label=_("Choose photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    @property
    def long_side(self):
        """The stored photo's long side: the phone makes a photo this size before sending it
        (static/js/upload.js); the server's normalisation stays the authority."""
        return settings.PLAN_PHOTO_LONG_SIDE

    def clean(self):
        cleaned = super().clean()
        photos = [*(cleaned.get("camera") or []), *(cleaned.get("gallery") or [])]
        if not photos and not self.errors:
            raise forms.ValidationError(_("Take or choose a photo of the plan."))
        limit = settings.PLAN_PHOTO_MAX_FILES
        if len(photos) > limit:
            raise forms.ValidationError(
                ngettext("At most %(n)d photo at a time.", "At most %(n)d photos at a time.", limit) % {"n": limit}
            )
        cleaned["photos"] = photos
        return cleaned
