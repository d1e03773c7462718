"""People as HR admins manage them: home department, the HR-admin role, leaving and coming back.

A leaver is deactivated, never deleted: their requests, answers and history keep
their name. Deactivating signs them out everywhere, withdraws their open survey
invitations (surveys listens to ``hooks.person_left``), gives their open requests
to their department's lead (or back to the queue) and cancels file handoffs that
were waiting for them, telling the sender. A returning person is reactivated.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import Kind as AuditKind
from audit.services import audit_record, person_name

from .. import hooks
from ..exceptions import NotAllowed
from ..models import Department, Membership, SignedInSession, Ticket, TicketEvent
from ..phrases import phrase
from . import notifications
from .departments import employee_ensure, membership_remove, membership_set
from .tickets import assign_locked, record_event, save_changes

Status = Ticket.Status
OPEN = [Status.NEW, Status.OPEN, Status.WAITING]


@dataclass(frozen=True)
class LeaverReport:
    """What deactivating a person did, for the page that asked."""

    deactivated: bool
    sessions_ended: int = 0
    requests_reassigned: int = 0
    handoffs_cancelled: int = 0
    # Departments where the leaver was the only active lead: HR must name a new one.
    sole_lead_of: tuple[str, ...] = ()


def _hr_group() -> Group:
    group, _created = Group.objects.get_or_create(name=settings.ICSAT_HR_ADMIN_GROUP)
    return group


def session_signed_in(*, user, session_key: str | None) -> None:
    """Remember whose session this is (called at every sign-in, password or SSO), and
    forget the person's sessions that have ended since."""
    if not session_key:
        return
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    SignedInSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    SignedInSession.objects.bulk_create(
        [SignedInSession(session_key=session_key, user=user)],
        update_conflicts=True,
        unique_fields=["session_key"],
        update_fields=["user"],
    )


def _end_sessions(user) -> int:
    """Delete every session signed in as ``user`` (an inactive user is refused anyway)."""
    keys = SignedInSession.objects.filter(user=user).values_list("session_key", flat=True)
    ended, _by_model = Session.objects.filter(
        session_key__in=list(keys), expire_date__gt=timezone.now()
    ).delete()
    SignedInSession.objects.filter(user=user).delete()
    return ended


def _lead_of(department_id: int | None, leaver) -> Any:
    if department_id is None:
        return None
    membership = (
        Membership.objects.filter(
            department_id=department_id, role=Membership.Role.LEAD, user__is_active=True
        )
        .exclude(user=leaver)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
        .first()
    )
    return membership.user if membership else None


def _release_open_work(user, actor) -> tuple[int, int]:
    """Give the leaver's open requests to their department's lead; cancel waiting handoffs."""
    reassigned = cancelled = 0
    name = person_name(user)
    open_ids = Ticket.objects.filter(assignee=user, status__in=OPEN).values_list("pk", flat=True)
    for ticket in Ticket.objects.select_for_update().filter(pk__in=list(open_ids)).order_by("pk"):
        old_status = ticket.status
        if ticket.kind == Ticket.Kind.HANDOFF:
            ticket.status = Status.CANCELLED
            save_changes(ticket, ["status"])
            event = record_event(
                ticket,
                actor,
                TicketEvent.Kind.STATUS,
                is_internal=False,
                from_status=old_status,
                to_status=Status.CANCELLED,
                data={
                    "phrase": phrase(
                        gettext_noop(
                            "%(name)s has left, so this handoff was cancelled. "
                            "Send it to someone else."
                        ),
                        name=name,
                    )
                },
            )
            notifications.status_changed(event=event)
            cancelled += 1
            continue
        lead = _lead_of(ticket.department_id, user)
        assign_locked(
            ticket,
            actor=actor,
            assignee=lead,
            note=phrase(
                gettext_noop("%(name)s has left; the request goes to %(next)s."),
                name=name,
                next=person_name(lead) if lead else phrase(gettext_noop("the department's queue")),
            ),
        )
        reassigned += 1
    return reassigned, cancelled


def person_find(*, email: str, username: str = ""):
    """The account (active or not) a directory, a sign-in or a file means by this
    e-mail or username, case-insensitively; None when there is none."""
    User = get_user_model()
    for lookup in ({"username__iexact": username} if username else None, {"email__iexact": email}):
        if lookup and next(iter(lookup.values())):
            found = User.objects.filter(**lookup).order_by("pk").first()
            if found is not None:
                return found
    return None


@transaction.atomic
def person_create(
    *,
    actor,
    email: str,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
    home_department: Department | None = None,
    language: str = "",
    is_associate: bool = False,
    source: str,
):
    """A new person with no password (they sign in by single sign-on or set one with
    "Forgot password?"). ``source`` says where they came from in the audit trail
    ("sso", "scim", "import row 7").

    A returning person is reactivated, never duplicated: an existing account with this
    username or e-mail is refused (callers look it up with ``person_find`` first).
    """
    username = username or email
    if person_find(email=email, username=username) is not None:
        raise NotAllowed(
            _("An account with the username or e-mail %(email)s exists already.")
            % {"email": username}
        )
    user = get_user_model().objects.create_user(
        username=username, email=email, first_name=first_name, last_name=last_name
    )
    employee = employee_ensure(user)
    employee.home_department = home_department
    employee.language = language or settings.LANGUAGE_CODE
    employee.is_associate = is_associate
    employee.save()
    audit_record(
        actor=actor,
        kind=AuditKind.PERSON_CREATED,
        target=user,
        changes={"email": [None, email], "source": [None, source]},
        name=person_name(user),
        department=home_department,
    )
    return user


