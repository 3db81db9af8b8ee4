"""Professionals' languages as the codes of the one list (intake/languages.py): a name or a
common spelling typed in earlier ("Arabisch", "Tigrinja") becomes its code; anything the list
does not know is kept as it was."""

from django.db import migrations


def normalise(apps, schema_editor):
    from basisjeugdhulp.intake.languages import normalise

    Professional = apps.get_model("matching", "Professional")
    for professional in Professional.objects.exclude(languages=[]).only("pk", "languages"):
        codes = list(dict.fromkeys(normalise(str(value)) for value in professional.languages))
        if codes != professional.languages:
            Professional.objects.filter(pk=professional.pk).update(languages=codes)


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_leave_weights_and_duo_settings")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
