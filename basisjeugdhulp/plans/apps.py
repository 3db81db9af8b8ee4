from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "basisjeugdhulp.plans"
    label = "plans"
    verbose_name = _("A3 plans")

    def ready(self):
        from basisjeugdhulp.plans import checks  # noqa: F401 (registers the storage checks)
