from django.contrib import admin, messages

from basisjeugdhulp.accounts import duties
from matching.forms import ProfessionalAdminForm
from matching.models import Absence, DuoFit, EducationFit, MatchingWeights, Professional


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    form = ProfessionalAdminForm
    list_display = ["__str__", "team", "education", "capacity", "active"]
    list_filter = ["team", "education", "active"]
    list_select_related = ["user", "team"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [AbsenceInline]
    # Affinity is the professional's own, consented declaration (profile page); the admin only
    # sees whether it exists, never edits it.
    exclude = ["affinity", "affinity_consent_on"]

    def get_readonly_fields(self, request, obj=None):
        # A profile stays with its user: giving it to another is a new profile for them.
        return ["user"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.changed_by = request.user
        return form

    def save_model(self, request, obj, form, change):
        """A team given waits for another beheerder's approval when there are two or more
        (accounts/duties.py); a team left counts at once. Both are logged."""
        if (waiting := duties.save_professional(obj, request.user)) is not None:
            messages.warning(request, duties.waiting_message(waiting))


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "expertise", "language", "preference", "education", "load", "continuity", "leave", "leave_horizon_days",
    ]

    def has_add_permission(self, request):
        return not MatchingWeights.objects.exists()  # one row: the weights in force

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EducationFit)
class EducationFitAdmin(admin.ModelAdmin):
    list_display = ["product", "education", "fits"]
    list_editable = ["fits"]


@admin.register(DuoFit)
class DuoFitAdmin(admin.ModelAdmin):
    """Per product (and per team where it differs): does the panel suggest duos?"""

    list_display = ["product", "team", "suggest"]
    list_editable = ["suggest"]
    list_filter = ["team", "product"]
