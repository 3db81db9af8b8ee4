"""Signing in with a username and password is Django's ModelBackend; loading the signed-in user
on every later request is done here, together with what every request asks next: the user's
roles (their groups), whether one of those roles needs a second factor, and where the user
works (matching/membership.py: which families they may see).

One plain query instead of four ORM queries (user, groups, second-factor rule, teams): ~0.4 ms
instead of ~1.7 ms on every page (bench/throughput.py measures the pages), and the pages' own
queries filter on a list of team ids instead of a subquery. Nothing is cached between
requests, so a role or team taken away counts from the next request on.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from basisjeugdhulp.accounts.models import SecondFactorRule
from basisjeugdhulp.accounts.roles import Role, remember_roles
from basisjeugdhulp.teams.models import Team
from matching import membership
from matching.models import Professional


@cache
def _user_with_roles_sql():
    user = get_user_model()
    memberships = user.groups.through._meta
    professionals = Professional._meta.db_table
    return f"""
        SELECT u.*, g.name AS register_role,
               EXISTS (SELECT 1 FROM {SecondFactorRule._meta.db_table} r
                       WHERE r.required AND (r.role = g.name OR (u.is_superuser AND r.role = %s))
               ) AS register_second_factor,
               p.id AS register_professional_id, p.team_id AS register_team_id,
               p.education AS register_education, t.name AS register_team_name
        FROM {user._meta.db_table} u
        LEFT JOIN {memberships.db_table} m ON m.user_id = u.id
        LEFT JOIN {Group._meta.db_table} g ON g.id = m.group_id
        LEFT JOIN {professionals} p ON p.user_id = u.id AND p.active
        LEFT JOIN {Team._meta.db_table} t ON t.id = p.team_id
        WHERE u.id = %s
    """


class RegisterBackend(ModelBackend):
    def get_user(self, user_id):
        rows = list(get_user_model()._default_manager.raw(_user_with_roles_sql(), [Role.ADMINISTRATOR.value, user_id]))
        if not rows or not self.user_can_authenticate(rows[0]):
            return None
        user = rows[0]
        remember_roles(user, {row.register_role for row in rows if row.register_role})
        user.second_factor_required = any(row.register_second_factor for row in rows)
        membership.remember(user, [
            (row.register_professional_id, row.register_team_id, row.register_education, row.register_team_name)
            for row in rows if row.register_professional_id
        ])
        return user
