"""Segregation of duties in the admin (issue 20, accounts/duties.py): nobody gives themselves a
role, a team or a professional profile; with two beheerders a role or team given by one counts
once the other approves it; a beheerder holds no care role; every change is logged and listed;
the superuser flag and authenticator secrets are never offered; a missing object is a 404."""

import base64

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts import duties
from basisjeugdhulp.accounts.models import RoleChange
from basisjeugdhulp.accounts.roles import Role
from matching.models import Professional
from tests.conftest import RegisterClient, make_user, with_authenticator
from tests.test_matching_views import admin_change
from tests.urlconf import all_urls

GIVE, TAKE = RoleChange.Kind.GIVE, RoleChange.Kind.TAKE
PENDING, DONE = RoleChange.Status.PENDING, RoleChange.Status.DONE


@pytest.fixture
def bert(personas):
    """A second beheerder: from now on a role or team given by one waits for the other."""
    return with_authenticator(make_user("bert", Role.ADMINISTRATOR, is_staff=True))


@pytest.fixture
def bea(client, personas):
    client.force_login(personas.administrator)
    return client


def as_user(user):
    other = RegisterClient()
    other.force_login(user)
    return other


def save_user(client, user, roles, **forged):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "roles": [role.value for role in roles],
        **forged,
    }
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), data, follow=True)


def decide(client, change, action="approve"):
    changelist = reverse("admin:accounts_rolechange_changelist")
    return client.post(changelist, {"action": action, "_selected_action": [change.pk]}, follow=True)


def add_profile(client, user, team):
    data = {
        "user": user.pk,
        "team": team.pk,
        "education": "hbo",
        "active": "on",
        "capacity": "8",
        "absences-TOTAL_FORMS": "0",
        "absences-INITIAL_FORMS": "0",
        "absences-MIN_NUM_FORMS": "0",
        "absences-MAX_NUM_FORMS": "1000",
    }
    return client.post(reverse("admin:matching_professional_add"), data, follow=True)


# Roles.


def test_nobody_gives_themselves_a_role_not_even_with_a_forged_post(bea, personas):
    for roles in ({Role.ADMINISTRATOR, Role.TRIAGIST}, {Role.ADMINISTRATOR, Role.MUNICIPALITY}, set()):
        response = save_user(bea, personas.administrator, roles)
        assert response.status_code == 200
        assert "U kunt uw eigen rollen niet wijzigen; dat doet een andere beheerder." in response.text
    assert duties.current_roles(personas.administrator) == {Role.ADMINISTRATOR}
    assert not RoleChange.objects.exists()


def test_the_superuser_flag_permissions_and_groups_are_not_offered_and_a_forged_post_changes_nothing(bea, personas):
    page = bea.get(reverse("admin:auth_user_change", args=[personas.professional.pk])).text
    for field in ("is_superuser", "user_permissions", "groups", "is_staff"):
        assert f'name="{field}"' not in page
    assert 'name="roles"' in page
    forged = {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=Role.ADMINISTRATOR.value).pk],
        "user_permissions": [Permission.objects.get(codename="change_group").pk],
    }
    for user in (personas.professional, personas.administrator):
        roles = duties.current_roles(user)
        saved = save_user(bea, user, roles, **forged)
        assert saved.redirect_chain and saved.status_code == 200  # saved, the forged fields ignored
        user.refresh_from_db()
        assert not user.is_superuser
        assert not user.user_permissions.exists()
        assert duties.current_roles(user) == roles
    assert not personas.professional.is_staff


def test_with_one_beheerder_a_role_counts_at_once_and_is_logged(bea, personas):
    oscar = personas.outsider
    response = save_user(bea, oscar, {Role.PROFESSIONAL, Role.SECOND_READER})
    assert "wacht op goedkeuring" not in response.text
    assert duties.current_roles(oscar) == {Role.PROFESSIONAL, Role.SECOND_READER}
    change = RoleChange.objects.get()
    assert (change.user, change.kind, change.role, change.requested_by, change.status) == (
        oscar, GIVE, Role.SECOND_READER, personas.administrator, DONE
    )


def test_with_two_beheerders_a_role_counts_only_once_the_other_approves_it(bea, personas, bert):
    oscar = personas.outsider
    response = save_user(bea, oscar, {Role.PROFESSIONAL, Role.SECOND_READER})
    assert "Tweede lezer voor oscar wacht op goedkeuring door een andere beheerder" in response.text
    assert duties.current_roles(oscar) == {Role.PROFESSIONAL}
    as_oscar = as_user(oscar)
    assert as_oscar.get(reverse("intake:second_check")).status_code == 403
    change = RoleChange.objects.get()
    assert change.status == PENDING

    # Not by the one who asked, not even with a forged POST of the action.
    refused = decide(bea, change)
    assert refused.status_code == 200
    assert "Een andere beheerder keurt dit goed: niet wie erom vroeg, en niet wie het krijgt." in refused.text
    change.refresh_from_db()
    assert change.status == PENDING

    approved = decide(as_user(bert), change)
    assert "Goedgekeurd" in approved.text
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (DONE, bert)
    assert change.decided_at is not None
    assert as_oscar.get(reverse("intake:second_check")).status_code == 200
    # Approved once; a second approval is refused, not applied twice.
    assert "Deze wijziging wacht niet op goedkeuring." in decide(as_user(bert), change).text


