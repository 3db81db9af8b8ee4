from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "basisjeugdhulp.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from basisjeugdhulp.accounts.roles import sync_role_groups

        # Runs after the last app's migrations, when every permission exists.
        post_migrate.connect(sync_role_groups, dispatch_uid="sync_role_groups")


# Django 6.1's own blank choice ("- Select an option -", e.g. in the admin's action list) has no
# Dutch translation yet; naming it here puts it in the register's catalogue, which comes first.
DJANGO_BLANK_CHOICE = _("- Select an option -")
