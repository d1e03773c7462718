"""manage.py seed_demo: a believable demo company, built once and never twice.

Seeding takes several seconds, so one test seeds and checks everything about
the result, then runs the command again to check it changes nothing. One more
seeds on a fixed date whose history alone leaves no request waiting.
"""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from celery import Celery
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from audit.models import AuditEntry
from demo import data as demo_data
from loop.models import Theme
from outbox.models import Email
from requests_app.models import (
    Attachment,
    Department,
    Employee,
    Membership,
    RequestType,
    Ticket,
    TicketEvent,
)
from requests_app.services import tickets as ticket_services
from surveys.models import (
    Answer,
    Invitation,
    Notification,
    Question,
    Response,
    Survey,
    SurveyVersion,
)
from surveys.services import invitations as invitations_services
from surveys.services.responses import is_low_score, response_submit
from tests import factories
from tests.conftest import sqlite_pass_only

pytestmark = pytest.mark.django_db
User = get_user_model()
Status = Ticket.Status
REFERENCE = re.compile(r"^(?P<prefix>[A-Z]{2,3})-\d{6}$")


def seed(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row_counts() -> dict[str, int]:
    models = (
        User,
        Group,
        Department,
        RequestType,
        Membership,
        Employee,
        Ticket,
        TicketEvent,
        Attachment,
        Survey,
        SurveyVersion,
        Question,
        Invitation,
        Response,
        Answer,
        Notification,
    )
    return {model.__name__: model.objects.count() for model in models}


def check_departments_and_types():
    departments = {d.prefix: d for d in Department.objects.all()}
    assert set(departments) == {"HR", "IT", "FIN", "FAC", "LEG", "COM"}
    assert {p: d.reopen_days for p, d in departments.items()} == {
        "HR": 7,
        "IT": 7,
        "FIN": 7,
        "FAC": 7,
        "LEG": 14,
        "COM": 7,
    }
    for department in departments.values():
        assert department.description
        types = list(department.request_types.filter(is_active=True))
        assert 3 <= len(types) <= 5, department
        for request_type in types:
            assert request_type.description
            assert 4 <= request_type.sla_hours <= 240
            assert request_type.fields
            names = [spec["name"] for spec in request_type.fields]
            assert len(names) == len(set(names))
            for spec in request_type.fields:
                assert spec["kind"] in RequestType.FieldKind.values
                assert spec["label"]
                if spec["kind"] == RequestType.FieldKind.CHOICE:
                    assert len(spec["choices"]) >= 2


def check_people():
    users = User.objects.select_related("employee")
    assert users.count() >= 40
    for user in users:
        assert user.first_name and user.last_name, user.username
        assert user.email == f"{user.username}@icsat.example"
        assert user.employee is not None
    for _role, username in demo_data.DEMO_LOGINS:
        assert users.filter(username=username).exists(), username
    assert User.objects.get(username="employee").check_password(demo_data.DEMO_PASSWORD)
    assert User.objects.values("password").distinct().count() == 1

    hr_admins = Group.objects.get(name=settings.ICSAT_HR_ADMIN_GROUP)
    assert hr_admins.user_set.filter(username="hradmin").exists()
    assert User.objects.filter(is_superuser=True, username="admin").exists()
    associates = Employee.objects.filter(is_associate=True)
    assert sorted(associates.values_list("user__username", flat=True)) == [
        "associate",
        "associate2",
    ]
    for department in Department.objects.all():
        roles = set(department.memberships.values_list("role", flat=True))
        assert roles == {Membership.Role.LEAD, Membership.Role.AGENT}, department
    assert Membership.objects.get(user__username="lead").role == Membership.Role.LEAD
    assert Membership.objects.get(user__username="agent").department.prefix == "IT"
    assert not Membership.objects.filter(user__username="employee").exists()
    assert Employee.objects.get(user__username="employee").home_department.prefix == "COM"
    assert set(Employee.objects.values_list("language", flat=True)) == {"en", "nb", "es"}


def check_tickets():
    now = timezone.now()
    tickets = Ticket.objects.all()
    assert tickets.count() >= 600
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    span = tickets.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > timedelta(days=150)
    assert span["last"] <= now
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    # Every request type gets some work, IT the most.
    assert not RequestType.objects.annotate(n=Count("tickets")).filter(n=0).exists()
    per_department = dict(
        tickets.filter(kind=Ticket.Kind.REQUEST)
        .values_list("department__prefix")
        .annotate(n=Count("pk"))
    )
    assert max(per_department, key=per_department.get) == "IT"

    # References: well formed, their department's prefix, counting up with time.
    references = {}
    for reference, kind, prefix in tickets.order_by("created_at").values_list(
        "reference", "kind", "department__prefix"
    ):
        match = REFERENCE.match(reference)
        assert match, reference
        assert match["prefix"] == ("FH" if kind == Ticket.Kind.HANDOFF else prefix)
        references.setdefault(match["prefix"], []).append(reference)
    for in_order in references.values():
        assert in_order == sorted(in_order)

    # Requests come from other departments (associates have none).
    requests = tickets.filter(kind=Ticket.Kind.REQUEST)
    assert not requests.filter(customer_department=F("department")).exists()
    assert requests.filter(customer_department__isnull=True).exists()
    assert not requests.filter(
        customer_department__isnull=True, requester__employee__is_associate=False
    ).exists()

    # Forms answered as the form would: required fields present, choices valid.
    for ticket in requests.select_related("request_type"):
        for spec in ticket.request_type.fields:
            value = ticket.data.get(spec["name"])
            if spec["required"]:
                assert value not in (None, ""), (ticket.reference, spec["name"])
            if value is None:
                continue
            if spec["kind"] == RequestType.FieldKind.CHOICE:
                assert value in spec["choices"], (ticket.reference, value)
            elif spec["kind"] == RequestType.FieldKind.FILE:
                assert ticket.attachments.filter(pk=value["attachment_id"]).exists()
            elif spec["kind"] == RequestType.FieldKind.YES_NO:
                assert isinstance(value, bool)

    # Timestamps that agree with the status.
    assert not tickets.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not tickets.filter(status=Status.RESOLVED, resolved_at__isnull=True).exists()
    assert not tickets.filter(first_response_at__lt=F("created_at")).exists()
    assert not tickets.filter(resolved_at__lt=F("created_at")).exists()
    assert not requests.filter(due_at__isnull=True).exists()
    overdue = tickets.filter(status__in=Ticket.ACTIVE_STATUSES, due_at__lt=now)
    assert overdue.exists()

    # The story is rich: handoffs, notes, reopenings, cancellations, files.
    assert 15 <= tickets.filter(kind=Ticket.Kind.HANDOFF).count() <= 30
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.NOTE, is_internal=True).exists()
    assert tickets.filter(reopen_count__gt=0).exists()
    assert TicketEvent.objects.filter(
        kind=TicketEvent.Kind.REPLY, actor=F("ticket__requester")
    ).exists()
    assert Attachment.objects.filter(
        Q(event__kind=TicketEvent.Kind.REPLY) | Q(event__kind=TicketEvent.Kind.CREATED)
    ).exists()
    assert {"application/pdf", "image/png", "text/csv"} <= set(
        Attachment.objects.values_list("content_type", flat=True)
    )


