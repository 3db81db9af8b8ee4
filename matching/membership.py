"""Where a user works: the teams they are an active professional in, each membership with its
team's name.

The signed-in user brings them along (accounts/backends.py reads them in the same query as the
user and their roles), so the pages that filter on the user's teams (every family they may see)
or show them need no query of their own, and leaving a team counts from the next request. For
any other user (a command, a test) they are asked here, once.
"""

from django.db import DEFAULT_DB_ALIAS

from basisjeugdhulp.teams.models import Team
from matching.models import Professional

# Professional fields read with the user; any other field loads when it is asked for.
FIELDS = ("id", "user_id", "team_id", "education", "active")


def remember(user, rows):
    """Keep the user's memberships on the user object for the rest of the request. `rows` are
    (professional id, team id, education, team name) of the active memberships."""
    memberships = []
    for professional_id, team_id, education, team_name in sorted(set(rows), key=lambda row: (row[3], row[0])):
        professional = Professional.from_db(
            DEFAULT_DB_ALIAS, FIELDS, (professional_id, user.pk, team_id, education, True)
        )
        professional.user = user
        professional.team = Team.from_db(DEFAULT_DB_ALIAS, ("id", "name"), (team_id, team_name))
        memberships.append(professional)
    user._register_memberships = tuple(memberships)
    return user._register_memberships


def memberships_of(user):
    """The user's active professional memberships (each with .team), by team name."""
    memberships = getattr(user, "_register_memberships", None)
    if memberships is None:
        rows = Professional.objects.filter(user=user, active=True).values_list(
            "pk", "team_id", "education", "team__name"
        )
        memberships = remember(user, rows)
    return memberships


def team_ids_of(user):
    return tuple(professional.team_id for professional in memberships_of(user))


def teams_of(user):
    """The teams the user works in as an active professional, by name."""
    return [professional.team for professional in memberships_of(user)]
