"""The second factor by default (issue 20): every role that reaches a family's data, and the
beheerder, enter an authenticator app's code after the password unless SECOND_FACTOR_REQUIRED
is switched off (the demo, which says so); the access log and the admin ask for it always."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.models import SecondFactorRule
from basisjeugdhulp.accounts.roles import Role
from tests import factories
from tests.conftest import PASSWORD, current_code, make_user, with_authenticator
from tests.test_settings import PRODUCTION_ENV, manage

SETTING = "from django.conf import settings; print('second factor', settings.SECOND_FACTOR_REQUIRED)"


def test_it_is_on_by_default_and_only_debug_or_the_variable_switches_it_off():
    assert "second factor True" in manage("shell", "-c", SETTING).stdout
    assert "second factor True" in manage("shell", "-c", SETTING, **PRODUCTION_ENV).stdout
    assert "second factor False" in manage("shell", "-c", SETTING, DEBUG="1").stdout
    assert "second factor False" in manage("shell", "-c", SETTING, SECOND_FACTOR_REQUIRED="0").stdout
    refused = manage("shell", "-c", SETTING, SECOND_FACTOR_REQUIRED="ja")
    assert refused.returncode != 0 and "SECOND_FACTOR_REQUIRED" in refused.stderr


def test_production_refuses_to_start_with_it_off():
    result = manage("check", "--deploy", **PRODUCTION_ENV, SECOND_FACTOR_REQUIRED="0")
    assert result.returncode != 0
    assert "basisjeugdhulp.E001" in result.stdout + result.stderr


def log_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, follow=True)


@pytest.mark.parametrize("role", [Role.TRIAGIST, Role.PROFESSIONAL, Role.SECOND_READER, Role.ADMINISTRATOR])
def test_each_role_that_reaches_personal_data_sets_up_the_app_whatever_the_rules_say(client, personas, settings, role):
    settings.SECOND_FACTOR_REQUIRED = True
    SecondFactorRule.objects.create(role=role.value, required=False)  # the rule says no; the setting wins
    user = personas.by_role()[role]
    TOTPDevice.objects.filter(user=user).delete()
    page = log_in(client, user.username)
    assert page.redirect_chain[-1][0].startswith(reverse("second_factor_setup"))
    assert "Tweede stap instellen" in page.text
    assert client.get(reverse("start"))["Location"].startswith(reverse("second_factor_setup"))


def test_a_role_with_its_app_enters_the_code_before_any_page(personas, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    with_authenticator(personas.triagist)
    client = Client()
    page = log_in(client, "alice")
    assert page.redirect_chain[-1][0].startswith(reverse("second_factor"))
    assert client.get(reverse("intake:queue"))["Location"].startswith(reverse("second_factor"))
    assert client.post(reverse("second_factor"), {"code": current_code(personas.triagist)}).status_code == 302
    assert client.get(reverse("intake:queue")).status_code == 200


def test_the_gemeente_sees_figures_only_and_needs_it_only_when_a_rule_says_so(client, personas, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    page = log_in(client, "gemma")
    assert page.redirect_chain[-1][0] == reverse("reporting:dashboard")


def test_switched_off_the_roles_log_in_with_the_password_and_the_login_page_says_so(client, personas, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    login_page = client.get(reverse("login")).text
    assert "de tweede stap na het wachtwoord" in login_page and "staat uit" in login_page
    assert log_in(client, "alice").redirect_chain[-1][0] == reverse("intake:queue")

    settings.SECOND_FACTOR_REQUIRED = True
    client.post(reverse("logout"))
    assert "staat uit" not in client.get(reverse("login")).text


# The access log and the admin: a verified session whatever the setting and the rules say.
VERIFIED_PAGES = [
    lambda personas: reverse("audit:log"),
    lambda personas: reverse("audit:family", args=[factories.registration(personas.team).public_id]),
    lambda personas: reverse("admin:index"),
    lambda personas: reverse("admin:auth_user_change", args=[personas.professional.pk]),
    lambda personas: reverse("admin:accounts_rolechange_changelist"),
    lambda personas: reverse("cbs:delivery"),
    lambda personas: reverse("cbs:download"),
]


@pytest.mark.parametrize("page", VERIFIED_PAGES, ids=["log", "family log", "admin", "user roles", "role changes",
                                                      "cbs delivery", "cbs file"])
def test_a_beheerder_without_the_app_is_sent_to_set_it_up_never_shown_the_page(personas, settings, page):
    settings.SECOND_FACTOR_REQUIRED = False
    SecondFactorRule.objects.create(role=Role.ADMINISTRATOR.value, required=False)
    bert = make_user("bert", Role.ADMINISTRATOR, is_staff=True)
    client = Client()
    log_in(client, "bert")
    url = page(personas)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_setup") + "?next=")
    # A forged POST goes the same way.
    assert client.post(url, {"roles": [Role.TRIAGIST.value]})["Location"].startswith(reverse("second_factor_setup"))
    assert not bert.groups.filter(name=Role.TRIAGIST.value).exists()


def test_a_beheerder_with_the_app_enters_its_code_and_then_reads_the_log(personas, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    client = Client()
    log_in(client, "bea")  # the password alone: not verified
    log = reverse("audit:log")
    response = client.get(log)
    assert response["Location"] == f"{reverse('second_factor')}?next={log}"
    answer = client.post(response["Location"], {"code": current_code(personas.administrator)})
    assert answer.status_code == 302
    page = client.get(log)
    assert page.status_code == 200 and "Toegangslog" in page.text


def test_other_roles_are_refused_the_log_not_asked_for_a_code(client, personas, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    client.force_login(personas.triagist)
    assert client.get(reverse("audit:log")).status_code == 403
