"""The five roles of the register, kept as Django groups.

A role decides which pages someone may use (see ``access.py``); the groups' model permissions
decide what a beheerder may change in the Django admin. The groups and their permissions are
brought in line after every ``migrate``, so a new deployment needs no manual set-up.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name; the label is what a user reads.
    TRIAGIST = "triagist", _("Triagist")
    PROFESSIONAL = "jeugdprofessional", _("Youth professional")
    SECOND_READER = "tweede lezer", _("Second reader")
    MUNICIPALITY = "gemeente", _("Municipality")
    ADMINISTRATOR = "beheerder", _("Administrator")


# The roles that reach families' files. A beheerder holds none of them at the same time: who
# gives access does not use it (segregation of duties, NEN 7510-2; accounts/duties.py).
CARE_ROLES = frozenset({Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER})

# Which role's start page someone with several roles lands on: the work that cannot wait first.
START_ORDER = (
    Role.TRIAGIST,
    Role.SECOND_READER,
    Role.PROFESSIONAL,
    Role.MUNICIPALITY,
    Role.ADMINISTRATOR,
)

# Model permissions per role, as "app_label.codename". Only the beheerder works in the admin;
# the other roles get the view permissions their pages rest on.
PERMISSIONS = {
    Role.TRIAGIST: {"teams.view_team", "matching.view_professional"},
    Role.PROFESSIONAL: {"teams.view_team"},
    Role.SECOND_READER: {"teams.view_team", "matching.view_professional"},
    Role.MUNICIPALITY: set(),
    Role.ADMINISTRATOR: {
        f"{app}.{action}_{model}"
        for app, model in (
            ("teams", "team"),
            ("matching", "professional"),
            ("intake", "closureday"),
            ("matching", "absence"),
            ("matching", "matchingweights"),
            ("matching", "educationfit"),
            ("matching", "duofit"),
            ("reporting", "lumpsum"),
            ("reporting", "apiclient"),
            ("axes", "accessattempt"),  # unlock a locked account
            ("accounts", "secondfactorrule"),
            ("otp_totp", "totpdevice"),  # reset a lost phone
            ("auth", "user"),
            ("evaluation", "coordinator"),  # who draws the evaluation sample (issue 26)
        )
        for action in ("add", "change", "delete", "view")
    }
    | {"auth.view_group"}
    # The log of given and taken roles and teams: read, and approve another's (accounts/duties.py).
    | {"accounts.view_rolechange", "accounts.change_rolechange"},
}


def roles_of(user):
    """The roles of a user, as a frozenset of Role. A superuser counts as beheerder."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_register_roles", None)
    if cached is None:
        cached = remember_roles(user, set(user.groups.values_list("name", flat=True)))
    return cached


def remember_roles(user, group_names):
    """Keep the user's roles on the user object for the rest of the request."""
    roles = frozenset(role for role in Role if role.value in group_names)
    if user.is_superuser:
        roles |= {Role.ADMINISTRATOR}
    user._register_roles = roles
    return roles


def sync_role_groups(app_config=None, using="default", **kwargs):
    """Create the role groups and set their permissions (a post_migrate handler).

    post_migrate is sent once per app; only the last app's signal comes after every app's
    permissions were created.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return

    for role, wanted in PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        permissions = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".")
            permission = Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)
