from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from basisjeugdhulp.demo import city
from basisjeugdhulp.demo import evaluation as demo_evaluation
from basisjeugdhulp.demo import families as demo_families
from basisjeugdhulp.demo import plan_sheets
from basisjeugdhulp.reporting.models import LumpSum
from basisjeugdhulp.teams.models import Team
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Absence, Professional


class Command(BaseCommand):
    help = "Fill the register with a fictional city: WIJ-teams, ~80 professionals and one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the demo data even when the database holds other (real) data.",
        )

    def handle(self, *args, force=False, **options):
        staff = list(city.staff())
        demo_usernames = {login[0] for login in city.LOGINS} | {row[1] for row in staff}

        demo_teams = {name for name, _district in city.TEAMS}
        User = get_user_model()
        foreign_users = User.objects.exclude(username__in=demo_usernames).count()
        foreign_teams = Team.objects.exclude(name__in=demo_teams).count()
        if (foreign_users or foreign_teams) and not force:
            raise CommandError(
                f"This database already holds {foreign_users} user(s) and {foreign_teams} team(s) "
                "that are not demo data. Demo data is only loaded into an empty register; "
                "use --force to add it anyway."
            )

        with transaction.atomic():
            teams = {
                name: Team.objects.update_or_create(name=name, defaults={"district": district})[0]
                for name, district in city.TEAMS
            }
            groups = {group.name: group for group in Group.objects.all()}
            first_team = teams[city.TEAMS[0][0]]
            for username, first, last, role, education in city.LOGINS:
                user = self._user(username, first, last, password=city.DEMO_PASSWORD)
                user.is_staff = role == "beheerder"  # the Django admin is for beheerder only
                user.save(update_fields=["is_staff"])
                user.groups.set([groups[role]])
                if education:
                    self._professional(
                        user, first_team, education,
                        {"languages": ["nl", "en"], "expertise": ["opvoeding", "gedrag", "school"]},
                    )
            for team_name, username, first, last, education, profile in staff:
                user = self._user(username, first, last, password=None)
                user.groups.set([groups["jeugdprofessional"]])
                self._professional(user, teams[team_name], education, profile)

            # One professional per team is away for a while: matching leaves them out.
            for team in teams.values():
                away = (
                    Professional.objects.filter(team=team, user__username__startswith="demo.")
                    .order_by("user__username")[2]
                )
                Absence.objects.get_or_create(
                    professional=away,
                    defaults={"starts_on": timezone.localdate() - timedelta(days=2),
                              "ends_on": timezone.localdate() + timedelta(days=12)},
                )

            # Families in every state: all of them in the demo logins' team, fewer elsewhere.
            today = timezone.localdate()
            triagist = User.objects.get(username="triagist")
            pim = Professional.objects.get(user__username="professional")
            families = 0
            for district_number, team in enumerate(teams.values()):
                colleagues = list(
                    Professional.objects.filter(team=team, user__username__startswith="demo.")
                    .select_related("user")
                    .order_by("user__username")[:2]
                )
                lead = pim if team == first_team else colleagues[1]
                families += demo_families.load(
                    team, district_number, triagist, lead, colleagues[0].user, today
                )

        # An evaluation sample of the families whose help closed (issue 26).
        interviews = demo_evaluation.load(
            timezone.localdate(), User.objects.get(username="beheerder"), Professional.objects.get(user__username="professional")
        )

        # This year's lump sum, so the municipality's page shows hours against a budget.
        LumpSum.objects.get_or_create(
            year=timezone.localdate().year, defaults={"budget": 9_500_000, "hourly_cost": 95}
        )

        # The demo professional's running families have a photo of their A3 plan (after the
        # transaction: photo objects are stored first, rows after, as in the register itself; a
        # closed trajectory takes no photo, so closed families show none).
        photos = 0
        running = Trajectory.objects.filter(lead=pim, started_on__isnull=False, ended_on=None, photos=None)
        for trajectory in running.select_related("registration"):
            plan_sheets.photograph(trajectory, pim.user)
            photos += 1

        self.stdout.write(
            f"Demo city: {len(teams)} WIJ-teams, {photos} plan photos, "
            f"{Professional.objects.filter(team__in=teams.values()).count()} professionals, "
            f"{families} new families, {interviews} evaluation interviews."
        )
        self.stdout.write("Demo logins (password for all: %s):" % city.DEMO_PASSWORD)
        for username, _first, _last, role, _education in city.LOGINS:
            self.stdout.write(f"  {username:<13} {role}")

    def _user(self, username, first, last, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()  # staff in the demo city cannot log in
            user.save()
        return user

    def _professional(self, user, team, education, profile):
        Professional.objects.update_or_create(
            user=user, defaults={"team": team, "education": education, "active": True, **profile}
        )
