"""The weekly digest e-mail (``insights.services.weekly_digest`` decides what to tell):
each clear change written as the dashboard writes it — the same label, the two figures
with their intervals and the change with its interval — so the e-mail and the page read
alike."""

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from outbox import registry
from requests_app.models import Department

from ..scorecards.results import UNKNOWN_GROUP
from ..services.weekly_digest import DepartmentDigest, department_digest, digest_week
from .dashboards import present_named_tile


def _group(dimension: str, label: str) -> str:
    """A breakdown row's name with its breakdown's, as the dashboard's headings give it."""
    if dimension == "request_type":
        return _("request type %(name)s") % {"name": label}
    if dimension == "customer_department":
        if label == UNKNOWN_GROUP:
            return _("customers without a department")
        return _("customers from %(name)s") % {"name": label}
    return label


def _lines(digest: DepartmentDigest) -> list[dict]:
    lines = []
    for change in digest.changes:
        shown = present_named_tile(change.key, change.tile)
        lines.append(
            {
                "label": shown["label"],
                "group": _group(change.dimension, change.group) if change.group else "",
                "previous": shown["previous"],
                "current": shown["value"],
                "change": shown["change"],
                "up": change.direction == "up",
            }
        )
    return lines


def digest_email_context(stored: dict, recipient) -> dict | None:
    """The digest e-mail's contents, worked out again when it is sent (in the recipient's
    language and zone); cancelled if nothing is left to tell."""
    today = date.fromisoformat(stored["today"])
    _monday, start, end = digest_week(today)
    departments = Department.objects.filter(pk__in=stored["department_ids"]).order_by("name")
    digests = [d for d in (department_digest(dep, today) for dep in departments) if d]
    if not digests:
        return None
    base = settings.ICSAT_BASE_URL
    return {
        "recipient": recipient,
        "digests": [
            {
                "digest": digest,
                "lines": _lines(digest),
                "url": base
                + reverse(
                    "insights:department_dashboard",
                    kwargs={"department_slug": digest.department.slug},
                ),
            }
            for digest in digests
        ],
        "first_day": start.date(),
        "last_day": (end - timedelta(days=1)).date(),
        "profile_url": base + reverse("requests_app:profile"),
    }


def register_emails() -> None:
    registry.register_template("insights_weekly_digest", digest_email_context)
