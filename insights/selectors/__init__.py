"""Reads of the rollups the dashboards need; the exact medians are in ``medians.py``."""

import functools
from dataclasses import dataclass

from django.db import connection

from icsat.sql import quoted_names
from requests_app.models import Ticket
from surveys.models import Survey, SurveyVersion

from ..models import ResponseDay, TicketDay
from .medians import MedianEstimate as MedianEstimate
from .medians import breakdown_spans as breakdown_spans
from .medians import days_with_previous as days_with_previous
from .medians import local_days as local_days
from .medians import resolution_median_estimates as resolution_median_estimates
from .medians import resolution_medians as resolution_medians
from .medians import rollup_days as rollup_days
from .medians import rows_of_spans as rows_of_spans
from .medians import weeks_and_days as weeks_and_days
from .medians import whole_weeks as whole_weeks


@dataclass(frozen=True)
class VersionChoice:
    """A survey version as the dashboard's filter names it."""

    pk: int
    survey_name: str
    number: int


def versions_answered_for(department) -> list[VersionChoice]:
    """Survey versions with answers about the department, for the dashboard's filter: by
    survey name, the newest version first."""
    # From the per-day rollup (a few rows per day), not the responses themselves; by hand,
    # as every view of the dashboard asks and the ORM took ~1 ms to build what the database
    # answers in 0.2 ms.
    with connection.cursor() as cursor:
        cursor.execute(_versions_answered_sql(), [department.pk, ResponseDay.Dimension.ALL])
        return [VersionChoice(*row) for row in cursor.fetchall()]


@functools.cache
def _versions_answered_sql() -> str:
    names = {
        "v": quoted_names(SurveyVersion),
        "s": quoted_names(Survey),
        "d": quoted_names(ResponseDay),
    }
    return (  # noqa: S608 -- names from the models' metadata, values as parameters
        "SELECT v.{v[id]}, s.{s[name]}, v.{v[number]} FROM {v[table]} v "
        "JOIN {s[table]} s ON s.{s[id]} = v.{v[survey]} "
        "WHERE EXISTS (SELECT 1 FROM {d[table]} d WHERE d.{d[department]} = %s "
        "AND d.{d[dimension]} = %s AND d.{d[version]} = v.{v[id]}) "
        "ORDER BY s.{s[name]}, v.{v[number]} DESC"
    ).format(**names)


def rollups_missing() -> bool:
    """Whether there are requests but no per-day rollups yet (a database from before them)."""
    return (
        Ticket.objects.filter(kind=Ticket.Kind.REQUEST).exists() and not TicketDay.objects.exists()
    )
