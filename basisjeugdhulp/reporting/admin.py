from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.reporting.models import ApiClient, LumpSum


@admin.register(LumpSum)
class LumpSumAdmin(admin.ModelAdmin):
    list_display = ["year", "budget", "hourly_cost"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Tokens for the municipality's BI tools: made here, shown once, revoked with an action."""

    list_display = ["name", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["created_at", "last_used_at", "revoked_at"]
    actions = ["revoke", "new_token"]

    def save_model(self, request, obj, form, change):
        if not change:
            token = obj.issue_token()
            super().save_model(request, obj, form, change)
            self._show(request, obj, token)
        else:
            super().save_model(request, obj, form, change)

    def _show(self, request, client, token):
        messages.warning(
            request,
            _("Token for %(name)s (shown only now; keep it in the BI tool): %(token)s")
            % {"name": client.name, "token": token},
        )

    @admin.action(description=_("Revoke the token of the chosen clients"))
    def revoke(self, request, queryset):
        for client in queryset.active():
            client.revoke()
        messages.success(request, _("Revoked."))

    @admin.action(description=_("Give the chosen clients a new token"))
    def new_token(self, request, queryset):
        for client in queryset:
            token = client.issue_token()
            client.revoked_at = None
            client.save(update_fields=["token_hash", "revoked_at"])
            self._show(request, client, token)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the list shows which tools had access
