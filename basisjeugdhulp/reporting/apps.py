from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "basisjeugdhulp.reporting"
    label = "reporting"
    verbose_name = _("Figures for the municipality")

    def ready(self):
        from basisjeugdhulp.reporting import signals  # noqa: F401
