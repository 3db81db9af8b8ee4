from django.contrib import admin

from basisjeugdhulp.intake.models import ClosureDay


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """The organisation's own closure days; saving one recomputes open contact deadlines."""

    list_display = ["date", "description"]
    date_hierarchy = "date"
