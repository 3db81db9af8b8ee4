"""A returning family: a new aanmelding within 12 months after a trajectory closed.

Half of all help used to be re-indicated (source 002); counting re-registrations shows whether
help lasts. The family is recognised by its keyed hashes (family_keys.py), never by a BSN.
"""

from datetime import date

from basisjeugdhulp.cbs import bsn
from basisjeugdhulp.intake.family_keys import family_keys
from basisjeugdhulp.intake.models import FamilyKey
from basisjeugdhulp.trajectories.models import Trajectory

WINDOW_MONTHS = 12


def one_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


def store_family_keys(registration):
    """Store the keys of a saved aanmelding and link the trajectory it returns from, if any."""
    children = list(registration.children.only("birth_year", "bsn_token"))
    keys = family_keys(registration.postcode, registration.house_number, {child.birth_year for child in children})
    # Where the organisation collects the BSN (cbs/bsn.py), a child's own number recognises it exactly.
    keys |= {bsn.family_key(child.bsn) for child in children if child.bsn_token}
    FamilyKey.objects.bulk_create(FamilyKey(registration=registration, key=key) for key in keys)
    registration.former_trajectory = (
        Trajectory.objects.closed_since(one_year_before(registration.received_on))
        .filter(registration__family_keys__key__in=keys)
        .exclude(registration=registration)
        .select_related("lead__user")
        .order_by("-ended_on")
        .first()
    )
    if registration.former_trajectory is not None:
        registration.returning = True
        registration.save(update_fields=["former_trajectory", "returning"])
    return registration.former_trajectory
