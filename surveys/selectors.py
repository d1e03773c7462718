"""Reads of the survey app, each scoped and with a fixed number of queries."""

import functools
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from requests_app.content import missing_languages
from requests_app.models import Ticket

from .models import Invitation, Notification, Question, Survey, SurveyVersion
from .tokens import hash_token, looks_like_token


class SurveyChoice(NamedTuple):
    version: SurveyVersion | None
    why_not: str  # "" when there is a survey
    # The ticket has an invitation still open (sent, or not yet): its resolve asks no other.
    already_open: bool = False


def survey_for_ticket(ticket: Ticket) -> SurveyChoice:
    """The current version of the most specific active survey for a resolved ticket (its
    survey with it), or None and why not; one small query.

    A survey for the ticket's request type beats one for its department (and no request
    types), which beats the default survey; among equals the latest edited wins.
    """
    if ticket.kind == Ticket.Kind.HANDOFF:
        return SurveyChoice(None, "handoff")
    if ticket.request_type is not None and ticket.request_type.survey_opt_out:
        return SurveyChoice(None, "opted_out")
    with connection.cursor() as cursor:
        cursor.execute(
            _ranked_survey_sql(),
            {
                "type": ticket.request_type_id,
                "department": ticket.department_id,
                "ticket": ticket.pk,
                "yes": True,
                **{f"open{i}": status for i, status in enumerate(Invitation.OPEN_STATUSES)},
            },
        )
        row = cursor.fetchone()
    if row is None:
        return SurveyChoice(None, "no_survey")
    already_open, version_id, *survey_values = row
    # What a resolve reads of them came with the choice; the rest loads when asked for.
    version = SurveyVersion.from_db(connection.alias, ["id", "survey_id"], [version_id, row[2]])
    version.survey = Survey.from_db(
        connection.alias, [field.attname for field in _chosen_survey_fields()], survey_values
    )
    return SurveyChoice(version, "", already_open=bool(already_open))


# What a resolve reads of the chosen survey (integers and text: no conversion on any
# database), in the order of the model's fields, as ``Model.from_db`` takes them.
CHOSEN_SURVEY_FIELDS = (
    "id",
    "name",
    "delay_minutes",
    "expires_days",
    "min_days_between",
    "sample_percent",
)


def _chosen_survey_fields() -> list:
    return [
        field for field in Survey._meta.concrete_fields if field.attname in CHOSEN_SURVEY_FIELDS
    ]


@functools.cache
def _ranked_survey_sql() -> str:
    """The choice in SQL by hand: every resolve asks it, and the ORM took ~3 ms to build the
    same query (ranks of ``Case``/``Exists``) that PostgreSQL answers in ~0.4 ms. The
    unranked are filtered out before ordering (SQLite sorts NULL first, PostgreSQL last)."""
    quote = connection.ops.quote_name
    types = Survey.request_types.through._meta
    departments = Survey.departments.through._meta
    open_statuses = ", ".join(f"%(open{i})s" for i in range(len(Invitation.OPEN_STATUSES)))
    names = {
        "invitations": quote(Invitation._meta.db_table),
        "invitation_ticket": quote(Invitation._meta.get_field("ticket").column),
        "invitation_status": quote(Invitation._meta.get_field("status").attname),
        "open_statuses": open_statuses,
        "versions": quote(SurveyVersion._meta.db_table),
        "surveys": quote(Survey._meta.db_table),
        "types": quote(types.db_table),
        "type_survey": quote(types.get_field("survey").column),
        "type_type": quote(types.get_field("requesttype").column),
        "departments": quote(departments.db_table),
        "department_survey": quote(departments.get_field("survey").column),
        "department_department": quote(departments.get_field("department").column),
    }
    names["survey_columns"] = ", ".join(
        f"s.{quote(field.column)}" for field in _chosen_survey_fields()
    )
    # Names from the models' metadata, values as parameters. Whether the ticket has an open
    # invitation and what a resolve reads of the survey ride along (two round trips less on
    # every resolve).
    return """
        SELECT
            EXISTS (SELECT 1 FROM {invitations} i
                    WHERE i.{invitation_ticket} = %(ticket)s
                      AND i.{invitation_status} IN ({open_statuses})),
            ranked.version_id, {survey_columns}
        FROM (
            SELECT v.id AS version_id, s.id AS survey_id, s.updated_at AS updated_at,
                CASE
                    WHEN EXISTS (SELECT 1 FROM {types} t
                                 WHERE t.{type_survey} = s.id AND t.{type_type} = %(type)s)
                        THEN 0
                    WHEN EXISTS (SELECT 1 FROM {departments} d
                                 WHERE d.{department_survey} = s.id
                                   AND d.{department_department} = %(department)s)
                     AND NOT EXISTS (SELECT 1 FROM {types} t WHERE t.{type_survey} = s.id)
                        THEN 1
                    WHEN s.is_default = %(yes)s THEN 2
                END AS survey_rank
            FROM {versions} v JOIN {surveys} s ON s.id = v.survey_id
            WHERE v.is_current = %(yes)s AND s.is_active = %(yes)s
        ) ranked
        JOIN {surveys} s ON s.id = ranked.survey_id
        WHERE survey_rank IS NOT NULL
        ORDER BY survey_rank, ranked.updated_at DESC, ranked.survey_id DESC
        LIMIT 1
    """.format(**names)  # noqa: S608


