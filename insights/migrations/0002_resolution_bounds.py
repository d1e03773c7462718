"""The median's histogram gains the breakdown's edges (4 h, 24 h, 3 days) as bounds, so
the breakdown's buckets are runs of its buckets: one scheme. Bucket numbers above 4 h
move, so ResolutionDay is recomputed from the tickets with the new bounds (a frozen copy
of insights.buckets and of the rebuild at this migration). Safe to run twice.
"""

import math

from django.db import migrations
from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

HOUR = 3600
OLD_BOUNDS = (0, *(math.ceil(60 * 2 ** (i / 2)) for i in range(41)))
NEW_BOUNDS = tuple(sorted({*OLD_BOUNDS, 4 * HOUR, 24 * HOUR, 72 * HOUR}))


def recompute(bounds):
    def run(apps, schema_editor):
        Ticket = apps.get_model("requests_app", "Ticket")
        ResolutionDay = apps.get_model("insights", "ResolutionDay")
        whens = [
            When(resolution_seconds__lt=high, then=Value(index))
            for index, high in enumerate(bounds[1:])
        ]
        bucket = Case(*whens, default=Value(len(bounds) - 1), output_field=IntegerField())
        histogram = (
            Ticket.objects.filter(
                kind="request", request_type__isnull=False, resolved_at__isnull=False
            )
            .annotate(
                day=TruncDate("resolved_at", tzinfo=timezone.get_default_timezone()),
                bucket=bucket,
            )
            .order_by()
            .values_list("department_id", "request_type_id", "day", "bucket")
            .annotate(n=Count("pk"))
        )
        rows = [
            ResolutionDay(
                department_id=department_id,
                request_type_id=request_type_id,
                day=day,
                bucket=bucket,
                tickets=n,
            )
            for department_id, request_type_id, day, bucket, n in histogram
        ]
        ResolutionDay.objects.all().delete()
        ResolutionDay.objects.bulk_create(rows, batch_size=5000)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("requests_app", "0005_rollups_to_insights"),
    ]

    operations = [
        migrations.RunPython(recompute(NEW_BOUNDS), recompute(OLD_BOUNDS)),
    ]
