"""One test base for the whole suite: named personas in two WIJ-teams.

alice is the triagist of team Noord, bob a family worker there, carol its tweede lezer;
gemma is the municipal analyst, bea the beheerder, and oscar a family worker of team Zuid,
the outsider from another team. bea has set up her authenticator app: the access log and the
admin open only in a session verified with it (accounts/second_factor.py).

The second factor for every care role and the beheerder (SECOND_FACTOR_REQUIRED) is off in the
tests unless a test turns it on (tests/test_second_factor_default.py); `client.force_login`
stands for the whole login, the app's code included for a user who has set one up.
"""

import os
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.roles import Role
from basisjeugdhulp.teams.models import Team
from matching.models import Education, Professional

PASSWORD = "een-lang-testwachtwoord"


def real_services_required():
    """`make test` sets REQUIRE_REAL_SERVICES=1: then a missing real part fails, never skips."""
    return os.environ.get("REQUIRE_REAL_SERVICES") == "1"


def need(condition, reason):
    if condition:
        return
    if real_services_required():
        pytest.fail(f"{reason} (REQUIRE_REAL_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def no_configuration_kept_from_another_test():
    """config_cache.py keeps closure days and matching settings per process; a test's rows
    are rolled back without a delete signal, so each test starts without a copy."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def second_factor_only_where_a_test_asks(settings):
    settings.SECOND_FACTOR_REQUIRED = False


class RegisterClient(Client):
    def force_login(self, user, backend=None):
        """Logged in as after the password and, when the user has an authenticator app, its code."""
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return RegisterClient()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media_in_a_temporary_folder(settings, tmp_path):
    """Without S3 (a quick run outside `make test`), photos go to a throwaway folder, never
    into the demo's var/private-media."""
    default = settings.STORAGES["default"]
    if default["BACKEND"] == "django.core.files.storage.FileSystemStorage":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**default, "OPTIONS": {**default.get("OPTIONS", {}), "location": tmp_path / "private-media"}},
        }


@dataclass
class Personas:
    team: Team
    other_team: Team
    triagist: object
    professional: object
    second_reader: object
    analyst: object
    administrator: object
    outsider: object

    def by_role(self):
        return {
            Role.TRIAGIST: self.triagist,
            Role.PROFESSIONAL: self.professional,
            Role.SECOND_READER: self.second_reader,
            Role.MUNICIPALITY: self.analyst,
            Role.ADMINISTRATOR: self.administrator,
        }


def make_user(username, role, team=None, education=Education.HBO, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.capitalize(), **extra
    )
    user.groups.add(Group.objects.get(name=role.value))
    if team is not None:
        Professional.objects.create(user=user, team=team, education=education)
    return user


def with_authenticator(user):
    """The user has set up an authenticator app (a confirmed TOTP device)."""
    TOTPDevice.objects.create(user=user, name="Telefoon", confirmed=True)
    return user


def current_code(user):
    """The code the user's authenticator app shows now (once per time step: django-otp refuses a
    code used before)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def personas(db):
    noord = Team.objects.create(name="WIJ Noord", district="Noorderhoek")
    zuid = Team.objects.create(name="WIJ Zuid", district="Zuiderpark")
    return Personas(
        team=noord,
        other_team=zuid,
        triagist=make_user("alice", Role.TRIAGIST, noord),
        professional=make_user("bob", Role.PROFESSIONAL, noord, Education.MBO),
        second_reader=make_user("carol", Role.SECOND_READER, noord),
        analyst=make_user("gemma", Role.MUNICIPALITY),
        administrator=with_authenticator(make_user("bea", Role.ADMINISTRATOR, is_staff=True)),
        outsider=make_user("oscar", Role.PROFESSIONAL, zuid),
    )
