"""The rollup models, moved here from requests_app and surveys with their data.

State only: the tables exist (created by requests_app 0002 and surveys 0002–0006) and
keep their names (``Meta.db_table``); nothing is created, dropped or copied.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('requests_app', '0004_queue_due_index'),
        ('surveys', '0007_anonymous_digest'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AnswerDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('value', models.CharField(max_length=300)),
                        ('answers', models.IntegerField(default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.department')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.question')),
                        ('request_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.requesttype')),
                    ],
                    options={
                        'db_table': 'surveys_answerday',
                        'constraints': [models.UniqueConstraint(fields=('department', 'day', 'request_type', 'question', 'value'), name='answerday_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='InvitationDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('sent', models.IntegerField(default=0)),
                        ('answered', models.IntegerField(default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.department')),
                        ('request_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.requesttype')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.surveyversion')),
                    ],
                    options={
                        'db_table': 'surveys_invitationday',
                        'constraints': [models.UniqueConstraint(fields=('department', 'day', 'request_type', 'version'), name='invitationday_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ResolutionDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('bucket', models.PositiveSmallIntegerField()),
                        ('tickets', models.IntegerField(default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.department')),
                        ('request_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.requesttype')),
                    ],
                    options={
                        'db_table': 'requests_app_resolutionday',
                        'constraints': [models.UniqueConstraint(fields=('department', 'day', 'request_type', 'bucket'), name='resolutionday_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ResponseDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('dimension', models.CharField(choices=[('all', 'All'), ('customer', 'Customer'), ('agent', 'Agent'), ('resolution', 'Resolution'), ('sla', 'Sla')], max_length=10)),
                        ('grain', models.CharField(choices=[('day', 'Day'), ('week', 'Week')], default='day', max_length=4)),
                        ('value', models.IntegerField(default=0)),
                        ('responses', models.IntegerField(default=0)),
                        ('csat_n', models.IntegerField(default=0)),
                        ('csat_good', models.IntegerField(default=0)),
                        ('csat_sum', models.IntegerField(default=0)),
                        ('csat_sum_sq', models.IntegerField(default=0)),
                        ('nps_n', models.IntegerField(default=0)),
                        ('nps_promoters', models.IntegerField(default=0)),
                        ('nps_detractors', models.IntegerField(default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.department')),
                        ('request_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.requesttype')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.surveyversion')),
                    ],
                    options={
                        'db_table': 'surveys_responseday',
                        'indexes': [models.Index(fields=['dimension', 'grain', 'day'], include=('department', 'value', 'csat_n', 'csat_good'), name='responseday_matrix_idx')],
                        'constraints': [models.UniqueConstraint(fields=('department', 'dimension', 'grain', 'day', 'request_type', 'version', 'value'), name='responseday_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='TicketDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('created', models.IntegerField(default=0)),
                        ('resolved', models.IntegerField(default=0)),
                        ('with_due', models.IntegerField(default=0)),
                        ('sla_met', models.IntegerField(default=0)),
                        ('reopened', models.IntegerField(default=0)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.department')),
                        ('request_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='requests_app.requesttype')),
                    ],
                    options={
                        'db_table': 'requests_app_ticketday',
                        'constraints': [models.UniqueConstraint(fields=('department', 'day', 'request_type'), name='ticketday_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
