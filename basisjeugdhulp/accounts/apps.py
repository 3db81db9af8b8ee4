from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # the module holds the admin's config too
    name = "basisjeugdhulp.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from basisjeugdhulp.accounts.checks import second_factor_in_production
        from basisjeugdhulp.accounts.roles import sync_role_groups

        # Runs after the last app's migrations, when every permission exists.
        post_migrate.connect(sync_role_groups, dispatch_uid="sync_role_groups")
        checks.register(second_factor_in_production, checks.Tags.security)


class RegisterAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the register's own site: a missing object is a 404 (admin_site.py)."""

    default = False  # named in INSTALLED_APPS in place of "django.contrib.admin"
    default_site = "basisjeugdhulp.accounts.admin_site.RegisterAdminSite"


# Django 6.1's own blank choice ("- Select an option -", e.g. in the admin's action list) has no
# Dutch translation yet; naming it here puts it in the register's catalogue, which comes first.
DJANGO_BLANK_CHOICE = _("- Select an option -")
