"""ResponseDay.csat_sum_sq: the sum of squared CSAT headline scores, for the variance that a
change in the mean score needs; existing rows are backfilled from the responses.

The backfill is a frozen copy of how the rollups key a response (surveys/services/rollups.py
at this migration): one query sums the squares per day and breakdown values, then Python
adds each group to every dimension row and week row its responses count in. Safe to run
twice: it sets, not adds.
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

HOUR = 3600
# Upper bounds (exclusive) of the resolution buckets 0, 1, 2; bucket 3 has none.
CSAT = "csat_1_5"  # Question.Kind.CSAT
RESOLUTION_HIGHS = (4 * HOUR, 24 * HOUR, 72 * HOUR)
WEEKLY_DIMENSIONS = ("customer", "agent", "resolution", "sla")


def resolution_bucket():
    """The response's resolution bucket (0–3), None without a resolution time."""
    whens = [
        When(resolution_seconds__lt=high, then=Value(index))
        for index, high in enumerate(RESOLUTION_HIGHS)
    ]
    last = When(resolution_seconds__isnull=False, then=Value(len(RESOLUTION_HIGHS)))
    return Case(*whens, last, default=None, output_field=IntegerField())


def backfill_csat_sum_sq(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    ResponseDay = apps.get_model("surveys", "ResponseDay")
    tz = timezone.get_default_timezone()
    grouped = (
        Response.objects.filter(
            request_type__isnull=False, headline_kind=CSAT, headline_score__isnull=False
        )
        .annotate(day=TruncDate("submitted_at", tzinfo=tz), bucket=resolution_bucket())
        .order_by()
        .values_list(
            "department_id",
            "request_type_id",
            "version_id",
            "day",
            "customer_department_id",
            "agent_id",
            "bucket",
            "sla_met",
        )
        .annotate(sum_sq=Sum(F("headline_score") * F("headline_score")))
    )
    sums = {}
    for group in grouped:
        department, request_type, version, day, customer, agent, bucket, sla_met, sum_sq = group
        values = [("all", 0), ("customer", customer or 0), ("agent", agent or 0)]
        if bucket is not None:
            values.append(("resolution", bucket))
        if sla_met is not None:
            values.append(("sla", int(sla_met)))
        monday = day - timedelta(days=day.weekday())
        for dimension, value in values:
            keys = [("day", day)]
            if dimension in WEEKLY_DIMENSIONS:
                keys.append(("week", monday))
            for grain, key_day in keys:
                key = (department, request_type, version, dimension, grain, key_day, value)
                sums[key] = sums.get(key, 0) + sum_sq

    changed = []
    for row in ResponseDay.objects.filter(csat_n__gt=0).iterator(chunk_size=5000):
        key = (
            row.department_id,
            row.request_type_id,
            row.version_id,
            row.dimension,
            row.grain,
            row.day,
            row.value,
        )
        if row.csat_sum_sq != sums.get(key, 0):
            row.csat_sum_sq = sums.get(key, 0)
            changed.append(row)
    ResponseDay.objects.bulk_update(changed, ["csat_sum_sq"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_matrix_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="responseday",
            name="csat_sum_sq",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(backfill_csat_sum_sq, migrations.RunPython.noop, elidable=True),
    ]
