"""Who decides a reconsideration: a tweede lezer of the family's team who was not involved in the
triage — not the triagist who decided, not who proposed or decided its second check."""

from collections import Counter

from django.contrib.auth import get_user_model

from basisjeugdhulp.accounts.roles import Role


def involved(registration):
    ids = {registration.triaged_by_id}
    for proposed, decided in registration.second_checks.values_list("proposed_by_id", "decided_by_id"):
        ids |= {proposed, decided}
    return ids - {None}


def uninvolved_second_reader(registration):
    """The uninvolved tweede lezer of the team with the fewest open reconsiderations, or None."""
    from basisjeugdhulp.letters.models import Reconsideration

    candidates = list(
        get_user_model().objects.filter(
            is_active=True, groups__name=Role.SECOND_READER.value,
            professional__team=registration.team_id, professional__active=True,
        ).exclude(pk__in=involved(registration)).order_by("pk").distinct()
    )
    if not candidates:
        return None
    load = Counter(Reconsideration.objects.open().filter(assigned_to__in=candidates).values_list("assigned_to", flat=True))
    return min(candidates, key=lambda user: (load[user.pk], user.pk))
