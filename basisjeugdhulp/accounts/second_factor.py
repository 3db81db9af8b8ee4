"""The second factor: a code from an authenticator app (TOTP, django-otp). After the password, a
user who needs it first sets up the app (once) or enters its current code; until then no page
of the register opens.

Who needs it:
- with SECOND_FACTOR_REQUIRED (on outside DEBUG), every role that reaches a family's data or
  administers the register, whatever the per-role rules say (NEN 7510-2; Wegiz practice);
- the roles the beheerder requires it for (SecondFactorRule), e.g. the gemeente;
- anyone, for the pages in VERIFIED_ONLY, whatever the setting and the rules say.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.models import SecondFactorRule
from basisjeugdhulp.accounts.redirects import safe_next
from basisjeugdhulp.accounts.roles import Role, roles_of

# Pages reachable between the password and the code.
EXEMPT = {"login", "logout", "set_language", "second_factor_setup", "second_factor"}

# The roles SECOND_FACTOR_REQUIRED is about: all but the gemeente, which sees aggregates only.
REQUIRED_FOR = frozenset({Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER, Role.ADMINISTRATOR})

# URL namespaces that open only in a session verified with the second factor: the access log
# (NEN 7513: reading it is itself restricted) and the Django admin, where roles, teams and
# professional profiles are given (accounts/duties.py), and the CBS delivery, a file of every
# helped child (cbs/delivery.py). No setting or rule switches this off.
VERIFIED_ONLY = frozenset({"audit", "admin", "cbs"})


def required(user):
    """Whether the user's roles make the second factor part of every login."""
    roles = roles_of(user)
    if settings.SECOND_FACTOR_REQUIRED and roles & REQUIRED_FOR:
        return True
    by_rule = getattr(user, "second_factor_required", None)  # loaded with the user (backends.py)
    if by_rule is None:
        by_rule = SecondFactorRule.required_for(roles)
    return by_rule


def asked_of(user):
    """Whether any page asks this user for the second step: their roles do, or they may open the
    pages in VERIFIED_ONLY (the beheerder's, access.POLICY). Nobody else sets up an app."""
    return required(user) or Role.ADMINISTRATOR in roles_of(user)


def needs_verified_session(view_name):
    namespace, colon, _name = view_name.partition(":")
    return bool(colon) and namespace in VERIFIED_ONLY


def _step(user):
    """The second step this user would take now, or None when the session is verified."""
    if not user.is_authenticated or user.is_verified():
        return None
    return "second_factor" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "second_factor_setup"


def pending(request, view_name=None):
    """The view name to send the user to before `view_name`, or None when no second step is due."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if not (required(user) or (view_name and needs_verified_session(view_name))):
        return None
    return _step(user)


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
    if not asked_of(request.user) or _step(request.user) != "second_factor_setup":
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
    # segno's data URI keeps the SVG namespace: without it (svg_inline) the image does not decode.
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#1b2430")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/second_factor_setup.html", {"form": form, "qr": qr, "secret": secret})


def verify(request):
    """Every login of a role that requires it, and before a page in VERIFIED_ONLY: the code."""
    if not asked_of(request.user) or _step(request.user) != "second_factor":
        return redirect("start")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return _done(request, device)
    return render(request, "accounts/second_factor.html", {"form": form})
