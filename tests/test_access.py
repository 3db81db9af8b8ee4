"""The access policy, tried on every URL of the URLconf as every role."""

import pytest
from django.urls import reverse

from basisjeugdhulp.accounts.access import POLICY, PUBLIC, SIGNED_IN, TOKEN, rule_for
from basisjeugdhulp.accounts.kept_forms import page_of
from basisjeugdhulp.accounts.roles import Role
from tests import factories
from tests.urlconf import SAMPLES, all_urls

URLS = all_urls()


def test_every_url_has_a_policy_entry():
    without = sorted({name for name, _path in URLS if rule_for(name) is None})
    assert without == [], f"URLs without an entry in accounts/access.py POLICY: {without}"


def test_every_policy_entry_names_a_url():
    names = {name for name, _path in URLS}
    namespaces = {name.rpartition(":")[0] for name in names}
    stale = [
        key
        for key in POLICY
        if key not in names and not (key.endswith(":*") and key[:-2] in namespaces)
    ]
    assert stale == []


@pytest.mark.parametrize(("view_name", "path"), URLS, ids=[path for _name, path in URLS])
def test_every_url_except_login_requires_authentication(client, db, view_name, path):
    response = client.get(path)
    if rule_for(view_name) == TOKEN:  # an API: no login page, a refusal
        assert response.status_code == 403
        return
    if rule_for(view_name) == PUBLIC:
        assert view_name in {"login", "set_language"}
        return
    assert response.status_code == 302, f"{path} answered {response.status_code} to a stranger"
    assert response["Location"].startswith(reverse("login") + "?next=")


# The register's own pages that need a role or a login (the admin is covered by "admin:*";
# logout is a POST that ends the session).
OWN_PAGES = [
    (name, path)
    for name, path in URLS
    if not name.startswith("admin:") and name != "logout" and rule_for(name) not in (PUBLIC, TOKEN)
]


# Pages about one object, and how to find a real object of a team for them.
OBJECT_PAGES = {
    "intake:registration": lambda team: factories.registration(team, "awaiting_contact"),
    "intake:triage": lambda team: factories.registration(team, "new"),
    "intake:first_contact": lambda team: factories.registration(team, "awaiting_contact"),
    "intake:decide": lambda team: factories.registration(team, "second_check").second_checks.get(),
    "matching:panel": lambda team: factories.registration(team, "awaiting_contact"),
    "matching:choose": lambda team: factories.registration(team, "awaiting_contact"),
    "matching:assign": lambda team: factories.registration(team, "awaiting_contact"),
    "matching:rematch": lambda team: factories.registration(team, "awaiting_contact"),
    "audit:family": lambda team: factories.registration(team),
    "audit:destroy": lambda team: factories.registration(team),
    "audit:request": factories.destruction_request,
    "audit:extend_request": factories.destruction_request,
    "audit:answer_request": factories.destruction_request,
    "trajectories:detail": factories.trajectory,
    "trajectories:close": factories.trajectory,
    "trajectories:reopen": factories.trajectory,
    "plans:upload": factories.trajectory,
    "plans:photo": factories.plan_photo,
    "plans:thumbnail": factories.plan_photo,
    # The letter to the family and its reconsideration (letters/): part of the family's file.
    "letters:file": lambda team: factories.registration(team, "awaiting_contact"),
    "letters:issue": lambda team: factories.registration(team, "awaiting_contact"),
    "letters:reconsider": lambda team: factories.registration(team, "awaiting_contact"),
    "letters:letter": factories.letter,
    "letters:pdf": factories.letter,
    "letters:deliver": factories.letter,
    "letters:decide": factories.reconsideration,
    "safety:card": lambda team: factories.trajectory(team).registration,
    "safety:new": lambda team: factories.trajectory(team).registration,
    "safety:share": lambda team: factories.trajectory(team).registration,
    "safety:print": factories.safety_card,
    "safety:photo": lambda team: factories.safety_card(team, photographed=True),
    "safety:thumbnail": lambda team: factories.safety_card(team, photographed=True),
    "evaluation:sample": factories.evaluation_sample,
    "evaluation:pair_again": factories.evaluation_sample,
    "evaluation:interview": factories.evaluation_interview,
}

# Pages about one person's object: the role may use the page, but another of the role finds
# nothing there (an evaluation interview is its interviewer's only: a Dutch 404).
PERSONAL = {"evaluation:interview"}


def _path_with_object(view_name, path, team):
    if view_name not in OBJECT_PAGES:
        return path
    return reverse(view_name, kwargs={"public_id": OBJECT_PAGES[view_name](team).public_id})


def test_every_page_about_an_object_has_a_way_to_make_one():
    takes_id = {name for name, path in OWN_PAGES if SAMPLES["uuid"] in path}
    assert takes_id == set(OBJECT_PAGES)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
