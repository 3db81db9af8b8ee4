from django.contrib import admin

from matching.models import Professional


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team", "education", "active"]
    list_filter = ["team", "education", "active"]
    list_select_related = ["user", "team"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    autocomplete_fields = ["user"]
