"""The newest comments of a department's answers, read by hand.

Every view of the department dashboard lists them. As one ORM queryset joining five tables
it took ~3 ms a view at 1M tickets, most of it building the statement and planning the
join, against ~0.3 ms for walking the index. So the answers are read from their own table,
a named answer's ticket and requester by a subquery each (evaluated for the rows returned
only), and the requesters' names by id; their request types' names the dashboard has read
already (``labels.breakdown_labels``).
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection

from icsat.sql import as_moment, quoted_names
from requests_app.models import Ticket
from surveys.models import Invitation, Response


@dataclass(frozen=True)
class CommentAnswer:
    """An answer with a comment; ``ticket_reference`` and ``requester`` (first, last and
    user name) only for a named answer."""

    response_id: int
    text: str
    submitted_at: datetime
    headline_kind: str
    score: int | None
    anonymous: bool
    request_type_id: int | None
    ticket_reference: str | None = None
    requester: tuple[str, str, str] | None = None


def latest_comment_answers(
    *,
    department_id: int,
    start: datetime,
    end: datetime,
    anonymous_from: datetime,
    anonymous_to: datetime,
    request_type_id: int | None,
    version_id: int | None,
    limit: int,
) -> list[CommentAnswer]:
    """The department's ``limit`` newest answers with a comment submitted in ``[start,
    end)``, newest first; anonymous ones only from ``[anonymous_from, anonymous_to)``. Of
    one request type and survey version where given. Two queries (one when none is named).
    """
    adapt = connection.ops.adapt_datetimefield_value
    params: list = [department_id, adapt(start), adapt(end), False]
    params += [adapt(anonymous_from), adapt(anonymous_to)]
    narrowed = [value for value in (request_type_id, version_id) if value is not None]
    answers_sql, people_sql = _sql(request_type_id is not None, version_id is not None)
    with connection.cursor() as cursor:
        cursor.execute(answers_sql, [*params, *narrowed, limit])
        rows = cursor.fetchall()
        requesters = sorted({row[-1] for row in rows if row[-1] is not None})
        people = {}
        if requesters:
            cursor.execute(people_sql.format(ids=", ".join(["%s"] * len(requesters))), requesters)
            people = {pk: tuple(names) for pk, *names in cursor}
    return [
        CommentAnswer(
            response_id=pk,
            text=text,
            submitted_at=as_moment(submitted_at),
            headline_kind=kind,
            score=score,
            anonymous=bool(anonymous),
            request_type_id=request_type,
            ticket_reference=None if anonymous else reference,
            requester=None if anonymous else people.get(requester),
        )
        for (
            pk,
            text,
            submitted_at,
            kind,
            score,
            anonymous,
            request_type,
            reference,
            requester,
        ) in rows
    ]


# Names in braces from the models' metadata; every value a parameter. A named answer's
# ticket and requester by a subquery each: a join of the four tables took longer to plan.
_ANSWERS_SQL = (
    "SELECT r.{id}, r.{comment}, r.{submitted_at}, r.{headline_kind}, r.{headline_score},"
    " r.{anonymous}, r.{request_type},"
    " (SELECT t.{reference} FROM {invitations} i JOIN {tickets} t ON t.{ticket_id} = i.{ticket}"
    " WHERE i.{invitation_id} = r.{invitation} AND NOT r.{anonymous}),"
    " (SELECT i.{recipient} FROM {invitations} i"
    " WHERE i.{invitation_id} = r.{invitation} AND NOT r.{anonymous})"
    " FROM {table} r"
    " WHERE r.{department} = %s AND r.{submitted_at} >= %s AND r.{submitted_at} < %s"
    " AND r.{comment} <> ''"
    " AND (r.{anonymous} = %s OR (r.{submitted_at} >= %s AND r.{submitted_at} < %s))"
    "{of_type}{of_version} ORDER BY r.{submitted_at} DESC, r.{id} DESC LIMIT %s"
)
_PEOPLE_SQL = (
    "SELECT {id}, {first_name}, {last_name}, {username} FROM {table} WHERE {id} IN ({{ids}})"
)


@functools.cache
def _sql(of_type: bool, of_version: bool) -> tuple[str, str]:
    response, invitation, ticket = (quoted_names(model) for model in (Response, Invitation, Ticket))
    answers = _ANSWERS_SQL.format(
        **response,
        invitations=invitation["table"],
        invitation_id=invitation["id"],
        ticket=invitation["ticket"],
        recipient=invitation["recipient"],
        tickets=ticket["table"],
        ticket_id=ticket["id"],
        reference=ticket["reference"],
        of_type=f" AND r.{response['request_type']} = %s" if of_type else "",
        of_version=f" AND r.{response['version']} = %s" if of_version else "",
    )
    return answers, _PEOPLE_SQL.format(**quoted_names(get_user_model()))
