from django.contrib import admin

from basisjeugdhulp.accounts.models import SecondFactorRule


@admin.register(SecondFactorRule)
class SecondFactorRuleAdmin(admin.ModelAdmin):
    list_display = ["role", "required"]
    list_editable = ["required"]
