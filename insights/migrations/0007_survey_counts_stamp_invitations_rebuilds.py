from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0006_ticketday_resolution_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="surveycountsstamp",
            name="invitation_changes",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="surveycountsstamp",
            name="rebuilds",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
    ]