def test_nobody_approves_what_is_given_to_themselves(personas, bert):
    as_bert = as_user(bert)
    save_user(as_bert, personas.administrator, {Role.ADMINISTRATOR, Role.MUNICIPALITY})
    change = RoleChange.objects.get(status=PENDING)
    as_bea = as_user(personas.administrator)
    assert "niet wie het krijgt" in decide(as_bea, change).text
    assert "Over uw eigen rollen en teams beslist een andere beheerder." in decide(as_bea, change, "reject").text
    change.refresh_from_db()
    assert change.status == PENDING
    assert duties.current_roles(personas.administrator) == {Role.ADMINISTRATOR}


def test_a_rejected_role_never_counts(bea, personas, bert):
    save_user(bea, personas.analyst, {Role.MUNICIPALITY, Role.TRIAGIST})
    change = RoleChange.objects.get()
    assert "Afgewezen" in decide(as_user(bert), change, "reject").text
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (RoleChange.Status.REJECTED, bert)
    assert duties.current_roles(personas.analyst) == {Role.MUNICIPALITY}


def test_taking_a_role_away_counts_at_once_and_is_logged(bea, personas, bert):
    carol = personas.second_reader
    save_user(bea, carol, set())
    assert duties.current_roles(carol) == set()
    assert as_user(carol).get(reverse("intake:second_check")).status_code == 403
    change = RoleChange.objects.get()
    assert (change.kind, change.role, change.status, change.requested_by) == (TAKE, Role.SECOND_READER, DONE, personas.administrator)


def test_a_beheerder_holds_no_care_role(bea, personas, bert):
    for user, roles in (
        (bert, {Role.ADMINISTRATOR, Role.TRIAGIST}),
        (personas.triagist, {Role.TRIAGIST, Role.ADMINISTRATOR}),
        (personas.analyst, {Role.ADMINISTRATOR, Role.SECOND_READER}),
    ):
        before = duties.current_roles(user)
        response = save_user(bea, user, roles)
        assert response.status_code == 200
        assert "Een beheerder heeft niet tegelijk een zorgrol (triagist, jeugdprofessional, tweede lezer)." in response.text
        assert duties.current_roles(user) == before
    # Nor a professional profile: bob would stay matched to families.
    response = save_user(bea, personas.professional, {Role.ADMINISTRATOR})
    assert "Een beheerder heeft geen professionalprofiel in een team; beëindig eerst het profiel." in response.text
    assert not RoleChange.objects.exists()


def test_a_beheerder_role_brings_the_admin_with_it_and_taking_it_away_closes_it(bea, personas):
    gemma = personas.analyst
    save_user(bea, gemma, {Role.MUNICIPALITY, Role.ADMINISTRATOR})
    gemma.refresh_from_db()
    assert gemma.is_staff
    save_user(bea, gemma, {Role.MUNICIPALITY})
    gemma.refresh_from_db()
    assert not gemma.is_staff
    assert [(c.kind, c.role) for c in RoleChange.objects.order_by("id")] == [(GIVE, Role.ADMINISTRATOR), (TAKE, Role.ADMINISTRATOR)]


# Teams and professional profiles.


def test_nobody_gives_themselves_a_professional_profile(bea, personas):
    response = add_profile(bea, personas.administrator, personas.team)
    assert response.status_code == 200
    assert "U kunt uzelf geen professionalprofiel of team geven; dat doet een andere beheerder." in response.text
    assert not Professional.objects.filter(user=personas.administrator).exists()


def test_a_beheerder_gets_no_professional_profile(bea, personas, bert):
    response = add_profile(bea, bert, personas.team)
    assert "Een beheerder heeft geen professionalprofiel in een team." in response.text
    assert not Professional.objects.filter(user=bert).exists()


def test_a_profile_keeps_its_user(bea, personas):
    oscar = personas.outsider.professional
    admin_change(bea, oscar, user=personas.triagist.pk)
    oscar.refresh_from_db()
    assert oscar.user == personas.outsider


def test_with_two_beheerders_another_team_counts_once_the_other_approves_and_leaving_counts_at_once(bea, personas, bert):
    oscar = personas.outsider.professional
    zuid, noord = personas.other_team, personas.team
    response = admin_change(bea, oscar, team=noord.pk)
    assert response.status_code == 302
    oscar.refresh_from_db()
    assert (oscar.team, oscar.active) == (zuid, True)  # still in Zuid until approved
    change = RoleChange.objects.get()
    assert (change.kind, change.team, change.status) == (GIVE, noord, PENDING)

    decide(as_user(bert), change)
    oscar.refresh_from_db()
    assert (oscar.team, oscar.active) == (noord, True)
    assert {(c.kind, c.team, c.status) for c in RoleChange.objects.all()} == {(GIVE, noord, DONE), (TAKE, zuid, DONE)}

    data = {"active": ""}
    admin_change(bea, oscar, **data)
    oscar.refresh_from_db()
    assert not oscar.active
    assert RoleChange.objects.filter(kind=TAKE, team=noord, status=DONE, requested_by=personas.administrator).exists()


