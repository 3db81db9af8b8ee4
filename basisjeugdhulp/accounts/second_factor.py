"""The optional second factor: a code from an authenticator app (TOTP, django-otp), required
per role by the beheerder (SecondFactorRule). After the password, a user of such a role first
sets up the app (once) or enters its current code; until then no page of the register opens."""

import base64

import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.models import SecondFactorRule
from basisjeugdhulp.accounts.redirects import safe_next
from basisjeugdhulp.accounts.roles import roles_of

# Pages reachable between the password and the code.
EXEMPT = {"login", "logout", "set_language", "second_factor_setup", "second_factor"}


def pending(request):
    """The view name to send the user to, or None when no second step is due."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    required = getattr(user, "second_factor_required", None)  # loaded with the user (backends.py)
    if required is None:
        required = SecondFactorRule.required_for(roles_of(user))
    if not required:
        return None
    return "second_factor" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "second_factor_setup"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": gettext_lazy("Enter the six digits from the app.")},
    )

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and self.device.verify_token(code)):
            raise forms.ValidationError(_("This code is not right (or no longer valid). Enter the code the app shows now."))
        return code


def _done(request, device):
    otp_login(request, device)
    return redirect(safe_next(request, fallback="start"))  # only to a page of this site


def setup(request):
    """Once: scan the QR code with an authenticator app, and confirm with its first code."""
    if pending(request) != "second_factor_setup":
        return redirect("start")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name=_("Authenticator app"), confirmed=False
    )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        messages.success(request, _("Your authenticator app is set up."))
        return _done(request, device)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b2430")
    qr = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/second_factor_setup.html", {"form": form, "qr": qr, "secret": secret})


def verify(request):
    """Every login of a role that requires it: the app's current code."""
    if pending(request) != "second_factor":
        return redirect("start")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return _done(request, device)
    return render(request, "accounts/second_factor.html", {"form": form})
