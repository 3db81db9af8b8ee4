"""Who may use which page: the register's one access policy.

Every URL of the URLconf has an entry here, by its view name. The middleware applies the entry
before any view runs, so a view without an entry is refused rather than left open, and the tests
enumerate the URLconf against this table. Which *objects* a user may see inside an allowed page
is decided by the querysets the view looks them up through (``Model.objects.visible_to(user)``).
"""

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.urls import reverse

from basisjeugdhulp.accounts.kept_forms import page_of
from basisjeugdhulp.accounts.redirects import to_login
from basisjeugdhulp.accounts.roles import Role, roles_of

logger = logging.getLogger(__name__)

PUBLIC = "public"  # also without logging in
SIGNED_IN = "signed in"  # any logged-in user, whatever their role
TOKEN = "token"  # no session: the view itself requires a valid, unrevoked API token


class RolesOrCoordinator(frozenset):
    """These roles, and whoever the beheerder made evaluation coordinator (evaluation/models.py:
    a duty given to a person, not a role of its own)."""


def _coordinates(user):
    from basisjeugdhulp.evaluation.models import Coordinator

    cached = getattr(user, "_evaluation_coordinator", None)
    if cached is None:
        cached = user._evaluation_coordinator = Coordinator.objects.filter(user=user).exists()
    return cached


def is_coordinator(user):
    """The evaluation coordinator's pages: a coordinator, or the beheerder."""
    return allows(user, "evaluation:samples")


COORDINATOR = RolesOrCoordinator({Role.ADMINISTRATOR})

POLICY = {
    "login": PUBLIC,
    "set_language": PUBLIC,
    "logout": SIGNED_IN,
    "start": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    # The second step after the password, for roles that require it (accounts/second_factor.py).
    "second_factor_setup": SIGNED_IN,
    "second_factor": SIGNED_IN,
    "intake:queue": {Role.TRIAGIST},
    "intake:new": {Role.TRIAGIST},
    "intake:crisis": {Role.TRIAGIST},
    # A family's file: the team's triagists, professionals and tweede lezers. Which files is
    # decided by Registration.objects.visible_to(user): only those of the own team.
    "intake:registration": {Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER},
    "intake:triage": {Role.TRIAGIST},
    "intake:first_contact": {Role.TRIAGIST, Role.PROFESSIONAL},
    "intake:second_check": {Role.SECOND_READER},
    "intake:decide": {Role.SECOND_READER},
    # The letter to the family and its reconsideration are part of the family's file: the same
    # roles read them. A triagist makes the letter; triagists and professionals give it and record
    # a request; only the uninvolved tweede lezer it was routed to decides (checked in the view).
    "letters:file": {Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER},
    "letters:letter": {Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER},
    "letters:pdf": {Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER},
    "letters:issue": {Role.TRIAGIST},
    "letters:deliver": {Role.TRIAGIST, Role.PROFESSIONAL},
    "letters:reconsider": {Role.TRIAGIST, Role.PROFESSIONAL},
    "letters:decide": {Role.SECOND_READER},
    "trajectories:mine": {Role.PROFESSIONAL},
    "trajectories:waiting": {Role.PROFESSIONAL},
    # A trajectory and its plan photos: the family's own professionals (lead, duo) and the
    # team's triagists (Trajectory.objects.visible_to); photographing and closing only the
    # family's professionals, checked in the view.
    "trajectories:detail": {Role.PROFESSIONAL, Role.TRIAGIST},
    "trajectories:close": {Role.PROFESSIONAL, Role.TRIAGIST},
    "trajectories:reopen": {Role.PROFESSIONAL, Role.TRIAGIST},
    "plans:upload": {Role.PROFESSIONAL, Role.TRIAGIST},
    "plans:photo": {Role.PROFESSIONAL, Role.TRIAGIST},
    "plans:thumbnail": {Role.PROFESSIONAL, Role.TRIAGIST},
    # The safety card: like the A3 plan, the family's professionals and the team's triagists
    # (safety.models.files_visible_to); never the municipality. Making and sharing it: the
    # family's professionals, and the triagists at the aanmelding, checked in the view.
    "safety:card": {Role.PROFESSIONAL, Role.TRIAGIST},
    "safety:new": {Role.PROFESSIONAL, Role.TRIAGIST},
    "safety:share": {Role.PROFESSIONAL, Role.TRIAGIST},
    "safety:print": {Role.PROFESSIONAL, Role.TRIAGIST},
    "safety:photo": {Role.PROFESSIONAL, Role.TRIAGIST},
    "safety:thumbnail": {Role.PROFESSIONAL, Role.TRIAGIST},
    # Matching: triagists match and re-match; professionals never assign (issue 4).
    "matching:panel": {Role.TRIAGIST},
    "matching:choose": {Role.TRIAGIST},
    "matching:assign": {Role.TRIAGIST},
    "matching:rematch": {Role.TRIAGIST},
    "matching:caseload": {Role.TRIAGIST, Role.SECOND_READER},
    "matching:profile": {Role.PROFESSIONAL, Role.TRIAGIST, Role.SECOND_READER},
    # The municipality's figures: aggregates only, every count protected by the cell-key method (reporting/disclosure.py).
    "reporting:dashboard": {Role.MUNICIPALITY, Role.ADMINISTRATOR},
    "reporting:export_csv": {Role.MUNICIPALITY, Role.ADMINISTRATOR},
    "reporting:export_xlsx": {Role.MUNICIPALITY, Role.ADMINISTRATOR},
    "reporting:api": TOKEN,
    "teams:administration": {Role.ADMINISTRATOR},
    # The access log (NEN 7513): the beheerder, as privacy officer, searches it; only in a session
    # verified with the second factor (second_factor.VERIFIED_ONLY), as the admin.
    "audit:log": {Role.ADMINISTRATOR},
    "audit:family": {Role.ADMINISTRATOR},
    "audit:destroy": {Role.ADMINISTRATOR},
    # A family's request to destroy its files (Jeugdwet art. 7.3.9): the beheerder only.
    "audit:requests": {Role.ADMINISTRATOR},
    "audit:new_request": {Role.ADMINISTRATOR},
    "audit:request": {Role.ADMINISTRATOR},
    "audit:extend_request": {Role.ADMINISTRATOR},
    "audit:answer_request": {Role.ADMINISTRATOR},
    # The half-yearly CBS delivery (issue 27): a file with every helped child's data, so the
    # beheerder only, in a session verified with the second factor (second_factor.VERIFIED_ONLY).
    "cbs:delivery": {Role.ADMINISTRATOR},
    "cbs:download": {Role.ADMINISTRATOR},
    # The evaluation sample (issue 26): the coordinator (or beheerder) draws it, pairs the
    # interviewers and reads individual answers; the interviewer, any professional, sees only the
    # contact of the families paired with them (Interview.objects.of_interviewer).
    "evaluation:samples": COORDINATOR,
    "evaluation:sample": COORDINATOR,
    "evaluation:pair_again": COORDINATOR,
    "evaluation:mine": {Role.PROFESSIONAL, Role.TRIAGIST, Role.SECOND_READER},
    "evaluation:interview": {Role.PROFESSIONAL, Role.TRIAGIST, Role.SECOND_READER},
    # The Django admin checks is_staff and model permissions itself as well.
    "admin:*": {Role.ADMINISTRATOR},
}


