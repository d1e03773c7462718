"""State changes of a ticket, each one transaction that locks the row.

Every function here: locks the ticket (select_for_update), returns early when
the change is already made (safe to run twice), refuses illegal transitions
with InvalidTransition, bumps ``version``, writes a TicketEvent and records its
e-mails in the outbox, which a worker sends after commit.
"""

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import hooks, permissions
from ..content import translated
from ..exceptions import InvalidTransition, NotAllowed, StaleTicket, TicketError
from ..models import Membership, ReferenceCounter, RequestType, Ticket, TicketEvent
from ..phrases import Phrase
from ..timing import resolution_seconds
from . import notifications, timeline
from .files import UploadPair, attachments_add

Status = Ticket.Status

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CANCELLED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CANCELLED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CANCELLED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}


def ensure_transition(ticket: Ticket, *, to: str) -> None:
    if to not in ALLOWED_TRANSITIONS[ticket.status]:
        raise InvalidTransition(
            _("A request that is %(current)s cannot become %(target)s.")
            % {"current": ticket.get_status_display().lower(), "target": Status(to).label.lower()}
        )


def _lock(ticket_id: int, expected_version: int | None) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        # What the hooks and notifications read next, in the same query; most tickets have
        # nobody on cc, and the status e-mail asks for them only when someone is.
        .select_related("department", "request_type", "requester")
        .annotate(has_cc=Exists(Ticket.cc.through.objects.filter(ticket_id=OuterRef("pk"))))
        .get(pk=ticket_id)
    )
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    return ticket


def save_changes(ticket: Ticket, fields: Sequence[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def record_event(ticket: Ticket, actor, kind: str, **fields) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, **fields)


def _require_worker(actor, ticket: Ticket) -> None:
    if not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed()


def _next_reference(prefix: str) -> tuple[str, int]:
    ReferenceCounter.objects.get_or_create(prefix=prefix)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{counter.last_number:06d}", counter.last_number


def _existing_submission(requester, submission_key: UUID | None) -> Ticket | None:
    if submission_key is None:
        return None
    return Ticket.objects.filter(requester=requester, submission_key=submission_key).first()


def _create(
    *,
    submission_key,
    requester,
    files: Sequence[UploadPair],
    field_files: dict[str, UploadPair],
    event_body: str,
    **fields,
) -> tuple[Ticket, bool]:
    """Insert a ticket, its 'created' event and files; one ticket per submission key."""
    existing = _existing_submission(requester, submission_key)
    if existing:
        return existing, False
    is_handoff = fields["kind"] == Ticket.Kind.HANDOFF
    prefix = Ticket.HANDOFF_PREFIX if is_handoff else fields["department"].prefix
    employee = permissions.employee_of(requester)
    try:
        with transaction.atomic():
            reference, _number = _next_reference(prefix)
            ticket = Ticket.objects.create(
                reference=reference,
                requester=requester,
                customer_department=employee.home_department if employee else None,
                submission_key=submission_key,
                **fields,
            )
            event = record_event(ticket, requester, TicketEvent.Kind.CREATED, body=event_body)
            hooks.ticket_created(ticket=ticket)
            attachments_add(ticket=ticket, event=event, uploader=requester, files=files)
            if field_files:
                # A file answer of the request form is kept like any attachment and
                # named in the answers, so the form's summary can link to it.
                stored = attachments_add(
                    ticket=ticket, event=event, uploader=requester, files=field_files.values()
                )
                ticket.data.update(
                    {
                        name: {"attachment_id": att.pk, "name": att.original_name}
                        for name, att in zip(field_files, stored, strict=True)
                    }
                )
                ticket.save(update_fields=["data"])
            notifications.ticket_created(ticket_id=ticket.pk)
    except IntegrityError:
        # The same submission won a race with us (a double click on two workers).
        existing = _existing_submission(requester, submission_key)
        if existing:
            return existing, False
        raise
    return ticket, True


@transaction.atomic
def ticket_create(
    *,
    requester,
    request_type: RequestType,
    title: str,
    description: str = "",
    data: dict | None = None,
    priority: str = Ticket.Priority.NORMAL,
    files: Sequence[UploadPair] = (),
    field_files: dict[str, UploadPair] | None = None,
    submission_key: UUID | None = None,
) -> Ticket:
    """File a request to a department; notifies its agents after commit.

    Safe to run twice with the same ``submission_key``: the first ticket is returned.
    """
    department = request_type.department
    if not (department.is_active and request_type.is_active):
        raise TicketError(_("This department or request type no longer takes requests."))
    ticket, _created = _create(
        submission_key=submission_key,
        requester=requester,
        files=files,
        field_files=field_files or {},
        event_body=description,
        kind=Ticket.Kind.REQUEST,
        department=department,
        request_type=request_type,
        title=title,
        description=description,
        data=dict(data or {}),
        priority=priority,
        due_at=timezone.now() + timedelta(hours=request_type.sla_hours),
    )
    return ticket


@transaction.atomic
def handoff_create(
    *,
    requester,
    colleague,
    title: str,
    message: str,
    files: Sequence[UploadPair] = (),
    submission_key: UUID | None = None,
) -> Ticket:
    """Send files and a message to a named colleague, who works it like an agent."""
    if colleague.pk == requester.pk:
        raise TicketError(_("You cannot send a handoff to yourself."))
    colleague_profile = permissions.employee_of(colleague)
    if (
        not colleague.is_active
        or colleague_profile is None
        or colleague_profile.is_associate
        or colleague_profile.home_department is None
    ):
        raise TicketError(_("This colleague cannot receive handoffs."))
    ticket, _created = _create(
        submission_key=submission_key,
        requester=requester,
        files=files,
        field_files={},
        event_body=message,
        kind=Ticket.Kind.HANDOFF,
        department=colleague_profile.home_department,
        assignee=colleague,
        title=title,
        description=message,
    )
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket_id: int, actor, assignee, expected_version: int | None = None
) -> Ticket:
    """Give the ticket to a member of its department (or to nobody); notifies the assignee."""
    ticket = _lock(ticket_id, None)
    _require_worker(actor, ticket)
    if ticket.kind == Ticket.Kind.HANDOFF:
        raise InvalidTransition(_("A handoff stays with the colleague it was sent to."))
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    if not ticket.is_active:
        raise InvalidTransition(_("Only an open request can be assigned."))
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, department_id=ticket.department_id
        ).exists()
    ):
        raise TicketError(
            _("%(name)s is not a member of %(department)s.")
            % {
                "name": assignee.get_full_name() or assignee.username,
                "department": translated(ticket.department, "name"),
            }
        )
    assign_locked(ticket, actor=actor, assignee=assignee)
    return ticket


