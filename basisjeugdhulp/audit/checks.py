"""System checks of the access log's database set-up (audit/database_roles.py)."""

import dj_database_url
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def migrate_url_names_the_same_database(app_configs=None, **kwargs):
    if not settings.MIGRATE_DATABASE_URL:
        return []
    owner = dj_database_url.parse(settings.MIGRATE_DATABASE_URL)
    application = settings.DATABASES["default"]
    if (owner["ENGINE"], owner["NAME"]) != (application["ENGINE"], application["NAME"]):
        return [checks.Error(
            "MIGRATE_DATABASE_URL names another database than DATABASE_URL.",
            hint="Both URLs name the same database: the owner's and the application's way in.",
            id="basisjeugdhulp.E101",
        )]
    return []


@checks.register(checks.Tags.security, deploy=True)
def application_does_not_own_the_log(app_configs=None, **kwargs):
    application = settings.DATABASES["default"]
    if application["ENGINE"] != "django.db.backends.postgresql":
        return []
    owner = dj_database_url.parse(settings.MIGRATE_DATABASE_URL) if settings.MIGRATE_DATABASE_URL else None
    if owner is None or owner["USER"] == application["USER"]:
        return [checks.Warning(
            "The application connects to PostgreSQL as the owner of its tables, which can empty "
            "the access log (TRUNCATE) or switch off its append-only trigger.",
            hint="Set MIGRATE_DATABASE_URL to the owner and DATABASE_URL to a role that owns "
                 "nothing (docs/configuration.md).",
            id="basisjeugdhulp.W101",
        )]
    return []
