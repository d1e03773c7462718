"""Reads of "you said, we did" actions, scoped to what the reader may see.

The rules live in loop.permissions; the querysets here say the same thing in SQL so that
a page runs a fixed number of queries however many actions and departments there are.
"""

import functools
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from icsat.sql import quoted_names
from requests_app.models import Department, Ticket
from requests_app.permissions import is_associate, is_hr_admin, is_lead_of, roles_by_department

from .. import permissions
from ..models import Action

# What a survey recipient is shown (thank-you page, next invitation): the department's
# actions published in the last quarter, the newest few. Older ones are on its page.
RECENT_DAYS = 92
RECENT_LIMIT = 3

Status = Action.Status


def _with_relations(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related("department", "theme")


def department_published_actions(department: Department) -> QuerySet[Action]:
    """A department's published actions, the latest change first."""
    return _with_relations(
        Action.objects.filter(department=department, status=Status.PUBLISHED)
    ).order_by("-effective_on", "-published_at", "-pk")


def department_latest_action(department: Department, today: date) -> Action | None:
    """The department's newest published action in effect by ``today``, or None."""
    # Its id by hand first: every dashboard view asks, most departments have no action,
    # and building the ORM's query took ~1 ms where running it takes 0.07 ms.
    with connection.cursor() as cursor:
        cursor.execute(_latest_action_sql(), [department.pk, Status.PUBLISHED, today])
        row = cursor.fetchone()
    if row is None:
        return None
    return _with_relations(Action.objects.filter(pk=row[0])).first()


@functools.cache
def _latest_action_sql() -> str:
    # The order of department_published_actions.
    names = quoted_names(Action)
    return (  # noqa: S608 -- names from the model's metadata, values as parameters
        "SELECT {id} FROM {table} WHERE {department} = %s AND {status} = %s"
        " AND {effective_on} <= %s ORDER BY {effective_on} DESC, {published_at} DESC, {id} DESC"
        " LIMIT 1"
    ).format(**names)


def department_actions_for_editor(department: Department) -> QuerySet[Action]:
    """Every action of a department, drafts first, for its leads' editor."""
    return _with_relations(Action.objects.filter(department=department)).order_by(
        "-effective_on", "-pk"
    )


def _filed_to(user) -> Exists:
    return Exists(Ticket.objects.filter(requester=user, department_id=OuterRef("department_id")))


def published_actions_visible_to(user) -> QuerySet[Action]:
    """Published actions the user may read: every department's for an employee, only the
    departments they have filed to for an associate, none signed out."""
    if not user.is_authenticated:
        return Action.objects.none()
    qs = Action.objects.filter(status=Status.PUBLISHED)
    if is_associate(user):
        qs = qs.filter(_filed_to(user))
    return _with_relations(qs)


def actions_visible_to(user) -> QuerySet[Action]:
    """Every action the user may open: published ones as above, and drafts and withdrawn
    ones of the departments they manage (every department for an HR admin)."""
    if not user.is_authenticated:
        return Action.objects.none()
    if is_hr_admin(user):
        return _with_relations(Action.objects.all())
    led = [pk for pk in roles_by_department(user) if is_lead_of(user, pk)]
    published = Q(status=Status.PUBLISHED)
    if is_associate(user):
        published &= Q(_filed_to(user))
    return _with_relations(Action.objects.filter(published | Q(department_id__in=led)))


def action_get(user, department: Department, pk: int) -> Action:
    """One action of ``department`` the user may open, else 404 (whether it exists is not told)."""
    action = actions_visible_to(user).filter(department=department, pk=pk).first()
    if action is None or not permissions.can_see_action(user, action):
        raise Http404
    return action


def recent_actions(department: Department, *, now: datetime | None = None) -> list[Action]:
    """What a survey recipient of ``department`` is shown: its actions published in the last
    RECENT_DAYS, newest first, at most RECENT_LIMIT. Department-level only, so the same for
    anonymous surveys: it names nobody."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    return list(
        _with_relations(
            Action.objects.filter(
                department=department, status=Status.PUBLISHED, published_at__gte=since
            )
        ).order_by("-published_at", "-pk")[:RECENT_LIMIT]
    )


def latest_actions_visible_to(user, *, limit: int = 3) -> list[Action]:
    """The newest published actions the user may read, for the start page."""
    return list(published_actions_visible_to(user).order_by("-published_at", "-pk")[:limit])


def department_ids_with_actions(user) -> set[int]:
    """Departments with a published action the user may read (to link their pages)."""
    return set(
        published_actions_visible_to(user)
        .order_by()
        .values_list("department_id", flat=True)
        .distinct()
    )