def check_surveys():
    """Six months of what the survey pipeline would have done, and nothing left to send."""
    now = timezone.now()
    InvitationStatus = Invitation.Status
    surveys = {s.name: s for s in Survey.objects.prefetch_related("departments")}
    assert len(surveys) == 3
    assert [s.name for s in surveys.values() if s.is_default] == ["After your request"]
    assert [s.name for s in surveys.values() if s.anonymous] == ["HR (anonymous)"]
    assert [d.prefix for d in surveys["IT service desk"].departments.all()] == ["IT"]
    assert [d.prefix for d in surveys["HR (anonymous)"].departments.all()] == ["HR"]
    for survey in surveys.values():
        assert survey.is_active
        assert (survey.delay_minutes, survey.reminder_hours, survey.expires_days) == (1, 48, 14)
        assert (survey.min_days_between, survey.sample_percent) == (0, 100)
        assert survey.versions.filter(is_current=True).count() == 1
    for version in SurveyVersion.objects.all():
        headlines = version.questions.filter(is_headline=True)
        assert headlines.count() == 1, version
        assert headlines.get().kind in Question.HEADLINE_KINDS
        assert version.questions.filter(kind=Question.Kind.TEXT).count() == 1
    # IT: recommend 0–10 as the headline, and a second version after answers came in.
    it = surveys["IT service desk"]
    v1, v2 = it.versions.order_by("number")
    assert (v1.number, v1.is_current, v2.number, v2.is_current) == (1, False, 2, True)
    assert v2.questions.get(is_headline=True).kind == Question.Kind.NPS
    assert v1.responses.exists() and v2.responses.exists()
    assert v1.responses.aggregate(first=Min("submitted_at"))["first"] < v2.created_at
    assert not v2.invitations.filter(created_at__lt=v2.created_at).exists()
    assert not v1.invitations.filter(created_at__gte=v2.created_at).exists()

    # Who got asked: never for an opted-out type or a handoff; no misleading reasons.
    resolved = Ticket.objects.filter(
        kind=Ticket.Kind.REQUEST, status__in=[Status.RESOLVED, Status.CLOSED]
    )
    surveyed = resolved.filter(request_type__survey_opt_out=False)
    assert not surveyed.filter(invitations__isnull=True).exists()
    assert resolved.filter(request_type__survey_opt_out=True).exists()
    opted_out = RequestType.objects.filter(survey_opt_out=True)
    assert [t.name for t in opted_out] == ["Password or account problem"]
    assert not Invitation.objects.filter(ticket__request_type__survey_opt_out=True).exists()
    assert not Invitation.objects.filter(ticket__kind=Ticket.Kind.HANDOFF).exists()
    survey_events = TicketEvent.objects.filter(kind=TicketEvent.Kind.SURVEY)
    assert not survey_events.filter(data__reason="no_survey").exists()
    assert survey_events.filter(data__reason="opted_out").exists()
    assert survey_events.filter(data__reason="handoff").exists()
    assert survey_events.filter(data__has_key="invitation").count() == Invitation.objects.count()

    # Nothing for a worker to send: no pending or claimed invitation; open ones already
    # reminded when their reminder was due.
    counts = Counter(Invitation.objects.values_list("status", flat=True))
    assert counts[InvitationStatus.PENDING] == counts[InvitationStatus.SENDING] == 0
    assert (
        counts[InvitationStatus.ANSWERED]
        and counts[InvitationStatus.EXPIRED]
        and counts[InvitationStatus.CANCELLED]
    )
    assert not Invitation.objects.filter(
        status=InvitationStatus.SENT, sent_at__lte=now - timedelta(hours=48)
    ).exists()
    assert not Invitation.objects.filter(
        status__in=Invitation.ANSWERABLE_STATUSES, expires_at__lte=now
    ).exists()
    failed = Invitation.objects.filter(status=InvitationStatus.FAILED)
    assert failed.exists()
    assert not failed.filter(Q(last_error="") | Q(sent_at__isnull=False)).exists()
    assert set(failed.values_list("attempts", flat=True)) == {settings.ICSAT_SURVEY_MAX_ATTEMPTS}
    assert not Invitation.objects.filter(
        status=InvitationStatus.CANCELLED, ticket__reopen_count=0
    ).exists()
    waiting = Invitation.objects.filter(
        recipient__username="employee",
        status__in=Invitation.ANSWERABLE_STATUSES,
        expires_at__gt=now,
    )
    assert 1 <= waiting.count() <= 2

    # Every invitation belongs to one resolution: the resolver is its agent, times in order.
    hashes = set()
    for invitation in Invitation.objects.select_related("ticket", "survey", "version"):
        ticket = invitation.ticket
        resolve = ticket.events.get(
            kind=TicketEvent.Kind.RESOLVED, created_at=invitation.created_at
        )
        assert invitation.agent_id == resolve.actor_id, ticket.reference
        assert invitation.recipient_id == ticket.requester_id
        assert invitation.department_id == ticket.department_id
        assert invitation.version.survey_id == invitation.survey_id
        assert len(invitation.token_hash) == 64
        hashes.add(invitation.token_hash)
        moments = [
            invitation.created_at,
            invitation.send_after if invitation.status != InvitationStatus.FAILED else None,
            invitation.sent_at,
            invitation.reminded_at,
            invitation.answered_at,
        ]
        moments = [m for m in moments if m is not None]
        assert moments == sorted(moments), ticket.reference
        assert moments[-1] <= now
        assert (invitation.answered_at is not None) == (
            invitation.status == InvitationStatus.ANSWERED
        )
        assert bool(invitation.reminder_token_hash) == (invitation.reminded_at is not None)
    assert len(hashes) == Invitation.objects.count()

    # Responses carry the dimensions response_submit denormalises from their ticket.
    responses = Response.objects.select_related(
        "invitation__ticket", "invitation__survey", "version"
    ).prefetch_related("answers__question")
    assert responses.count() >= 150
    share = responses.count() / resolved.count()
    assert 0.25 <= share <= 0.45, share
    for response in responses:
        invitation, ticket = response.invitation, response.invitation.ticket
        assert invitation.status == InvitationStatus.ANSWERED
        assert response.submitted_at == invitation.answered_at
        assert response.version_id == invitation.version_id
        assert response.department_id == ticket.department_id
        assert response.request_type_id == ticket.request_type_id
        assert response.agent_id == invitation.agent_id == ticket.resolved_by_id
        assert response.customer_department_id == ticket.customer_department_id
        assert response.sla_met == (ticket.resolved_at <= ticket.due_at)
        assert response.resolution_seconds == int(
            (ticket.resolved_at - ticket.created_at).total_seconds()
        )
        assert response.reopened == (ticket.reopen_count > 0)
        assert response.anonymous == invitation.survey.anonymous
        answers = list(response.answers.all())
        assert {a.question.version_id for a in answers} == {response.version_id}
        headline = next(a for a in answers if a.question.is_headline)
        assert response.headline_kind == headline.question.kind
        assert response.headline_score == headline.number
        assert headline.number in headline.question.scale
        text = [a.text for a in answers if a.question.kind == Question.Kind.TEXT]
        assert response.comment == (text[0] if text else "")
        for answer in answers:
            question = answer.question
            if question.kind == Question.Kind.CHOICE:
                assert answer.text in question.choices
            elif question.kind == Question.Kind.YES_NO:
                assert answer.number in (0, 1)
            elif question.kind != Question.Kind.TEXT:
                assert answer.number in question.scale
    # Per department: IT answers on 0–10, Legal has few answers, comments in three languages.
    per_department = dict(
        Response.objects.values_list("department__prefix").annotate(n=Count("pk"))
    )
    assert set(per_department) == {"HR", "IT", "FIN", "FAC", "LEG", "COM"}
    assert per_department["LEG"] == min(per_department.values())
    assert set(
        Response.objects.filter(department__prefix="IT").values_list("headline_kind", flat=True)
    ) == {Question.Kind.NPS}
    nps = list(
        Response.objects.filter(department__prefix="IT").values_list("headline_score", flat=True)
    )
    assert min(nps) <= 6 and max(nps) >= 9
    # Some of Legal's request types have too few answers for a dashboard to show.
    legal = Counter(
        Response.objects.filter(department__prefix="LEG").values_list("request_type", flat=True)
    )
    legal_types = RequestType.objects.filter(department__prefix="LEG")
    assert any(legal[request_type.pk] < 5 for request_type in legal_types)
    assert 0.25 <= Response.objects.exclude(comment="").count() / responses.count() <= 0.55
    theirs = [
        comment
        for language in ("nb", "es")
        for tone in demo_data.SURVEY_COMMENTS[language].values()
        for comment in tone
    ]
    assert Response.objects.filter(comment__in=theirs).exists()
    assert Response.objects.filter(anonymous=True).exists()
    assert set(
        Response.objects.filter(anonymous=True).values_list("department__prefix", flat=True)
    ) == {"HR"}
    # Answered events on the ticket, never for anonymous answers.
    answered_events = survey_events.filter(data__has_key="response")
    assert answered_events.count() == Response.objects.filter(anonymous=False).count()

    # Named low scores told the leads (anonymous ones only the weekly digest); the newest
    # are unread.
    low = [
        r
        for r in Response.objects.filter(anonymous=False)
        if is_low_score(r.headline_kind, r.headline_score)
    ]
    notifications = Notification.objects.select_related("user")
    assert notifications.count() == len(low)
    unread = notifications.filter(read_at__isnull=True)
    assert 1 <= unread.count() <= 12
    for note in notifications:
        assert Membership.objects.filter(user=note.user, role=Membership.Role.LEAD).exists()
        assert "low satisfaction score" in note.message
        assert note.ticket_id is not None
        assert note.created_at <= now
        assert note.read_at is None or note.created_at <= note.read_at <= now
    assert not notifications.filter(user__username="lead").filter(ticket__isnull=True).exists()
    assert not notifications.filter(user__username="hr.lead", ticket__isnull=False).exists()