def assign_locked(ticket: Ticket, *, actor, assignee, note: Phrase | None = None) -> None:
    """Give a locked, open ticket to ``assignee`` (or the queue): the version, the
    timeline entry and the assignee's notification. The caller has checked that
    ``actor`` may do it (ticket_assign; person_deactivate for a leaver's work)."""
    fields = ["assignee"]
    ticket.assignee = assignee
    old_status = ticket.status
    if assignee is not None and ticket.status == Status.NEW:
        ticket.status = Status.OPEN
        fields.append("status")
    save_changes(ticket, fields)
    record_event(
        ticket,
        actor,
        TicketEvent.Kind.ASSIGNED,
        is_internal=False,
        from_status=old_status,
        to_status=ticket.status,
        data={
            "assignee_id": assignee.pk if assignee else None,
            "assignee_name": (assignee.get_full_name() or assignee.username) if assignee else "",
            **({"phrase": note} if note else {}),
        },
    )
    if assignee is not None and assignee.pk != actor.pk:
        notifications.ticket_assigned(ticket_id=ticket.pk)


def ticket_claim(*, ticket_id: int, actor, expected_version: int | None = None) -> Ticket:
    """Assign the ticket to the person asking."""
    return ticket_assign(
        ticket_id=ticket_id, actor=actor, assignee=actor, expected_version=expected_version
    )


@transaction.atomic
def ticket_reply(
    *,
    ticket_id: int,
    actor,
    body: str,
    internal: bool = False,
    files: Sequence[UploadPair] = (),
    expected_version: int | None = None,
) -> TicketEvent:
    """Add a public reply or an internal note, with files; notifies the other side.

    A requester replying to a ticket that waits on them moves it back to open.
    With ``expected_version``, a ticket that changed since the writer's page was
    loaded is refused with StaleTicket: they may be answering something already
    answered or changed. Not idempotent: each call adds an event.
    """
    ticket = _lock(ticket_id, None)
    is_worker = permissions.can_work_ticket(actor, ticket)
    if not (is_worker or permissions.can_view_ticket(actor, ticket)):
        raise NotAllowed()
    if internal and not permissions.can_see_internal_notes(actor, ticket):
        raise NotAllowed(_("Only the department's staff can add internal notes."))
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("This request is %(status)s; file a new request instead.")
            % {"status": ticket.get_status_display().lower()}
        )
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    if not body.strip() and not files:
        raise TicketError(_("Write a message or attach a file."))
    fields = []
    old_status = ticket.status
    if not internal:
        if is_worker and actor.pk != ticket.requester_id:
            if ticket.first_response_at is None:
                ticket.first_response_at = timezone.now()
                fields.append("first_response_at")
            if ticket.status == Status.NEW:
                ticket.status = Status.OPEN
                fields.append("status")
        elif ticket.status == Status.WAITING:
            ticket.status = Status.OPEN
            fields.append("status")
    save_changes(ticket, fields)
    event = record_event(
        ticket,
        actor,
        TicketEvent.Kind.NOTE if internal else TicketEvent.Kind.REPLY,
        body=body,
        is_internal=internal,
        from_status=old_status if fields else "",
        to_status=ticket.status if "status" in fields else "",
    )
    attachments_add(ticket=ticket, event=event, uploader=actor, files=files)
    if not internal:
        notifications.public_reply(event_id=event.pk)
    return event