@transaction.atomic
def person_deactivate(*, user_id: int, actor) -> LeaverReport:
    """Mark a person as gone; safe to run twice (the second run does nothing)."""
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    if not user.is_active:
        return LeaverReport(deactivated=False)
    if user.pk == actor.pk:
        raise NotAllowed(_("You cannot deactivate yourself."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _end_sessions(user)
    hooks.person_left(user=user, actor=actor)
    reassigned, cancelled = _release_open_work(user, actor)
    sole_lead_of = tuple(
        m.department.name
        for m in Membership.objects.filter(user=user, role=Membership.Role.LEAD)
        .select_related("department")
        .order_by("department__name")
        if _lead_of(m.department_id, user) is None
    )
    employee = employee_ensure(user)
    audit_record(
        actor=actor,
        kind=AuditKind.PERSON_DEACTIVATED,
        target=user,
        changes={"is_active": [True, False]},
        name=person_name(user),
        department=employee.home_department,
    )
    return LeaverReport(
        deactivated=True,
        sessions_ended=sessions,
        requests_reassigned=reassigned,
        handoffs_cancelled=cancelled,
        sole_lead_of=sole_lead_of,
    )


@transaction.atomic
def person_reactivate(*, user_id: int, actor) -> bool:
    """A returning person gets their account back (the same one); safe to run twice."""
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    employee = employee_ensure(user)
    audit_record(
        actor=actor,
        kind=AuditKind.PERSON_REACTIVATED,
        target=user,
        changes={"is_active": [False, True]},
        name=person_name(user),
        department=employee.home_department,
    )
    return True


@transaction.atomic
def person_update(
    *, user_id: int, actor, home_department: Department | None, hr_admin: bool
) -> bool:
    """Change a person's home department and HR-admin role; True if anything changed.

    There is always an active HR admin left: nobody can take the role from the last one.
    """
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    employee = employee_ensure(user)
    group = _hr_group()
    was_hr_admin = user.groups.filter(pk=group.pk).exists()
    changes: dict[str, list] = {}
    old_home = employee.home_department
    if (old_home.pk if old_home else None) != (home_department.pk if home_department else None):
        employee.home_department = home_department
        employee.save(update_fields=["home_department"])
        changes["home_department"] = [
            old_home.name if old_home else None,
            home_department.name if home_department else None,
        ]
    if was_hr_admin != hr_admin:
        if not hr_admin:
            others = group.user_set.filter(is_active=True).exclude(pk=user.pk)
            if not others.exists():
                raise NotAllowed(_("Someone must stay HR admin: make another person one first."))
            user.groups.remove(group)
        else:
            user.groups.add(group)
        changes["hr_admin"] = [was_hr_admin, hr_admin]
    audit_record(
        actor=actor,
        kind=AuditKind.PERSON_CHANGED,
        target=user,
        changes=changes,
        name=person_name(user),
        department=home_department or old_home,
    )
    return bool(changes)


@transaction.atomic
def person_details_set(
    *,
    user_id: int,
    actor,
    username: str | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
) -> bool:
    """Change a person's sign-in name, e-mail, name or language (None: leave as it is);
    True if anything changed. Callers check that a new username or e-mail is free."""
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    employee = employee_ensure(user)
    changes: dict[str, list] = {}
    for name, value in (
        ("username", username),
        ("email", email),
        ("first_name", first_name),
        ("last_name", last_name),
    ):
        if value is not None and getattr(user, name) != value:
            changes[name] = [getattr(user, name), value]
            setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    if language is not None and language != employee.language:
        changes["language"] = [employee.language, language]
        employee.language = language
        employee.save(update_fields=["language"])
    audit_record(
        actor=actor,
        kind=AuditKind.PERSON_DETAILS_CHANGED,
        target=user,
        changes=changes,
        name=person_name(user),
        department=employee.home_department,
    )
    return bool(changes)


ROLE_ORDER: dict[str | None, int] = {Membership.Role.LEAD: 0, Membership.Role.AGENT: 1, None: 2}


def memberships_apply(*, actor, changes: Iterable[tuple[Any, Department, str | None]]) -> None:
    """Give each (person, department) its role, or take it away (role None).

    New leads first and removals last, so a department that swaps its lead in one go
    (a file, a directory group) is never without one in between; a change the rules
    refuse raises TicketError and, inside the caller's transaction, undoes the rest.
    """
    for user, department, role in sorted(changes, key=lambda change: ROLE_ORDER[change[2]]):
        if role is None:
            membership_remove(actor=actor, department=department, user=user)
        else:
            membership_set(actor=actor, department=department, user=user, role=role)