def _said(row) -> tuple:
    """What a timeline entry or notification says, without its particulars: the message
    and the names of its parameters."""
    stored = row.data["phrase"] if hasattr(row, "data") else row.phrase
    return stored["msgid"], sorted(stored["params"])


def check_the_live_pipeline_writes_what_the_history_shows():
    """After the seed the hooks are back: a resolve invites, and the texts match the history."""
    agent = User.objects.get(username="agent")
    request_type = RequestType.objects.get(department__prefix="IT", slug="access")
    ticket = ticket_services.ticket_create(
        requester=User.objects.get(username="employee"),
        request_type=request_type,
        title="Access to the wiki",
        data={"system": "GitHub", "access_level": "read", "manager_approved": True},
    )
    ticket_services.ticket_claim(ticket_id=ticket.pk, actor=agent)
    ticket_services.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.version.number == 2
    scheduled = TicketEvent.objects.filter(kind=TicketEvent.Kind.SURVEY, data__has_key="invitation")
    live = scheduled.get(ticket=ticket)
    seeded = scheduled.filter(data__survey=invitation.survey_id).exclude(ticket=ticket).first()
    assert _said(seeded) == _said(live)
    assert invitation.survey.name in live.text

    # Sent once due, answered with a low score: the same texts as the seeded answers.
    Invitation.objects.filter(pk=invitation.pk).update(send_after=timezone.now())
    assert invitations_services.invitation_send(invitation_id=invitation.pk)
    questions = {q.kind: q for q in invitation.version.questions.all()}
    response = response_submit(
        invitation_id=invitation.pk,
        raw_answers={
            questions[Question.Kind.NPS].pk: "3",
            questions[Question.Kind.TEXT].pk: "Slow.",
        },
        revision=None,
    )
    answered = TicketEvent.objects.filter(kind=TicketEvent.Kind.SURVEY, data__has_key="response")
    live = answered.get(data__response=response.pk)
    seeded = answered.exclude(data__response=response.pk).first()
    assert _said(seeded) == _said(live)
    assert live.body == "Slow."
    notes = Notification.objects.filter(user__username="lead").order_by("-pk")
    assert _said(notes[0]) == _said(notes[1])


