"""Recording an aanmelding on a tablet: one screen, Dutch messages, nothing typed lost."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import FamilyKey, Registration
from basisjeugdhulp.intake.routes import Status

THIS_YEAR = timezone.localdate().year


def form_data(**overrides):
    data = {
        "submission_id": str(uuid.uuid4()),
        "channel": "gp",
        "family_label": "Gezin Bakker",
        "phone": "06-1234 5678",
        "postcode": "9712ab",
        "house_number": "12 a",
        "categories": ["opvoeding", "school"],
        "question": "Onze zoon wil niet meer naar school.",
        "children-TOTAL_FORMS": "2",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "12",
        "children-0-first_name": "Daan",
        "children-0-birth_year": str(THIS_YEAR - 9),
        "children-1-first_name": "Noor",
        "children-1-birth_year": str(THIS_YEAR - 6),
    }
    data.update(overrides)
    return data


def category_ids(*codes):
    from basisjeugdhulp.intake.models import QuestionCategory

    return [str(pk) for pk in QuestionCategory.objects.filter(code__in=codes).values_list("pk", flat=True)]


@pytest.fixture
def triagist(client, personas):
    client.force_login(personas.triagist)
    return client


def post_new(client, **overrides):
    data = form_data(**overrides)
    if isinstance(data["categories"], list) and data["categories"] and not data["categories"][0].isdigit():
        data["categories"] = category_ids(*data["categories"])
    return client.post(reverse("intake:new"), data)


def test_it_records_an_aanmelding_with_two_children(triagist, personas):
    response = post_new(triagist)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:registration", args=[registration.public_id])
    assert registration.team == personas.team
    assert registration.status == Status.NEW
    assert registration.phone == "0612345678"
    assert registration.postcode == "9712 AB"
    assert [(c.first_name, c.birth_year) for c in registration.children.all()] == [
        ("Daan", THIS_YEAR - 9),
        ("Noor", THIS_YEAR - 6),
    ]
    assert sorted(registration.categories.values_list("code", flat=True)) == ["opvoeding", "school"]
    assert FamilyKey.objects.filter(registration=registration).count() == 2
    assert AccessEvent.objects.filter(action=Action.CREATE, family=registration.public_id).exists()


def test_there_is_no_bsn_anywhere(triagist):
    html = triagist.get(reverse("intake:new")).text.lower()
    assert "bsn" not in html and "burgerservicenummer" not in html
    assert not [f.name for f in Registration._meta.get_fields() if "bsn" in f.name.lower()]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "", "Vul het telefoonnummer van de ouder in, bijvoorbeeld 06 12345678."),
        ("phone", "12345", "Vul een Nederlands telefoonnummer van 10 cijfers in"),
        ("phone", "06-1234567a", "Vul een Nederlands telefoonnummer van 10 cijfers in"),
        ("postcode", "", "Vul de postcode van het gezin in, bijvoorbeeld 9712 AB."),
        ("postcode", "9712", "Vul een postcode in zoals 9712 AB."),
        ("postcode", "0712 AB", "Vul een postcode in zoals 9712 AB."),
        ("postcode", "9712 SS", "Vul een postcode in zoals 9712 AB."),
        ("house_number", "a", "Vul een huisnummer in"),
        ("children-0-birth_year", str(THIS_YEAR + 1), "Het geboortejaar ligt in de toekomst."),
        ("children-0-birth_year", str(THIS_YEAR - 24), "Basisjeugdhulp is voor jongeren tot 23 jaar"),
        ("children-0-birth_year", "twee", "Vul een jaartal in"),
        ("children-0-first_name", "", "Vul de voornaam van het kind in."),
        ("categories", [], "Kies minstens één categorie."),
        ("channel", "", "Kies hoe het gezin binnenkwam."),
    ],
)
def test_bad_input_gets_a_dutch_message_and_keeps_the_rest(triagist, field, value, message):
    response = post_new(triagist, **{field: value})
    assert response.status_code == 200
    assert not Registration.objects.exists()
    html = response.text
    assert message in html
    assert "Nog niet opgeslagen" in html
    # Everything else typed is still filled in.
    if field != "question":
        assert "Onze zoon wil niet meer naar school." in html
    if field != "children-1-first_name":
        assert 'value="Noor"' in html
    if field != "family_label":
        assert 'value="Gezin Bakker"' in html
    if field != "categories":
        assert re.search(r'value="\d+"[^>]*checked', html)


def test_the_message_stands_next_to_its_field(triagist):
    html = post_new(triagist, postcode="9712").text
    field = re.search(r'<div class="field field-invalid">(.*?)</div>', html, re.S).group(1)
    assert 'for="id_postcode"' in field and "Vul een postcode in" in field


def test_a_double_tap_creates_one_aanmelding(triagist):
    data = form_data(categories=category_ids("opvoeding"))
    first = triagist.post(reverse("intake:new"), data)
    second = triagist.post(reverse("intake:new"), data, follow=True)
    assert Registration.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Deze aanmelding was al opgeslagen." in second.text


def test_a_preference_is_only_stored_when_the_family_asks(triagist):
    post_new(triagist, preferred_language="Arabisch")
    assert Registration.objects.get().preferred_language == ""
    Registration.objects.all().delete()
    post_new(triagist, has_preference="on", preferred_language="Arabisch")
    assert Registration.objects.get().preferred_language == "ar"  # the list's code (intake/languages.py)


def test_the_family_language_is_kept_as_the_list_knows_it_or_as_typed(triagist):
    post_new(triagist, has_preference="on", preferred_language="Tigrinya (Eritrea)")
    case = Registration.objects.get()
    assert case.preferred_language == "ti"
    assert "taal: Tigrinya." in triagist.get(reverse("intake:registration", args=[case.public_id])).text
    Registration.objects.all().delete()
    post_new(triagist, has_preference="on", preferred_language="Wolof")  # "anders": as typed
    assert Registration.objects.get().preferred_language == "Wolof"


def test_the_language_box_offers_the_list_with_common_spellings(triagist):
    page = triagist.get(reverse("intake:new")).text
    assert 'list="id_preferred_language-languages"' in page
    assert '<option value="Tigrinja">Tigrinya</option>' in page


def test_a_ticked_preference_needs_content(triagist):
    response = post_new(triagist, has_preference="on")
    assert "Noteer waar het gezin om vraagt" in response.text


def test_children_rows_are_added_and_removed_in_place(triagist):
    data = form_data(categories=category_ids("gedrag"), add_child="1")
    response = triagist.post(reverse("intake:new"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text  # only the children block
    assert response.text.count('name="children-') >= 3 * 2
    assert 'name="children-TOTAL_FORMS" value="3"' in response.text
    assert 'value="Daan"' in response.text and 'value="Noor"' in response.text
    assert "field-error" not in response.text  # an empty new row is no error yet
    assert not Registration.objects.exists()

    data = form_data(categories=category_ids("gedrag"), remove_child="0")
    response = triagist.post(reverse("intake:new"), data)  # without JavaScript: the whole page
    assert "<html" in response.text
    assert 'name="children-TOTAL_FORMS" value="1"' in response.text
    assert 'value="Noor"' in response.text and 'value="Daan"' not in response.text
    assert 'value="Gezin Bakker"' in response.text


def test_the_form_asks_at_most_eight_required_inputs(triagist):
    html = triagist.get(reverse("intake:new")).text
    from basisjeugdhulp.intake.forms import ChildForm, RegistrationForm

    form = RegistrationForm()
    required = [name for name, field in form.fields.items() if field.required]
    # The children rows count as one input, as the issue lists them.
    assert len(required) + 1 <= 8, required
    assert all(ChildForm.base_fields[name].required for name in ("first_name", "birth_year"))
    assert 'inputmode="tel"' in html and 'inputmode="numeric"' in html  # the right keyboard


def test_someone_outside_a_team_cannot_record(client, personas):
    from django.contrib.auth.models import Group

    personas.analyst.groups.add(Group.objects.get(name="triagist"))
    client.force_login(personas.analyst)
    response = client.get(reverse("intake:new"), follow=True)
    assert "U hoort nog niet bij een WIJ-team" in response.text
