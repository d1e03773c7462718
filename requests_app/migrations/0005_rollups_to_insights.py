"""TicketDay and ResolutionDay now belong to insights: state only, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0004_queue_due_index'),
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='resolutionday',
                    name='resolutionday_unique',
                ),
                migrations.RemoveConstraint(
                    model_name='ticketday',
                    name='ticketday_unique',
                ),
                migrations.RemoveField(
                    model_name='ticketday',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='ticketday',
                    name='request_type',
                ),
                migrations.DeleteModel(
                    name='ResolutionDay',
                ),
                migrations.DeleteModel(
                    name='TicketDay',
                ),
            ],
            database_operations=[],
        ),
    ]
