"""Django's migrate, connected as the owner of the tables when MIGRATE_DATABASE_URL is set, and
followed by the application role's rights (audit/database_roles.py)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections

from basisjeugdhulp.audit import database_roles


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as the owner of MIGRATE_DATABASE_URL when set."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        with database_roles.as_owner(connection) as application_role:
            super().handle(*args, **options)
            if application_role and connection.vendor == "postgresql":
                try:
                    database_roles.grant_application_rights(connection, application_role)
                except ImproperlyConfigured as exc:
                    raise CommandError(str(exc)) from exc
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Rights granted to the application's role {application_role}.")
