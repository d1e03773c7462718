"""Reads of the rollups the dashboards need; the exact medians are in ``medians.py``."""

from django.db.models import Exists, OuterRef, QuerySet

from requests_app.models import Ticket
from surveys.models import SurveyVersion

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


def versions_answered_for(department) -> QuerySet[SurveyVersion]:
    """Survey versions with answers about the department, for the dashboard's filter."""
    # From the per-day rollup (a few rows per day), not the responses themselves.
    answered = ResponseDay.objects.filter(
        department=department, dimension=ResponseDay.Dimension.ALL, version=OuterRef("pk")
    )
    return (
        SurveyVersion.objects.filter(Exists(answered))
        .select_related("survey")
        .order_by("survey__name", "-number")
    )


def rollups_missing() -> bool:
    """Whether there are requests but no per-day rollups yet (a database from before them)."""
    return (
        Ticket.objects.filter(kind=Ticket.Kind.REQUEST).exists() and not TicketDay.objects.exists()
    )
