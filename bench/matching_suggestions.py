"""Matching suggestions for one family: server time and SQL queries against 40, 80 and 800 professionals.

The issue's target: under 50 ms server time, with a query count that does not grow with the
number of professionals. Measured twice per size, in one run:
- `suggest_for`: loading the team's candidates (load and absence as subqueries) and scoring;
- the htmx panel request through the whole Django stack (middleware, access policy, template);
- ranking duo pairs (HBO + MBO) alone, on the candidates already loaded (issue 23: < 50 ms).

Run against PostgreSQL and S3 as the tests do:  make bench
Or on the embedded SQLite default:              .venv/bin/python bench/matching_suggestions.py

Builds its own throwaway test database (test_<name>), fills it with bulk inserts, and drops it.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # figures only, not a line per sign-in

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from pages import verify  # noqa: E402  (bench/pages.py: a session as in production)

ROUNDS = 60
OPEN_FAMILIES_PER_PROFESSIONAL = 5
TEAM_SIZES = (40, 80, 800)  # a WIJ-team, a large one; the whole city matched as one team (worst case)


def build(size, seed):
    """A team of `size` professionals with open families, absences and a family to match."""
    from basisjeugdhulp.accounts.roles import Role
    from basisjeugdhulp.intake.models import QuestionCategory, Registration
    from basisjeugdhulp.intake.routes import Category, Channel, Product
    from basisjeugdhulp.teams.models import Team
    from basisjeugdhulp.trajectories.models import Trajectory
    from matching.models import LANGUAGE_CHOICES, Absence, Education, Expertise, Professional

    rng = random.Random(seed)
    User = get_user_model()
    team = Team.objects.create(name=f"Bench team {size}", district=f"Wijk {size}")
    users = User.objects.bulk_create(
        User(username=f"p{size}-{i}", first_name=f"Prof{i:04d}", last_name=f"Team{size}") for i in range(size)
    )
    languages = [code for code, _ in LANGUAGE_CHOICES]
    expertise = [code for code, _ in Expertise.choices]
    professionals = Professional.objects.bulk_create(
        Professional(
            user=user,
            team=team,
            education=rng.choice([Education.HBO, Education.MBO]),
            active=rng.random() > 0.05,
            capacity=rng.randint(6, 10),
            languages=rng.sample(languages, rng.randint(0, 2)),
            expertise=rng.sample(expertise, rng.randint(1, 4)),
        )
        for user in users
    )
    today = timezone.localdate()
    Absence.objects.bulk_create(
        Absence(professional=p, starts_on=today - timezone.timedelta(days=2), ends_on=today + timezone.timedelta(days=5))
        for p in rng.sample(professionals, size // 10)
    )
    families = Registration.objects.bulk_create(
        Registration(team=team, channel=Channel.SELF_REPORT, family_label=f"Gezin {i}", status="contacted")
        for i in range(size * OPEN_FAMILIES_PER_PROFESSIONAL)
    )
    products = [code for code, _ in Product.choices]
    Trajectory.objects.bulk_create(
        Trajectory(registration=family, product=rng.choice(products), lead=professionals[i % size], started_on=today)
        for i, family in enumerate(families)
    )
    triagist = professionals[0].user
    triagist.groups.add(Group.objects.get(name=Role.TRIAGIST.value))
    family = Registration.objects.create(
        team=team, channel=Channel.SCHOOL, family_label="Gezin Bench", preferred_language="Arabisch"
    )
    family.categories.set(QuestionCategory.objects.filter(code__in=[Category.DIVORCE, Category.BEHAVIOUR]))
    family.route_to_basic(Product.FAMILY_HEAVY, triagist, today)
    return family, triagist


def measure(call):
    # Counted with an execute wrapper: a request through the test client resets
    # connection.queries when it starts, so CaptureQueriesContext would see none. Warmed up first:
    # a worker keeps the matching weights and fit table (config_cache.py) after its first request.
    call()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        call()
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main():
    from matching import scoring
    from matching.models import EducationFit
    from matching.suggestions import candidates_for, current_weights, family_for, suggest_for

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"Matching suggestions on {connection.vendor}, {ROUNDS} rounds, "
              f"{OPEN_FAMILIES_PER_PROFESSIONAL} open families per professional")
        print(f"{'professionals':>13}  {'suggest_for ms p50/p95':>22}  {'queries':>7}  "
              f"{'panel request ms p50/p95':>24}  {'queries':>7}  {'duo pairs ms p50/p95':>20}")
        for size in TEAM_SIZES:
            family, triagist = build(size, seed=size)
            client = Client()
            client.force_login(triagist)
            session = client.session
            verify(session, triagist)  # the second factor, as in production
            session.save()
            url = reverse("matching:panel", args=[family.public_id])

            def panel():
                response = client.get(url, headers={"HX-Request": "true"})
                assert response.status_code == 200 and "suggestion-name" in response.text, response.status_code

            s50, s95, sq = measure(lambda: suggest_for(family))
            p50, p95, pq = measure(panel)
            # Ranking duo pairs alone (gezinsbegeleiding zwaar suggests a duo): scoring every
            # professional and pairing the best of each level, on candidates already loaded.
            weights, fits = current_weights(), EducationFit.table()
            seen, people = family_for(family), candidates_for(family.team_id)
            d50, d95, _dq = measure(lambda: scoring.suggest_pairs(seen, people, weights, fits))
            print(f"{size:>13}  {s50:>10.1f} / {s95:<9.1f}  {sq:>7}  {p50:>12.1f} / {p95:<9.1f}  {pq:>7}"
                  f"  {d50:>9.1f} / {d95:<8.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