def test_with_two_beheerders_a_new_profile_stays_inactive_until_approved(bea, personas, bert):
    nina = make_user("nina", Role.PROFESSIONAL)
    response = add_profile(bea, nina, personas.team)
    assert "WIJ Noord voor nina wacht op goedkeuring door een andere beheerder" in response.text
    profile = Professional.objects.get(user=nina)
    assert not profile.active
    decide(as_user(bert), RoleChange.objects.get())
    profile.refresh_from_db()
    assert profile.active and profile.team == personas.team


def test_with_one_beheerder_a_profile_counts_at_once_and_is_logged(bea, personas):
    nina = make_user("nina", Role.PROFESSIONAL)
    add_profile(bea, nina, personas.team)
    assert Professional.objects.get(user=nina).active
    change = RoleChange.objects.get()
    assert (change.user, change.kind, change.team, change.status) == (nina, GIVE, personas.team, DONE)


# The log, listed for the beheerders.


def test_every_role_change_is_listed_for_the_beheerders_and_stays_as_it_is(bea, personas):
    save_user(bea, personas.outsider, {Role.PROFESSIONAL, Role.SECOND_READER})
    save_user(bea, personas.second_reader, set())
    changelist = reverse("admin:accounts_rolechange_changelist")
    page = bea.get(changelist).text
    assert "Rolwijzigingen" in page or "rolwijzigingen" in page
    for text in ("oscar", "carol", "Tweede lezer", "Gegeven", "Afgenomen", "Van kracht", "bea"):
        assert text in page, text
    change = RoleChange.objects.first()
    assert bea.get(reverse("admin:accounts_rolechange_add")).status_code == 403
    assert bea.post(reverse("admin:accounts_rolechange_change", args=[change.pk]), {"status": "rejected"}).status_code == 403
    assert bea.post(reverse("admin:accounts_rolechange_delete", args=[change.pk]), {"post": "yes"}).status_code == 403
    assert RoleChange.objects.filter(status=DONE).count() == 2
    for user in (personas.triagist, personas.analyst):
        assert as_user(user).get(changelist).status_code == 403


# Authenticator secrets.


def test_authenticator_secrets_and_qr_codes_are_never_shown_in_the_admin(bea, personas):
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA
    device = TOTPDevice.objects.get(user=with_authenticator(make_user("nina", Role.PROFESSIONAL)))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    for url in (
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
    ):
        page = bea.get(url)
        assert page.status_code == 200
        assert device.key not in page.text and secret not in page.text
        assert "qrcode" not in page.text.lower() and "/config/" not in page.text
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}", args=[device.pk])
    for tail in ("config", "qrcode"):
        assert bea.get(f"/beheer/admin/otp_totp/totpdevice/{device.pk}/{tail}/", follow=True).status_code == 404
    # Nobody hands out a secret: no adding, no changing; deleting resets a lost phone.
    assert bea.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    forged = bea.post(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]), {"key": "00" * 20, "user": personas.administrator.pk})
    assert forged.status_code == 403
    device.refresh_from_db()
    assert device.user.username == "nina"
    bea.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


# A missing or malformed id.

ADMIN_ID_PAGES = [(name, path) for name, path in all_urls() if name.startswith("admin:") and "voorbeeld" in path]


def test_every_admin_page_about_one_object_is_tried():
    assert len(ADMIN_ID_PAGES) > 30
    assert any("/auth/user/" in path for _name, path in ADMIN_ID_PAGES)


@pytest.mark.parametrize(("view_name", "path"), ADMIN_ID_PAGES, ids=[path for _name, path in ADMIN_ID_PAGES])
def test_an_admin_page_about_a_missing_or_malformed_object_is_a_404(bea, view_name, path):
    for object_id in ("voorbeeld", "999999999", "-1", "1%2F2"):
        response = bea.get(path.replace("voorbeeld", object_id), follow=True)
        assert response.status_code == 404, (path, object_id, response.status_code)


def test_a_forged_action_on_a_malformed_id_is_a_404_not_a_500(bea, personas):
    changelist = reverse("admin:accounts_rolechange_changelist")
    assert bea.post(changelist, {"action": "approve", "_selected_action": ["abc"]}).status_code == 404
    teams = reverse("admin:teams_team_changelist")
    assert bea.post(teams, {"action": "delete_selected", "_selected_action": ["1 OR 1=1"]}).status_code == 404
    assert bea.post(changelist, {"action": "approve", "_selected_action": ["999999999"]}, follow=True).status_code == 200
