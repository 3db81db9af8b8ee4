"""The family's language as a code of the one list (intake/languages.py) when the list knows
what was typed ("Tigrinja", "Arabisch", "Farsi"); the family's own words otherwise ("anders")."""

from django.db import migrations


def normalise(apps, schema_editor):
    from basisjeugdhulp.intake.languages import normalise

    Registration = apps.get_model("intake", "Registration")
    for pk, typed in Registration.objects.exclude(preferred_language="").values_list("pk", "preferred_language"):
        code = normalise(typed)
        if code != typed:
            Registration.objects.filter(pk=pk).update(preferred_language=code)


class Migration(migrations.Migration):
    dependencies = [("intake", "0008_destruction_requests_and_pending_removals")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
