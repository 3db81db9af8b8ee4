from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.models import SecondFactorRule


@admin.register(SecondFactorRule)
class SecondFactorRuleAdmin(admin.ModelAdmin):
    list_display = ["role", "required"]
    list_editable = ["required"]


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    """A lost phone: the beheerder deletes the user's app, and the user sets up a new one at the
    next login. The secret and its QR code are never shown here (django-otp's own admin showed
    them on a config page): only to their owner, while setting the app up (second_factor.py)."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False  # an app is set up by its owner, never handed a secret by someone else

    def has_change_permission(self, request, obj=None):
        return False
