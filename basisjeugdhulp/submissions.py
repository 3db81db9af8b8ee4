"""A form's one-time submission id: the same form sent twice (a double tap, a network retry,
the browser resending after a timeout) is recognised as one submission.

The form carries a random id in a hidden field, drawn once when the empty form is drawn; a
resent form carries the same id. The record the submission made stores the id under a unique
constraint, so the view finds the first result instead of storing a second (an aanmelding:
intake/views.py; a plan photo: plans/storing.py).
"""

import uuid

from django import forms


class OneTimeSubmission(forms.Form):
    """Mixin for a form whose submission must be stored once."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("submission_id"):
            self.initial["submission_id"] = uuid.uuid4()
