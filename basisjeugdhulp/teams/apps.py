from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "basisjeugdhulp.teams"
    label = "teams"
    verbose_name = _("WIJ teams")