def current_version(survey: Survey) -> SurveyVersion:
    return survey.versions.get(is_current=True)


def version_questions(version: SurveyVersion) -> list[Question]:
    return list(version.questions.order_by("position", "pk"))


def version_untranslated_languages(version: SurveyVersion, questions: list[Question]) -> set[str]:
    """The languages in which some of the version's intro, questions or options is English."""
    missing = set(missing_languages(version, ("intro",)))
    for question in questions:
        missing.update(missing_languages(question, ("text", "choices")))
    return missing


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link's token belongs to; 404 for anything malformed or unknown."""
    if not looks_like_token(token):
        raise Http404
    digest = hash_token(token)
    invitation = (
        Invitation.objects.select_related(
            "ticket__department", "ticket__request_type", "version__survey", "recipient"
        )
        .filter(Q(token_hash=digest) | Q(reminder_token_hash=digest))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def invitation_for_recipient(user, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related(
            "ticket__department", "ticket__request_type", "version__survey", "recipient"
        )
        .filter(pk=invitation_id, recipient=user)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def invitation_is_answerable(invitation: Invitation, *, now=None) -> bool:
    now = now or timezone.now()
    return invitation.status in (Invitation.Status.SENDING, *Invitation.ANSWERABLE_STATUSES) and (
        invitation.expires_at is None or invitation.expires_at > now
    )


def invitations_waiting_for(user) -> QuerySet[Invitation]:
    """Surveys the person can still answer in the app, newest first."""
    now = timezone.now()
    return (
        Invitation.objects.filter(
            recipient=user, status__in=Invitation.ANSWERABLE_STATUSES, expires_at__gt=now
        )
        .select_related("ticket", "ticket__department")
        .order_by("-sent_at")
    )


def inbox_counts(user) -> tuple[int, int]:
    """(surveys the person can still answer, unread notifications) for the navigation of
    every page: one hand-written query (the same filters as invitations_waiting_for and
    unread_notifications), where two ORM counts cost twice the round trips and compiling."""
    with connection.cursor() as cursor:
        cursor.execute(
            _inbox_counts_sql(), [user.pk, *Invitation.ANSWERABLE_STATUSES, timezone.now(), user.pk]
        )
        waiting, unread = cursor.fetchone()
    return waiting, unread


@functools.cache
def _inbox_counts_sql() -> str:
    quote = connection.ops.quote_name
    names = {
        "invitations": quote(Invitation._meta.db_table),
        "recipient": quote(Invitation._meta.get_field("recipient").column),
        "notifications": quote(Notification._meta.db_table),
        "user": quote(Notification._meta.get_field("user").column),
    }
    # Names from the models' metadata, values as parameters.
    return """
        SELECT
            (SELECT COUNT(*) FROM {invitations}
             WHERE {recipient} = %s AND status IN (%s, %s) AND expires_at > %s),
            (SELECT COUNT(*) FROM {notifications} WHERE {user} = %s AND read_at IS NULL)
    """.format(**names)  # noqa: S608


def unread_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("ticket")


def surveys_overview() -> QuerySet[Survey]:
    """Every survey with its current version number and counts; one query."""
    return (
        Survey.objects.prefetch_related("departments", "request_types__department")
        .annotate(
            version_count=Count("versions", distinct=True),
            invitation_count=Count("invitations", distinct=True),
            answered_count=Count(
                "invitations",
                filter=Q(invitations__status=Invitation.Status.ANSWERED),
                distinct=True,
            ),
        )
        .order_by("-is_active", "name")
    )


def survey_versions(survey: Survey) -> list[SurveyVersion]:
    """Every version of a survey, newest first, with how many answers each holds."""
    return list(survey.versions.annotate(answered=Count("responses")).order_by("-number"))


def survey_get(survey_id: int) -> Survey:
    survey = (
        Survey.objects.filter(pk=survey_id).prefetch_related("departments", "request_types").first()
    )
    if survey is None:
        raise Http404
    return survey


def invitations_needing_attention(*, limit: int = 100) -> QuerySet[Invitation]:
    """Failed sends and sends still being retried, for HR admins to watch."""
    return (
        Invitation.objects.filter(
            Q(status=Invitation.Status.FAILED)
            | Q(attempts__gt=0, status__in=[Invitation.Status.PENDING, Invitation.Status.SENDING])
        )
        .select_related("ticket", "survey", "recipient")
        .order_by("-created_at")[:limit]
    )


def invitation_status_counts() -> dict[str, int]:
    rows = Invitation.objects.values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Invitation.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def recent_notifications(user, *, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user)
        .select_related("ticket")
        .order_by("-created_at")[:limit]
    )
