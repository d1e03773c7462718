"""ResponseDay, AnswerDay and InvitationDay now belong to insights: state only, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0007_anonymous_digest'),
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='answerday',
                    name='answerday_unique',
                ),
                migrations.RemoveConstraint(
                    model_name='invitationday',
                    name='invitationday_unique',
                ),
                migrations.RemoveIndex(
                    model_name='responseday',
                    name='responseday_matrix_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='responseday',
                    name='responseday_unique',
                ),
                migrations.RemoveField(
                    model_name='invitationday',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='invitationday',
                    name='request_type',
                ),
                migrations.RemoveField(
                    model_name='invitationday',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='responseday',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='responseday',
                    name='request_type',
                ),
                migrations.RemoveField(
                    model_name='responseday',
                    name='version',
                ),
                migrations.DeleteModel(
                    name='AnswerDay',
                ),
                migrations.DeleteModel(
                    name='InvitationDay',
                ),
                migrations.DeleteModel(
                    name='ResponseDay',
                ),
            ],
            database_operations=[],
        ),
    ]
