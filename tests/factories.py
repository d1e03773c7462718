"""factory_boy factories for the domain; each builds a valid object with the least input."""

import itertools
from datetime import timedelta

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app.models import Department, Employee, Membership, RequestType, Ticket
from requests_app.uploads import check_upload

User = get_user_model()
PASSWORD = "test-pass-123"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"dept-{n}")
    prefix = factory.Sequence(lambda n: "D" + "".join(chr(65 + int(c)) for c in f"{n:03d}"))
    description = "Helps colleagues."
    reopen_days = 7


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            self.save()
            Employee.objects.get_or_create(
                user=self,
                defaults={
                    "home_department": kwargs.get("home_department"),
                    "is_associate": kwargs.get("is_associate", False),
                    "language": kwargs.get("language", "en"),
                },
            )


def employee(home_department=None, **kwargs):
    home_department = home_department or DepartmentFactory()
    return UserFactory(profile__home_department=home_department, **kwargs)


def associate(**kwargs):
    return UserFactory(profile__is_associate=True, **kwargs)


def agent(department, role=Membership.Role.AGENT, **kwargs):
    user = employee(home_department=department, **kwargs)
    Membership.objects.create(user=user, department=department, role=role)
    return user


def lead(department, **kwargs):
    return agent(department, role=Membership.Role.LEAD, **kwargs)


def hr_admin(**kwargs):
    user = employee(**kwargs)
    group, _ = Group.objects.get_or_create(name=settings.ICSAT_HR_ADMIN_GROUP)
    user.groups.add(group)
    return user


class RequestTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestType

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Request type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")
    description = "What this type is for."
    sla_hours = 24
    fields = factory.LazyFunction(
        lambda: [
            {"name": "start", "label": "Start date", "kind": "date", "required": True},
            {
                "name": "system",
                "label": "System",
                "kind": "choice",
                "required": False,
                "choices": ["SAP", "VPN"],
            },
        ]
    )


def make_ticket(*, requester=None, request_type=None, status=Ticket.Status.NEW, **fields):
    """A ticket through the real service, then moved to ``status`` through services too."""
    from requests_app.services import tickets as svc
    from requests_app.services.closing import tickets_close_resolved

    request_type = request_type or RequestTypeFactory()
    requester = requester or employee()
    ticket = svc.ticket_create(
        requester=requester,
        request_type=request_type,
        title=fields.pop("title", "Need help"),
        description=fields.pop("description", "Details"),
        data=fields.pop("data", {"start": "2026-12-01"}),
    )
    if status == Ticket.Status.NEW:
        return ticket
    staff = Membership.objects.filter(department=request_type.department).first()
    worker = staff.user if staff else agent(request_type.department)
    if status in (Ticket.Status.OPEN, Ticket.Status.WAITING):
        svc.ticket_claim(ticket_id=ticket.pk, actor=worker)
        if status == Ticket.Status.WAITING:
            svc.ticket_set_status(ticket_id=ticket.pk, actor=worker, status=status)
    elif status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        svc.ticket_resolve(ticket_id=ticket.pk, actor=worker, note="Done")
        if status == Ticket.Status.CLOSED:
            tickets_close_resolved(now=timezone.now() + timedelta(days=365))
    elif status == Ticket.Status.CANCELLED:
        svc.ticket_cancel(ticket_id=ticket.pk, actor=requester)
    ticket.refresh_from_db()
    return ticket


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def upload(name="report.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload_pair(name="report.pdf", content=PDF_BYTES):
    uploaded = upload(name, content)
    return uploaded, check_upload(uploaded)


DEFAULT_QUESTIONS = [
    {"kind": "csat_1_5", "text": "How satisfied are you?", "required": True, "is_headline": True},
    {"kind": "yes_no", "text": "Was it solved the first time?", "required": False},
    {"kind": "choice", "text": "What mattered most?", "choices": ["Speed", "Kindness", "Result"]},
    {"kind": "text", "text": "Anything else?"},
]


def survey(*, questions=None, **fields):
    """A survey through the editor service (so it has its first version)."""
    from surveys.services.editor import survey_save

    defaults = {
        "name": "After resolve",
        "is_default": True,
        "delay_minutes": 0,
        "reminder_hours": 48,
        "expires_days": 14,
        "min_days_between": 0,
        "sample_percent": 100,
        "anonymous": False,
    }
    departments = fields.pop("departments", ())
    request_types = fields.pop("request_types", ())
    return survey_save(
        actor=hr_admin(),
        departments=departments,
        request_types=request_types,
        intro="Two minutes of your time.",
        questions=questions or DEFAULT_QUESTIONS,
        **{**defaults, **fields},
    )


# Far above the references the ticket service gives in a test, so both can be mixed.
_answered_numbers = itertools.count(500_000)


def answered_csat(
    *,
    score,
    at,
    version,
    department,
    request_type,
    requester,
    agent,
    customer_department=None,
    comment="",
    anonymous=False,
):
    """A resolved ticket whose CSAT survey was answered with ``score`` at ``at``.

    Written straight to the tables (not through the services) so dashboard tests
    control every timestamp exactly and build hundreds of answers quickly.
    """
    from insights.services.surveys import (
        rollup_invitation_answered,
        rollup_invitation_sent,
        rollup_response,
        survey_counts_changed,
    )
    from insights.services.tickets import rollup_ticket_created, rollup_ticket_resolution
    from requests_app.timing import resolution_seconds
    from surveys.dimensions import response_dimensions
    from surveys.models import Answer, Invitation, Question, Response

    ticket = Ticket.objects.create(
        reference=f"{department.prefix}-{next(_answered_numbers):06d}",
        requester=requester,
        customer_department=customer_department,
        department=department,
        request_type=request_type,
        title="Need help",
    )
    # Resolved in 5 h, within its due date.
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=at - timedelta(hours=6),
        resolved_at=at - timedelta(hours=1),
        due_at=at,
    )
    ticket.refresh_from_db()
    ticket.resolution_seconds = resolution_seconds(ticket.created_at, ticket.resolved_at)
    ticket.save(update_fields=["resolution_seconds"])
    invitation = Invitation.objects.create(
        ticket=ticket,
        survey=version.survey,
        version=version,
        recipient=requester,
        department=department,
        agent=agent,
        status=Invitation.Status.ANSWERED,
        send_after=at - timedelta(hours=1),
        sent_at=at - timedelta(hours=1),
    )
    response = Response.objects.create(
        invitation=invitation,
        version=version,
        headline_kind=Question.Kind.CSAT,
        headline_score=score,
        comment=comment,
        anonymous=anonymous,
        **response_dimensions(ticket, invitation),
    )
    Response.objects.filter(pk=response.pk).update(submitted_at=at)
    question = version.questions.get(kind=Question.Kind.CSAT)
    answer = Answer.objects.create(response=response, question=question, number=score)
    # Counted the way the services count, with the timestamps written above.
    rollup_ticket_created(ticket)
    rollup_ticket_resolution(ticket)
    invitation.refresh_from_db()
    rollup_invitation_sent(invitation)
    rollup_invitation_answered(invitation)
    response.refresh_from_db()
    rollup_response(response, [answer])
    survey_counts_changed([department.pk])
    return ticket
