"""A returning family is recognised without a BSN, by a keyed hash."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.intake.family_keys import family_key, normalise_house_number, normalise_postcode
from matching.models import Professional
from tests import factories


def closed_case(personas, days_ago, **fields):
    case = factories.registration(
        personas.team, "closed", postcode="9711 AA", house_number="5",
        children=(("Sara", 2014), ("Tim", 2017)), **fields,
    )
    trajectory = case.trajectory
    trajectory.ended_on = timezone.localdate() - timedelta(days=days_ago)
    trajectory.lead = Professional.objects.get(user=personas.professional)
    trajectory.save()
    return case


def test_a_family_back_within_a_year_is_flagged_with_its_former_professional(client, personas):
    former = closed_case(personas, days_ago=100)
    again = factories.registration(
        personas.team, postcode="9711aa", house_number=" 5 ", children=(("Tim", 2017),)
    )
    assert again.former_trajectory == former.trajectory
    client.force_login(personas.triagist)
    page = client.get(reverse("intake:registration", args=[again.public_id])).text
    assert "Terugkerend gezin." in page
    assert "Bob kende het gezin al." in page
    assert "Terugkerend gezin" in client.get(reverse("intake:queue")).text


def test_a_family_back_after_more_than_a_year_is_not_flagged(db, personas):
    closed_case(personas, days_ago=400)
    again = factories.registration(personas.team, postcode="9711 AA", house_number="5", children=(("Tim", 2017),))
    assert again.former_trajectory is None


def test_another_family_at_another_address_is_not_flagged(db, personas):
    closed_case(personas, days_ago=30)
    other = factories.registration(personas.team, postcode="9711 AB", house_number="5", children=(("Tim", 2017),))
    assert other.former_trajectory is None


def test_the_key_alone_reveals_nothing(settings):
    key = family_key("9711 AA", "5", 2017)
    assert "9711" not in key and "2017" not in key
    settings.FAMILY_KEY_SECRET = "another secret"
    assert family_key("9711 AA", "5", 2017) != key  # without the secret, no way back


def test_addresses_are_normalised():
    assert normalise_postcode("9711aa") == normalise_postcode(" 9711 AA ") == "9711 AA"
    assert normalise_postcode("9711 SA") is None
    assert normalise_house_number("12 A") == normalise_house_number("12-a") == "12a"
    assert normalise_house_number("twaalf") is None
