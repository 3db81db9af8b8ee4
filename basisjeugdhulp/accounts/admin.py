from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts import duties
from basisjeugdhulp.accounts.models import RoleChange, SecondFactorRule
from basisjeugdhulp.accounts.roles import Role


@admin.register(SecondFactorRule)
class SecondFactorRuleAdmin(admin.ModelAdmin):
    list_display = ["role", "required"]
    list_editable = ["required"]


class UserRolesForm(UserChangeForm):
    """A user's account and roles. Roles are not the groups field: they are given and taken
    through accounts/duties.py, which refuses what breaks the segregation of duties."""

    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "With two or more beheerders, a role given here counts once another beheerder approves it "
            "(Role changes). Taking a role away counts at once."
        ),
    )
    changed_by = None  # the beheerder at work, set per request by UserRolesAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(role.value for role in duties.current_roles(self.instance))

    def clean_roles(self):
        wanted = {Role(value) for value in self.cleaned_data["roles"]}
        try:
            duties.check_roles(self.instance, wanted, self.changed_by)
        except ValidationError as refused:
            raise ValidationError(refused.messages) from None
        return wanted


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserRolesAdmin(UserAdmin):
    """Accounts. Not offered here: the superuser flag, separate permissions and the groups
    themselves; staff status follows the beheerder role (duties.py). A forged POST with any of
    them is ignored: the form has no such field."""

    form = UserRolesForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (gettext_lazy("Access"), {"fields": ("is_active", "roles")}),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_filter = ("is_active", "groups")
    filter_horizontal = ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.changed_by = request.user
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "roles" in form.cleaned_data:
            for waiting in duties.change_roles(obj, form.cleaned_data["roles"], request.user):
                if waiting.status == RoleChange.Status.PENDING:
                    messages.warning(request, duties.waiting_message(waiting))


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The log of every role and team given and taken, and where another beheerder approves."""

    list_display = ["requested_at", "user", "kind", "what", "requested_by", "status", "decided_by", "decided_at"]
    list_filter = ["status", "kind", "role"]
    list_select_related = ["user", "team", "requested_by", "decided_by"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = list_display
    readonly_fields = list_display
    actions = ["approve", "reject"]

    @admin.display(description=gettext_lazy("role or team"))
    def what(self, change):
        return change.what()

    def has_add_permission(self, request):
        return False  # roles and teams are given on the user's and the professional's page

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)  # the actions; rows stay as they are

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Approve the chosen role changes"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, duties.approve, _("Approved: %(change)s"))

    @admin.action(description=gettext_lazy("Reject the chosen role changes"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, duties.reject, _("Rejected: %(change)s"))

    @staticmethod
    def _decide(request, queryset, decision, done):
        for change in queryset.select_related("user", "team"):
            try:
                decision(change, request.user)
            except ValidationError as refused:
                messages.error(request, f"{change}: {' '.join(refused.messages)}")
            else:
                messages.success(request, done % {"change": change})


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
