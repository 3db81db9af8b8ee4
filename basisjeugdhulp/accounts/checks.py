"""The register's own system checks: a production configuration that would be unsafe stops
`manage.py check` (and so the deployment) with the reason."""

from django.conf import settings
from django.core import checks


def second_factor_in_production(app_configs=None, **kwargs):
    """NEN 7510-2: everyone who reaches health data logs in with two factors."""
    if getattr(settings, "PRODUCTION", False) and not settings.SECOND_FACTOR_REQUIRED:
        return [
            checks.Error(
                "SECOND_FACTOR_REQUIRED is off in production.",
                hint="Unset SECOND_FACTOR_REQUIRED (it defaults to on) or set it to 1; see docs/configuration.md.",
                id="basisjeugdhulp.E001",
            )
        ]
    return []
