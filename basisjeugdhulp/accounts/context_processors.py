from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts.access import RolesOrCoordinator, allows, rule_for
from basisjeugdhulp.accounts.roles import roles_of
from basisjeugdhulp.intake.routes import CRISIS_LINE

# The main navigation, in order. An item shows only when the policy lets the user use it.
NAVIGATION = (
    ("intake:queue", _("Triage")),
    ("intake:second_check", _("Second check")),
    ("trajectories:mine", _("My families")),
    ("matching:caseload", _("Caseload")),
    ("matching:profile", _("My profile")),
    ("evaluation:mine", _("Interviews")),
    ("evaluation:samples", _("Evaluation sample")),
    ("reporting:dashboard", _("Figures")),
    ("teams:administration", _("Administration")),
    ("audit:log", _("Access log")),
    ("audit:requests", _("Destruction requests")),
    ("cbs:delivery", _("CBS delivery")),
)


def shown(user, name):
    """Whether the item shows: by the policy; a coordinator's page by role only, so no page asks
    the database who coordinates (a coordinator is linked to it from their interviews)."""
    rule = rule_for(name)
    if isinstance(rule, RolesOrCoordinator):
        return bool(roles_of(user) & rule)
    return allows(user, name)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "crisis_line": CRISIS_LINE,
            "navigation": [],
            "user_roles": [],
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            # The login page says so when the second factor is off (the demo).
            "second_factor_off": not settings.SECOND_FACTOR_REQUIRED,
        }
    current = request.resolver_match.view_name if request.resolver_match else None
    items = [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label in NAVIGATION
        if shown(user, name)
    ]
    return {
        "navigation": items,
        "user_roles": sorted(role.label for role in roles_of(user)),
        "crisis_line": CRISIS_LINE,  # on every page that may need it, the error pages too
    }