@transaction.atomic
def ticket_set_status(
    *, ticket_id: int, actor, status: str, expected_version: int | None = None
) -> Ticket:
    """Move between open and waiting on the requester; notifies the requester."""
    if status not in (Status.OPEN, Status.WAITING):
        raise InvalidTransition(_("Use resolve, reopen or cancel for that change."))
    ticket = _lock(ticket_id, None)
    _require_worker(actor, ticket)
    if ticket.status == status:
        return ticket
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    ensure_transition(ticket, to=status)
    old_status = ticket.status
    ticket.status = status
    save_changes(ticket, ["status"])
    event = record_event(
        ticket, actor, TicketEvent.Kind.STATUS, from_status=old_status, to_status=status
    )
    notifications.status_changed(event=event)
    return ticket


@transaction.atomic
def ticket_resolve(
    *, ticket_id: int, actor, note: str, expected_version: int | None = None
) -> Ticket:
    """Resolve a ticket with a resolution note; registered hooks (surveys, insights) run inside.

    Runs once per resolution: a resolved ticket is returned unchanged.
    """
    ticket = _lock(ticket_id, None)
    _require_worker(actor, ticket)
    if ticket.status == Status.RESOLVED:
        return ticket
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    ensure_transition(ticket, to=Status.RESOLVED)
    if not note.strip():
        raise TicketError(_("Say how the request was resolved."))
    now = timezone.now()
    old_status = ticket.status
    ticket.status = Status.RESOLVED
    ticket.resolved_at = now
    ticket.resolved_by = actor
    ticket.resolution_note = note
    ticket.resolution_seconds = resolution_seconds(ticket.created_at, now)
    fields = ["status", "resolved_at", "resolved_by", "resolution_note", "resolution_seconds"]
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        fields.append("first_response_at")
    save_changes(ticket, fields)
    event = TicketEvent(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.RESOLVED,
        body=note,
        from_status=old_status,
        to_status=Status.RESOLVED,
    )
    with timeline.recorded_with(event):  # the hooks' timeline entries (the survey's) after it
        hooks.ticket_resolved(ticket=ticket, actor=actor)
    notifications.status_changed(event=event)
    return ticket


def reopen_deadline(ticket: Ticket):
    if ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=ticket.department.reopen_days)


def can_still_reopen(ticket: Ticket) -> bool:
    deadline = reopen_deadline(ticket)
    return ticket.status == Status.RESOLVED and deadline is not None and timezone.now() <= deadline


@transaction.atomic
def ticket_reopen(*, ticket_id: int, actor, reason: str) -> Ticket:
    """The requester reopens a resolved ticket within the department's window."""
    ticket = _lock(ticket_id, None)
    if not permissions.can_act_as_requester(actor, ticket):
        raise NotAllowed(_("Only the requester can reopen a request."))
    if ticket.status != Status.RESOLVED:
        if ticket.status == Status.OPEN and ticket.reopen_count:
            return ticket  # the same reopen, submitted twice
        raise InvalidTransition(_("Only a resolved request can be reopened."))
    if not can_still_reopen(ticket):
        days = ticket.department.reopen_days
        raise InvalidTransition(
            ngettext(
                "The reopen window of %(days)s day has passed; please file a new request.",
                "The reopen window of %(days)s days has passed; please file a new request.",
                days,
            )
            % {"days": days}
        )
    if not reason.strip():
        raise TicketError(_("Say why the request needs more work."))
    hooks.ticket_reopened(ticket=ticket, actor=actor)  # while its resolution is known
    ticket.status = Status.OPEN
    ticket.resolved_at = None
    ticket.resolved_by = None
    ticket.resolution_seconds = None
    ticket.reopen_count += 1
    save_changes(
        ticket, ["status", "resolved_at", "resolved_by", "resolution_seconds", "reopen_count"]
    )
    event = record_event(
        ticket,
        actor,
        TicketEvent.Kind.REOPENED,
        body=reason,
        from_status=Status.RESOLVED,
        to_status=Status.OPEN,
    )
    notifications.ticket_reopened(event_id=event.pk)
    return ticket


@transaction.atomic
def ticket_cancel(
    *, ticket_id: int, actor, reason: str = "", expected_version: int | None = None
) -> Ticket:
    """The requester withdraws a request that is not resolved yet."""
    ticket = _lock(ticket_id, None)
    if not permissions.can_act_as_requester(actor, ticket):
        raise NotAllowed(_("Only the requester can cancel a request."))
    if ticket.status == Status.CANCELLED:
        return ticket
    if expected_version is not None and ticket.version != expected_version:
        raise StaleTicket()
    ensure_transition(ticket, to=Status.CANCELLED)
    old_status = ticket.status
    ticket.status = Status.CANCELLED
    ticket.closed_at = timezone.now()
    save_changes(ticket, ["status", "closed_at"])
    event = record_event(
        ticket,
        actor,
        TicketEvent.Kind.CANCELLED,
        body=reason,
        from_status=old_status,
        to_status=Status.CANCELLED,
    )
    notifications.status_changed(event=event)
    return ticket
