"""The BSN, optional and off by default (issue 27): elfproef, encrypted at rest, shown masked,
gone with the file; and without it the intake asks what it asked before."""

import uuid

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from basisjeugdhulp.cbs import bsn, delivery
from basisjeugdhulp.intake.models import Child, FamilyKey, Registration
from tests.test_intake_views import post_new

VALID = "123456782"  # 9·1 + 8·2 + … + 2·8 − 2 = 154 = 14 × 11
OTHER_VALID = "111222333"


@pytest.fixture
def bsn_on(settings):
    settings.CBS_BSN = True
    settings.BSN_KEYS = [Fernet.generate_key().decode()]
    return settings


@pytest.fixture
def triagist(client, personas):
    client.force_login(personas.triagist)
    return client


def raw_children():
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, bsn_token FROM intake_child")
        return cursor.fetchall()


def test_off_by_default_the_intake_asks_no_bsn(triagist, settings):
    assert settings.CBS_BSN is False
    html = triagist.get(reverse("intake:new")).text
    assert "BSN" not in html and "children-0-bsn" not in html
    # A BSN sent anyway is not kept.
    response = post_new(triagist, **{"children-0-bsn": VALID})
    assert response.status_code == 302
    assert all(token == "" for _name, token in raw_children())


def test_on_the_bsn_is_stored_encrypted_and_shown_masked(triagist, bsn_on):
    html = triagist.get(reverse("intake:new")).text
    assert 'name="children-0-bsn"' in html and "BSN (optioneel)" in html
    response = post_new(triagist, **{"children-0-bsn": "1234 56 782"})
    assert response.status_code == 302, response.text
    rows = dict(raw_children())
    assert VALID not in rows["Daan"] and rows["Daan"].startswith("gAAAA")  # a Fernet token, not the digits
    assert rows["Noor"] == ""  # optional
    assert Child.objects.get(first_name="Daan").bsn == VALID

    page = triagist.get(response["Location"]).text
    assert "••••••782" in page and VALID not in page


@pytest.mark.parametrize(("typed", "message"), [
    ("123456789", "elfproef"),
    ("12345", "negen cijfers"),
    ("12345678a", "alleen uit cijfers"),
])
def test_an_invalid_bsn_is_refused_in_dutch_and_what_was_typed_stays(triagist, bsn_on, typed, message):
    response = post_new(triagist, **{"children-0-bsn": typed})
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{typed}"' in response.text and 'value="Gezin Bakker"' in response.text
    assert not Registration.objects.exists()


def test_one_bsn_for_two_children_is_refused(triagist, bsn_on):
    response = post_new(triagist, **{"children-0-bsn": VALID, "children-1-bsn": VALID})
    assert response.status_code == 200
    assert "Dit BSN is al ingevuld bij Daan" in response.text
    assert not Registration.objects.exists()


def test_the_intake_stays_within_eight_inputs_with_sex_and_bsn(triagist, bsn_on):
    bsn_on.CBS_ASK_SEX = True
    from basisjeugdhulp.intake.forms import ChildForm, RegistrationForm

    required = [name for name, field in RegistrationForm().fields.items() if field.required]
    assert len(required) + 1 <= 8
    child = ChildForm()
    assert {"sex", "bsn"} <= set(child.fields) and not child.fields["sex"].required and not child.fields["bsn"].required


def test_the_extract_carries_the_bsn_and_the_sex_where_recorded(triagist, bsn_on, personas):
    from datetime import date

    bsn_on.CBS_ASK_SEX = True
    post_new(triagist, **{"children-0-bsn": VALID, "children-0-sex": "M"})
    from basisjeugdhulp.trajectories.models import Trajectory

    Trajectory.objects.create(registration=Registration.objects.get(), product="gb_middel",
                              started_on=date(2025, 3, 1))
    _fields, extract, problems = delivery.examine(delivery.HalfYear(2025, 1))
    assert problems == []
    values = {record.child: record.values for record in extract.records}
    assert (values["Daan"]["bsn"], values["Daan"]["geslacht"]) == (VALID, "M")
    assert (values["Noor"]["bsn"], values["Noor"]["geslacht"]) == ("999999999", "O")


def test_a_returning_child_is_recognised_by_the_bsn(triagist, bsn_on):
    post_new(triagist, **{"children-0-bsn": VALID})
    assert FamilyKey.objects.filter(key=bsn.family_key(VALID)).exists()


def test_destroying_the_file_removes_the_bsn(triagist, bsn_on):
    from basisjeugdhulp.intake.destruction import destroy

    post_new(triagist, **{"children-0-bsn": VALID})
    destroy(Registration.objects.get())
    assert raw_children() == []
    assert not FamilyKey.objects.filter(key=bsn.family_key(VALID)).exists()


def test_elfproef_and_masking():
    assert bsn.passes_elfproef(VALID) and bsn.passes_elfproef(OTHER_VALID)
    assert not bsn.passes_elfproef("000000000") and not bsn.passes_elfproef("123456789")
    assert bsn.masked(VALID) == "••••••782"


def test_a_key_is_rotated_without_losing_a_number(bsn_on):
    old = bsn.encrypt(VALID)
    bsn_on.BSN_KEYS = [Fernet.generate_key().decode(), *bsn_on.BSN_KEYS]
    rotated = bsn.rotate(old)
    bsn_on.BSN_KEYS = bsn_on.BSN_KEYS[:1]  # the old key dropped
    assert bsn.decrypt(rotated) == VALID


def test_bsn_on_without_a_key_stops_start_up(settings):
    from basisjeugdhulp.cbs.checks import bsn_keys

    settings.CBS_BSN, settings.BSN_KEYS = True, []
    assert [error.id for error in bsn_keys()] == ["basisjeugdhulp.E301"]
    settings.BSN_KEYS = ["not-a-key"]
    assert [error.id for error in bsn_keys()] == ["basisjeugdhulp.E301"]


def test_the_bsn_is_never_in_the_log_output(triagist, bsn_on, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        post_new(triagist, **{"children-0-bsn": VALID, "submission_id": str(uuid.uuid4())})
    assert VALID not in caplog.text



def test_the_rotation_command_moves_every_number_to_the_new_key(triagist, bsn_on):
    from django.core.management import call_command

    post_new(triagist, **{"children-0-bsn": VALID})
    old_key = bsn_on.BSN_KEYS[0]
    bsn_on.BSN_KEYS = [Fernet.generate_key().decode(), old_key]
    call_command("rotate_bsn_key")
    bsn_on.BSN_KEYS = bsn_on.BSN_KEYS[:1]
    assert Child.objects.get(first_name="Daan").bsn == VALID
