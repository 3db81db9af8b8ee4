from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "basisjeugdhulp.plans"
    label = "plans"
    verbose_name = _("A3 plans")
