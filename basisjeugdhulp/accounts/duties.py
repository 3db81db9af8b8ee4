"""Segregation of duties in giving access (NEN 7510-2, access control).

- Nobody gives themselves a role, a team or a professional profile, and nobody approves what
  they asked for or what is given to themselves.
- A beheerder holds no care role (roles.CARE_ROLES) and no professional profile at the same
  time: who gives access to families' files does not use it.
- With two or more beheerders, a role or team given by one counts only once another approves
  it (four eyes). With one beheerder it counts at once: there is nobody to ask.
- Taking a role or team away counts at once: less access is never the risk.
- Every change is a RoleChange row: who gave or took what from whom, when, approved by whom.

The admin (accounts/admin.py, matching/admin.py) is the only place roles and teams change, and
it opens only in a session verified with the second factor (second_factor.VERIFIED_ONLY).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.accounts.models import RoleChange
from basisjeugdhulp.accounts.roles import CARE_ROLES, Role
from basisjeugdhulp.teams.models import Team


def beheerders():
    """The active users who administer the register (a superuser counts as beheerder)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=Role.ADMINISTRATOR.value) | Q(is_superuser=True))
        .distinct()
    )


def four_eyes():
    return beheerders().count() >= 2


def current_roles(user):
    """The roles the user holds now, from their groups (a superuser's flag not included)."""
    return {Role(name) for name in user.groups.values_list("name", flat=True) if name in Role.values}


def _has_profile(user):
    from matching.models import Professional

    return Professional.objects.filter(user=user, active=True).exists()


def check_roles(user, wanted, by):
    """Refuse, with the reason, roles `by` may not give `user` (a ValidationError)."""
    if user.pk == by.pk and set(wanted) != current_roles(user):
        raise ValidationError(_("You cannot change your own roles; another beheerder does that."))
    if Role.ADMINISTRATOR in wanted and set(wanted) & CARE_ROLES:
        raise ValidationError(
            _("A beheerder holds no care role (triagist, youth professional, second reader) at the same time.")
        )
    if Role.ADMINISTRATOR in wanted and _has_profile(user):
        raise ValidationError(_("A beheerder has no professional profile in a team; end the profile first."))


def check_profile(user, by):
    """Refuse a professional profile (a team) `by` may not give `user`."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot give yourself a professional profile or a team; another beheerder does that."))
    if Role.ADMINISTRATOR in current_roles(user) or user.is_superuser:
        raise ValidationError(_("A beheerder has no professional profile in a team."))


def _verified(by):
    """Roles and teams change only in a session verified with the second factor (the admin asks
    for it first: second_factor.VERIFIED_ONLY); this holds for any other caller as well."""
    if not (getattr(by, "is_verified", None) and by.is_verified()):
        raise PermissionDenied(_("Roles and teams change only after the second step."))


def change_roles(user, wanted, by):
    """Give and take roles as the admin's form asks; returns the changes that wait for approval."""
    _verified(by)
    check_roles(user, wanted, by)
    current = current_roles(user)
    for role in current - set(wanted):
        _take_role(user, role)
        RoleChange.objects.create(user=user, kind=RoleChange.Kind.TAKE, role=role, requested_by=by, status=RoleChange.Status.DONE)
    return [give(user, by, role=role) for role in sorted(set(wanted) - current)]


def give(user, by, *, role="", team=None):
    """A role or a team for `user`: in force now with one beheerder, else waiting for another's
    approval. A request already waiting is not made twice."""
    waiting = RoleChange.objects.pending().filter(user=user, kind=RoleChange.Kind.GIVE, role=role, team=team).first()
    if waiting is not None:
        return waiting
    change = RoleChange(user=user, kind=RoleChange.Kind.GIVE, role=role, team=team, requested_by=by)
    if four_eyes():
        change.status = RoleChange.Status.PENDING
    else:
        change.status = RoleChange.Status.DONE
        _apply(change)
    change.save()
    return change


def waiting_message(change):
    return _("%(what)s for %(user)s waits for another beheerder's approval (Role changes).") % {
        "what": change.what(),
        "user": change.user,
    }


def take_team(professional, team, by):
    """A professional leaves a team (the profile ended or moved): logged, in force at once."""
    RoleChange.objects.create(
        user=professional.user, kind=RoleChange.Kind.TAKE, team=team, requested_by=by, status=RoleChange.Status.DONE
    )


@transaction.atomic
def approve(change, by):
    """Another beheerder approves a waiting role or team; the rules are checked again now."""
    _verified(by)
    change = _still_waiting(change)
    if by.pk in (change.requested_by_id, change.user_id):
        raise ValidationError(_("Another beheerder approves this: not the one who asked, nor the one who gets it."))
    if change.role:
        check_roles(change.user, current_roles(change.user) | {Role(change.role)}, by)
    else:
        check_profile(change.user, by)
    _apply(change)
    _decide(change, RoleChange.Status.DONE, by)


@transaction.atomic
def reject(change, by):
    _verified(by)
    change = _still_waiting(change)
    if by.pk == change.user_id:
        raise ValidationError(_("Another beheerder decides about your own roles and teams."))
    _decide(change, RoleChange.Status.REJECTED, by)


def _still_waiting(change):
    """The change, locked: two beheerders deciding at once decide one after the other."""
    change = RoleChange.objects.select_for_update().get(pk=change.pk)
    if change.status != RoleChange.Status.PENDING:
        raise ValidationError(_("This change is not waiting for approval."))
    return change


def _decide(change, status, by):
    change.status, change.decided_by, change.decided_at = status, by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])


def _apply(change):
    from matching.models import Professional

    user = change.user
    if change.role:
        user.groups.add(Group.objects.get(name=change.role))
        if change.role == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = True  # the Django admin lets in staff only
            user.save(update_fields=["is_staff"])
        return
    professional = Professional.objects.select_related("team").get(user=user)
    if professional.active and professional.team_id != change.team_id:
        take_team(professional, professional.team, change.requested_by)  # moved to another team
    professional.team, professional.active = change.team, True
    professional.save(update_fields=["team", "active"])


def _take_role(user, role):
    user.groups.remove(Group.objects.get(name=role))
    if role == Role.ADMINISTRATOR and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def save_professional(professional, by):
    """Save a professional profile from the admin. A team given (a new active profile, another
    team, active again) goes through give(): until approved the profile keeps its old team, or
    stays inactive when it is new. A team left is logged at once. Returns a waiting change or None."""
    from matching.models import Professional

    _verified(by)
    before = Professional.objects.filter(pk=professional.pk).values("team_id", "active").first() if professional.pk else None
    was_in = before["team_id"] if before and before["active"] else None
    now_in = professional.team_id if professional.active else None
    if now_in == was_in:
        professional.save()
        return None
    old_team = Team.objects.get(pk=was_in) if was_in is not None else None
    if now_in is not None and four_eyes():
        wanted = professional.team
        if before is None:
            professional.active = False
        else:
            professional.team_id, professional.active = before["team_id"], before["active"]
        professional.save()
        return give(professional.user, by, team=wanted)
    professional.save()
    if old_team is not None:
        take_team(professional, old_team, by)
    if now_in is not None:
        RoleChange.objects.create(
            user=professional.user, kind=RoleChange.Kind.GIVE, team=professional.team, requested_by=by,
            status=RoleChange.Status.DONE,
        )
    return None
