from django.contrib import admin

from basisjeugdhulp.teams.models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    search_fields = ["name", "district"]
