from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CbsConfig(AppConfig):
    name = "basisjeugdhulp.cbs"
    label = "cbs"
    verbose_name = _("CBS delivery")

    def ready(self):
        from basisjeugdhulp.cbs import checks  # noqa: F401