@pytest.mark.parametrize(("view_name", "path"), OWN_PAGES, ids=[path for _name, path in OWN_PAGES])
def test_each_role_reaches_only_its_pages(client, personas, role, view_name, path):
    rule = rule_for(view_name)
    path = _path_with_object(view_name, path, personas.team)
    client.force_login(personas.by_role()[role])
    response = client.get(path, follow=False)
    allowed = rule == SIGNED_IN or role in rule
    if allowed:
        # 405: a page that only takes a POST (a form's target), reached with GET.
        expected = (200, 302, 405, 404) if view_name in PERSONAL else (200, 302, 405)
        assert response.status_code in expected, response.status_code
    else:
        assert response.status_code == 403
        assert "Geen toegang" in response.text


# The privacy officer's "who looked at this file" is city-wide by design (AVG art. 15), and
# shows the log, not the file; so are a family's destruction requests (Jeugdwet art. 7.3.9).
CITY_WIDE = {"evaluation:sample", "evaluation:pair_again", "audit:family", "audit:destroy", "audit:request", "audit:extend_request", "audit:answer_request"}


@pytest.mark.parametrize(("view_name", "path"), [p for p in OWN_PAGES if p[0] in OBJECT_PAGES and p[0] not in CITY_WIDE])
def test_nobody_reaches_the_objects_of_another_team(client, personas, view_name, path):
    """Object-level: the role may use the page, but not for another team's family."""
    foreign = _path_with_object(view_name, path, personas.other_team)
    for role, user in personas.by_role().items():
        client.force_login(user)
        for method in (client.get, client.post):
            response = method(foreign)
            if response.status_code == 302 and method == client.get:
                # A form's own URL opened by GET leads to the page with the form (issue 22),
                # which is refused in turn: the redirect itself tells nothing.
                assert response["Location"] == page_of(foreign.split("?")[0])
                response = client.get(response["Location"])
                if response.status_code == 200:  # a list of the own team's families (tweede lezing)
                    assert "Gezin" not in response.text.split('<main id="main">')[1]
                    continue
            assert response.status_code in (403, 404, 405), (role, method, response.status_code)
            if response.status_code == 405:
                continue
            assert "Gezin" not in response.text.split('<main id="main">')[1]


def test_the_admin_is_for_beheerder_only(client, personas):
    for role, user in personas.by_role().items():
        client.force_login(user)
        response = client.get(reverse("admin:teams_team_changelist"))
        expected = 200 if role == Role.ADMINISTRATOR else 403
        assert response.status_code == expected, role


def test_a_user_without_role_sees_why(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nieuw", password="x")
    client.force_login(user)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    assert "Nog geen rol" in response.text
    assert client.get(reverse("intake:queue")).status_code == 403


def test_an_unknown_view_is_refused_not_left_open(rf, personas):
    """A URL added without a policy entry is closed, even to the beheerder."""
    from django.urls import ResolverMatch

    from basisjeugdhulp.accounts.access import AccessPolicyMiddleware

    request = rf.get("/nieuw/")
    request.user = personas.administrator
    request.resolver_match = ResolverMatch(lambda r: None, (), {}, url_name="new_page")
    response = AccessPolicyMiddleware(lambda r: None).process_view(request, None, (), {})
    assert response.status_code == 403


def test_a_role_taken_away_counts_from_the_next_request(client, personas):
    """Roles are loaded with the user on every request (accounts/backends.py), never kept."""
    client.force_login(personas.triagist)
    assert client.get(reverse("intake:queue")).status_code == 200
    personas.triagist.groups.clear()
    assert client.get(reverse("intake:queue")).status_code == 403


def test_leaving_a_team_counts_from_the_next_request(client, personas):
    """The user's teams come with the user on every request too: a triagist who leaves the team
    no longer opens its families' files."""
    from matching.models import Professional

    case = factories.registration(personas.team, "awaiting_contact")
    file = reverse("intake:registration", args=[case.public_id])
    client.force_login(personas.triagist)
    assert client.get(file).status_code == 200
    Professional.objects.filter(user=personas.triagist).update(active=False)
    assert client.get(file).status_code == 404
    assert case.family_label not in client.get(reverse("intake:queue")).text


@pytest.mark.parametrize("persona, page", [("triagist", "intake:queue"), ("professional", "trajectories:mine")])
def test_the_user_their_roles_and_teams_are_read_in_one_query(client, personas, persona, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(personas, persona))
    client.get(reverse(page))  # the session's first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert personas.team.name in response.text
    about_the_user = [
        q["sql"] for q in captured
        if any(table in q["sql"] for table in ("auth_user", "auth_group", "teams_team", "matching_professional"))
    ]
    assert len(about_the_user) == 1
