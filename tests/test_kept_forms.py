"""No work lost, no dead end (issue 22): a form sent to its own URL comes back on the page that
shows it, with what was typed: after an idle logout, after a refused form and the language
switch, after an expired form. Never to another user; never a 405."""

import json
import re
import time

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from basisjeugdhulp.accounts.idle import LAST_SEEN
from basisjeugdhulp.accounts.kept_forms import FORM_PAGES
from tests import factories
from tests.conftest import PASSWORD


def kept_on(page):
    match = re.search(r'<script id="kept-form" type="application/json">(.*?)</script>', page.text)
    return json.loads(match.group(1)) if match else None


def idle(client):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60  # the tablet lay there for half an hour
    session.save()


def log_in_again(client, user, response):
    next_ = response["Location"].split("next=")[1].split("&")[0]
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_}, follow=True)


def test_every_url_that_only_takes_a_post_names_the_page_of_its_form():
    def names(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name and _only_post(entry.callback):
                yield namespace + entry.name

    only_post = set(names(get_resolver()))
    assert "intake:triage" in only_post
    assert only_post == set(FORM_PAGES)


def _only_post(view):
    # django.views.decorators.http.require_http_methods keeps the allowed methods in a closure.
    for cell in getattr(view, "__closure__", None) or ():
        if cell.cell_contents == ["POST"]:
            return True
    return False


@pytest.mark.django_db
def test_after_an_idle_logout_the_triage_comes_back_on_the_family_file(client, personas):
    case = factories.registration(personas.team, family_label="Gezin Idle")
    client.force_login(personas.triagist)
    idle(client)
    response = client.post(reverse("intake:triage", args=[case.public_id]),
                           {"route": "specialist", "motivation": "Zorgen om veiligheid thuis."})
    file = reverse("intake:registration", args=[case.public_id])
    assert response["Location"] == f"{reverse('login')}?next={file}&verlopen=1"
    page = log_in_again(client, personas.triagist, response)
    assert page.redirect_chain[-1][0] == file and page.status_code == 200
    assert kept_on(page) == {
        "action": reverse("intake:triage", args=[case.public_id]),
        "fields": {"route": ["specialist"], "motivation": ["Zorgen om veiligheid thuis."]},
    }


@pytest.mark.django_db
def test_a_refused_form_and_then_the_language_switch_is_no_405_and_keeps_the_input(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.triagist)
    triage = reverse("intake:triage", args=[case.public_id])
    refused = client.post(triage, {"route": "basic", "motivation": "Eerst even kijken."})
    assert refused.status_code == 200
    page = client.post(reverse("set_language"), {"language": "en", "next": triage}, follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse("intake:registration", args=[case.public_id])
    assert kept_on(page)["fields"]["motivation"] == ["Eerst even kijken."]
    assert kept_on(client.get(page.redirect_chain[-1][0])) is None  # given back once


@pytest.mark.django_db
def test_a_kept_form_is_never_given_to_someone_else(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.triagist)
    idle(client)
    response = client.post(reverse("intake:triage", args=[case.public_id]), {"route": "advice"})
    log_in_again(client, personas.professional, response)  # bob, a colleague on the same tablet
    page = client.get(reverse("intake:registration", args=[case.public_id]))
    assert page.status_code == 200 and kept_on(page) is None


@pytest.mark.django_db
def test_an_idle_htmx_request_loads_the_login_page_whole(client, personas):
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    idle(client)
    response = client.post(reverse("plans:upload", args=[journey.public_id]), {}, headers={"HX-Request": "true"})
    detail = reverse("trajectories:detail", args=[journey.public_id])
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={detail}&verlopen=1"


@pytest.mark.django_db
def test_an_expired_form_from_our_own_page_is_kept_and_leads_back(personas):
    case = factories.registration(personas.team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.triagist)
    client.get(reverse("intake:registration", args=[case.public_id]))
    file = reverse("intake:registration", args=[case.public_id])
    response = client.post(reverse("intake:triage", args=[case.public_id]),
                           {"route": "advice", "csrfmiddlewaretoken": "verlopen" * 4},
                           headers={"Origin": "http://testserver"})
    assert response.status_code == 403
    assert "Pagina verlopen" in response.text and f'href="{file}"' in response.text
    assert "0800-8081" in response.text
    assert kept_on(client.get(file))["fields"]["route"] == ["advice"]


@pytest.mark.django_db
def test_a_post_from_another_site_keeps_nothing(personas):
    case = factories.registration(personas.team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.triagist)
    response = client.post(reverse("intake:triage", args=[case.public_id]), {"route": "advice"},
                           headers={"Origin": "https://kwaadwillend.example"})
    assert response.status_code == 403
    assert kept_on(client.get(reverse("intake:registration", args=[case.public_id]))) is None


@pytest.mark.django_db
def test_an_idle_htmx_piece_of_a_page_sends_the_user_back_to_the_whole_page(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    client.force_login(personas.triagist)
    idle(client)
    file = reverse("intake:registration", args=[case.public_id])
    response = client.get(reverse("matching:panel", args=[case.public_id]),
                          headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{file}"})
    assert response["HX-Redirect"] == f"{reverse('login')}?next={file}&verlopen=1"
    # Another site's address is no way back.
    idle(client)
    client.force_login(personas.triagist)
    idle(client)
    response = client.get(reverse("matching:panel", args=[case.public_id]),
                          headers={"HX-Request": "true", "HX-Current-URL": "https://kwaadwillend.example/x"})
    assert "kwaadwillend" not in response["HX-Redirect"]


@pytest.mark.django_db
def test_passwords_and_codes_are_never_kept(client, personas):
    from basisjeugdhulp.accounts.kept_forms import KEPT, REFUSED

    client.force_login(personas.triagist)
    refused = client.post(reverse("password_change"), {
        "old_password": "fout-wachtwoord", "new_password1": "Nieuw-geheim-2026", "new_password2": "Nieuw-geheim-2026",
    })
    assert refused.status_code == 200
    assert client.session[REFUSED]["fields"] == {}
    idle(client)
    case = factories.registration(personas.team)
    client.post(reverse("intake:triage", args=[case.public_id]), {"route": "advice", "code": "123456", "postcode": "9712 AB"})
    assert client.session[KEPT]["fields"] == {"route": ["advice"], "postcode": ["9712 AB"]}