def rule_for(view_name):
    """The policy entry for a (namespaced) view name, or None when it has none."""
    if view_name in POLICY:
        return POLICY[view_name]
    namespace = view_name.rpartition(":")[0]
    return POLICY.get(f"{namespace}:*") if namespace else None


def allows(user, view_name):
    rule = rule_for(view_name)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if rule == TOKEN:
        return False  # never through a session
    if not user.is_authenticated:
        return False
    if rule == SIGNED_IN or roles_of(user) & rule:
        return True
    return isinstance(rule, RolesOrCoordinator) and _coordinates(user)


class AccessPolicyMiddleware:
    """Applies POLICY to every request before its view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        rule = rule_for(view_name)
        if rule is None:
            logger.error("No access policy for view %r: refused.", view_name)
            return forbidden(request)
        if rule in (PUBLIC, TOKEN):
            return None
        if not request.user.is_authenticated:
            return self._to_login(request)
        from basisjeugdhulp.accounts import second_factor  # models: imported once apps are ready

        allowed = allows(request.user, view_name)
        # A page that needs a verified session asks for the code only of those who may open it.
        if view_name not in second_factor.EXEMPT and (
            step := second_factor.pending(request, view_name if allowed else None)
        ):
            back = request.get_full_path() if request.method == "GET" else page_of(request.path_info)
            return redirect_to_login(back, login_url=reverse(step))
        return None if allowed else forbidden(request)


    @staticmethod
    def _to_login(request):
        """To the login page; with a Dutch notice when a session cookie came along, i.e. the
        session ran out (idle too long on a shared tablet) rather than never existed."""
        back = request.get_full_path() if request.method == "GET" else page_of(request.path_info)
        return to_login(request, back, expired=settings.SESSION_COOKIE_NAME in request.COOKIES)


def forbidden(request):
    return TemplateResponse(request, "403.html", status=403)