def check_the_loop():
    """Follow-ups in every state, themes with tagged comments (anonymous ones too)."""
    from loop.models import FollowUp, ThemeTag

    states = Counter(FollowUp.objects.values_list("status", flat=True))
    assert states[FollowUp.Status.OPEN] and states[FollowUp.Status.CONTACTED]
    assert states[FollowUp.Status.CLOSED]
    outcomes = set(FollowUp.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == set(FollowUp.Outcome.values)
    assert not FollowUp.objects.filter(response__anonymous=True).exists()
    assert FollowUp.objects.filter(
        status__in=FollowUp.OPEN_STATUSES, due_on__lt=timezone.localdate()
    ).exists()  # some are past due, for the list and the digest
    tagged = ThemeTag.objects.select_related("response")
    assert tagged.filter(response__anonymous=True).exists()
    assert tagged.filter(response__anonymous=False).exists()
    assert set(Theme.objects.values_list("department__prefix", flat=True)) == {"IT", "HR", "FAC"}
    from loop.models import Action

    published = Action.objects.filter(status=Action.Status.PUBLISHED)
    assert set(published.values_list("department__prefix", flat=True)) == {"IT", "FAC"}
    assert Action.objects.filter(status=Action.Status.DRAFT).count() == 1


def check_audit_log():
    """The configuration the demo starts from is in the audit log, dated before its history."""
    entries = AuditEntry.objects.all()
    kinds = Counter(entries.values_list("kind", flat=True))
    assert kinds[AuditEntry.Kind.DEPARTMENT_CREATED] == Department.objects.count()
    assert kinds[AuditEntry.Kind.REQUEST_TYPE_CREATED] == RequestType.objects.count()
    assert kinds[AuditEntry.Kind.MEMBERSHIP_ADDED] == Membership.objects.count()
    assert kinds[AuditEntry.Kind.SURVEY_CREATED] == Survey.objects.count()
    published = entries.get(kind=AuditEntry.Kind.SURVEY_VERSION_PUBLISHED)
    assert published.created_at == SurveyVersion.objects.get(number=2).created_at
    # Themes were named during the history, each logged when it was named.
    named = entries.filter(kind=AuditEntry.Kind.THEME_CREATED)
    published_actions = entries.filter(kind=AuditEntry.Kind.ACTION_PUBLISHED)
    assert published_actions.count() == 2
    assert named.count() == Theme.objects.count() > 0
    for entry in named:
        assert entry.created_at == Theme.objects.get(pk=entry.object_id).created_at
    setup = entries.exclude(pk=published.pk).exclude(pk__in=named).exclude(pk__in=published_actions)
    assert (
        setup.aggregate(last=Max("created_at"))["last"]
        < Ticket.objects.aggregate(first=Min("created_at"))["first"]
    )
    assert set(entries.values_list("actor_name", flat=True)) != {""}


def test_seed_demo_builds_a_believable_company_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    # The demo is built relative to its clock (working hours, weekdays); seeded at some
    # moments HR's few anonymous comments happen to match no theme. A fixed moment keeps
    # this run the same whenever CI runs it.
    with time_machine.travel(datetime(2026, 12, 2, 6, 38, tzinfo=UTC), tick=True):
        sent, published = [], []
        monkeypatch.setattr(
            locmem.EmailBackend, "send_messages", lambda backend, messages: sent.extend(messages)
        )
        monkeypatch.setattr(Celery, "send_task", lambda app, *a, **kw: published.append((a, kw)))

        # Run what would run after the commit, as a real commit would.
        with django_capture_on_commit_callbacks(execute=True):
            output, errors = seed()

        assert errors == ""
        assert "Demo data created" in output
        assert "--print-logins" in output
        assert "survey responses" in output
        assert demo_data.DEMO_PASSWORD not in output
        check_departments_and_types()
        check_people()
        check_tickets()
        check_surveys()
        check_audit_log()
        check_the_loop()
        assert sent == []
        assert mail.outbox == []
        assert published == []

        before = row_counts()
        for args in [(), ("--if-empty",)]:
            output, _errors = seed(*args)
            assert output.strip() == "demo data already present"
            assert row_counts() == before

        with django_capture_on_commit_callbacks(execute=True):
            check_the_live_pipeline_writes_what_the_history_shows()
        # After the commit, the real resolve asked a worker to send its invitation, and each
        # change asked a worker to send the e-mails it recorded in the outbox.
        asked: dict[str, list] = {}
        for args, kw in published:
            asked.setdefault(args[0], []).append(kw["kwargs"])
        assert asked.pop("surveys.tasks.send_invitation") == [
            {"invitation_id": Invitation.objects.latest("pk").pk}
        ]
        queued = [
            pk for kwargs in asked.pop("outbox.tasks.send_emails") for pk in kwargs["email_ids"]
        ]
        assert sorted(queued) == list(
            Email.objects.filter(owner_kind="").order_by("pk").values_list("pk", flat=True)
        )
        assert asked == {}


@sqlite_pass_only
def test_seed_demo_has_a_request_in_every_status_when_seeded_on_a_day_with_none_waiting():
    # On this date no story happens to be waiting on its requester at the moment of
    # seeding; the seed must still show every status. The clock ticks: the seed tells
    # its steps apart by the real time the services stamp.
    with time_machine.travel(datetime(2026, 7, 12, 15, tzinfo=UTC), tick=True):
        output, errors = seed()

        assert errors == ""
        assert "Demo data created" in output
        check_tickets()
    requests = Ticket.objects.filter(kind=Ticket.Kind.REQUEST)
    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    # The story stopped where it was waiting: nothing happened after the question.
    for ticket in requests.filter(status=Status.WAITING):
        last = ticket.events.latest("created_at", "pk")
        assert (last.kind, last.to_status) == (TicketEvent.Kind.STATUS, Status.WAITING)


def test_seed_demo_refuses_a_database_with_other_data():
    factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    before = row_counts()

    with pytest.raises(CommandError, match="only fills an empty database"):
        seed()

    assert row_counts() == before


def test_seed_demo_refuses_a_database_with_surveys():
    Survey.objects.create(name="Our own survey", is_default=True)
    before = row_counts()

    with pytest.raises(CommandError, match="already has surveys"):
        seed()

    assert row_counts() == before


def test_seed_demo_if_empty_skips_a_database_with_other_data_quietly():
    factories.employee(username="admin")
    before = row_counts()

    output, _errors = seed("--if-empty")

    assert "No demo data added: the database already has the users admin" in output
    assert row_counts() == before


@pytest.mark.parametrize("debug", [True, False])
def test_print_logins_shows_the_password_only_with_debug(settings, debug):
    settings.DEBUG = debug
    out = StringIO()

    call_command("seed_demo", "--print-logins", stdout=out)

    for _role, username in demo_data.DEMO_LOGINS:
        assert username in out.getvalue()
    assert (demo_data.DEMO_PASSWORD in out.getvalue()) is debug
    assert not Ticket.objects.exists()


@sqlite_pass_only
def test_seed_demo_writes_history_in_the_site_language_whatever_is_active():
    from django.utils import translation

    from surveys.models import Notification

    with translation.override("es"):
        call_command("seed_demo", stdout=StringIO())
    notes = list(Notification.objects.all())
    assert notes
    # Kept as words to translate, written in each reader's language when read.
    assert not any(note.text for note in notes)
    with translation.override("en"):
        english = [note.message for note in notes]
    with translation.override("nb"):
        norwegian = [note.message for note in notes]
    assert all("low satisfaction score" in text for text in english)
    assert all("lav tilfredshetsscore" in text for text in norwegian), norwegian[:1]
