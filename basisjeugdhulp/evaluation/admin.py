from django.contrib import admin

from basisjeugdhulp.evaluation.models import Coordinator


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    """Who coordinates the evaluation sample: given and taken by the beheerder."""

    list_display = ("user", "since")
    autocomplete_fields = ()
    raw_id_fields = ()
