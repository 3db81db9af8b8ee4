from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_sqlite_append_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessevent',
            name='action',
            field=models.CharField(choices=[('view_file', "Viewed the family's file"), ('create', 'Recorded an aanmelding'), ('triage', 'Triage decision'), ('second_check', 'Second check decision'), ('first_contact', 'Recorded first contact'), ('view_photo', 'Viewed a plan photo'), ('view_thumbnail', "Viewed a plan photo's thumbnail"), ('upload_photo', 'Added a plan photo'), ('close', 'Closed the trajectory'), ('export', 'Exported figures'), ('destroy', "Destroyed the family's file"), ('search_log', 'Searched the access log'), ('view_list', 'Saw the family in a list'), ('assign', 'Assigned a professional'), ('rematch', 'Re-matched the lead professional')], max_length=20),
        ),
    ]
