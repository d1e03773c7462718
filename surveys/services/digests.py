"""The weekly digest of anonymous answers: how a department's leads hear of low scores
from anonymous surveys without any single answer being pointed at."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from outbox import registry
from outbox.services import emails_queue
from requests_app.models import Department, Membership
from requests_app.phrases import Phrase, content_ref, plural_phrase, render
from requests_app.zones import site_midnight, site_today

from ..models import AnonymousDigest, Notification, Response, low_score_q

LOW = low_score_q()


def last_full_week(today: date) -> date:
    """The Monday that starts the last whole week before ``today`` (local dates)."""
    return today - timedelta(days=today.weekday() + 7)


def digest_phrase(department: Department, responses: int, low_scores: int) -> Phrase:
    """The digest's one line, written in the reader's language when read or sent."""
    return plural_phrase(
        "Last week %(department)s got %(responses)s anonymous answers; %(low)s of them was "
        "a low score.",
        "Last week %(department)s got %(responses)s anonymous answers; %(low)s of them were "
        "low scores.",
        "low",
        department=content_ref(department, "name"),
        responses=responses,
        low=low_scores,
    )


def anonymous_digests_send(*, today: date | None = None) -> int:
    """Tell each department's leads about last week's anonymous answers; returns how many
    digests were made.

    Only weeks with at least ``ICSAT_MIN_RESPONSES`` anonymous answers get a digest (a
    smaller week would point at the few who answered), and only those with a low score
    (nothing to act on otherwise). Safe to run twice: a department's week is told once.
    """
    today = today or site_today()
    week_start = last_full_week(today)
    start = site_midnight(week_start)
    end = start + timedelta(days=7)
    weeks = (
        Response.objects.filter(anonymous=True, submitted_at__gte=start, submitted_at__lt=end)
        .order_by()
        .values("department")
        .annotate(responses=Count("pk"), low=Count("pk", filter=LOW))
    )
    made = 0
    for week in weeks:
        if week["responses"] < settings.ICSAT_MIN_RESPONSES or not week["low"]:
            continue
        if _digest_create(week["department"], week_start, week["responses"], week["low"]):
            made += 1
    return made


@transaction.atomic
def _digest_create(department_id: int, week_start: date, responses: int, low: int) -> bool:
    try:
        with transaction.atomic():
            AnonymousDigest.objects.create(
                department_id=department_id,
                week_start=week_start,
                responses=responses,
                low_scores=low,
            )
    except IntegrityError:
        return False  # told already
    department = Department.objects.get(pk=department_id)
    leads = list(
        Membership.objects.filter(department=department, role=Membership.Role.LEAD).select_related(
            "user"
        )
    )
    said = digest_phrase(department, responses, low)
    Notification.objects.bulk_create(
        Notification(user_id=m.user_id, ticket=None, phrase=said) for m in leads
    )
    emails_queue(
        recipients=[m.user for m in leads],
        template="survey_anonymous_digest",
        context={"department_id": department.pk, "responses": responses, "low": low},
    )
    return True


def _digest_context(stored: dict, recipient) -> dict | None:
    """What the weekly digest e-mail shows, in the reader's language when it is sent."""
    department = Department.objects.filter(pk=stored["department_id"]).first()
    if department is None:
        return None
    url = settings.ICSAT_BASE_URL + reverse(
        "insights:department_dashboard", kwargs={"department_slug": department.slug}
    )
    return {
        "department": department,
        "summary": render(digest_phrase(department, stored["responses"], stored["low"])),
        "url": url,
    }


def register_emails() -> None:
    registry.register_template("survey_anonymous_digest", _digest_context)
