from django.db import models
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts.roles import Role


class SecondFactorRule(models.Model):
    """The beheerder requires a second factor (an authenticator app's code) for a role."""

    role = models.CharField(_("role"), max_length=40, choices=Role.choices, unique=True)
    required = models.BooleanField(_("second factor required"), default=True)

    class Meta:
        verbose_name = _("second factor rule")
        verbose_name_plural = _("second factor rules")

    def __str__(self):
        return self.get_role_display()

    @classmethod
    def required_for(cls, roles):
        return bool(roles) and cls.objects.filter(role__in=[r.value for r in roles], required=True).exists()
