"""Importing people from a CSV file, for companies without a directory.

The file lists people (one row each, matched by e-mail): name, home department,
language, associate yes/no and, when the file has a ``roles`` column, their roles
(``IT:agent; Finance:lead; hr_admin``). ``people_import_plan`` reads the file and says
what would be created, changed, reactivated and (when asked) deactivated, or which
row and column is wrong; it writes nothing. ``people_import_apply`` plans again and
applies the plan in one transaction through the same services as the people page
(so every change is audited), or nothing at all when the file has a problem.
Applying the same file twice changes nothing the second time.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import NotAllowed, TicketError
from ..models import Department, Employee, Membership
from .departments import employee_ensure
from .people import (
    memberships_apply,
    person_create,
    person_deactivate,
    person_reactivate,
    person_update,
)

User = get_user_model()
COLUMNS = ("email", "first_name", "last_name", "home_department", "language", "associate", "roles")
YES = {"yes", "y", "true", "1", "ja", "sí", "si", "x"}
NO = {"no", "n", "false", "0", "nei", ""}
HR_ADMIN = "hr_admin"
FIELD_LABELS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "home_department": gettext_lazy("Home department"),
    "language": gettext_lazy("Language"),
    "associate": gettext_lazy("Associate"),
    "roles": gettext_lazy("Roles"),
    "hr_admin": gettext_lazy("HR admin"),
}
MAX_ROWS = 20000


class PeopleImportError(TicketError):
    """The file cannot be imported; ``problems`` name each row and column."""


@dataclass
class Person:
    """What one row says about a person."""

    row: int
    email: str
    first_name: str
    last_name: str
    home_department: Department | None
    language: str | None
    associate: bool | None
    roles: dict[int, str] | None  # department id → role; None: the file has no roles column
    hr_admin: bool | None


@dataclass
class Change:
    person: Person
    user: Any
    fields: dict[str, list] = field(default_factory=dict)  # what changes: [old, new]

    @property
    def labelled(self) -> list[tuple[str, list]]:
        """The changes with the column names a person reads."""
        return [(str(FIELD_LABELS.get(name, name)), values) for name, values in self.fields.items()]


@dataclass
class ImportPlan:
    creates: list[Person] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    reactivations: list[Any] = field(default_factory=list)
    deactivations: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.creates or self.changes or self.reactivations or self.deactivations)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PeopleImportError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from error


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, [
        {key: (value or "").strip() for key, value in row.items() if key}
        for row in reader
        if any((value or "").strip() for value in row.values() if isinstance(value, str))
    ]


class _Reader:
    """Turns rows into Persons, collecting every problem with its row and column."""

    def __init__(self):
        self.departments: dict[str, Department] = {}
        for department in Department.objects.all():
            self.departments[department.name.casefold()] = department
            self.departments[department.slug.casefold()] = department
        self.languages = {code for code, _name in settings.LANGUAGES}
        self.problems: list[str] = []

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(
            _("Row %(row)s, column “%(column)s”: %(message)s")
            % {"row": row, "column": column, "message": message}
        )

    def department(self, row: int, column: str, name: str) -> Department | None:
        department = self.departments.get(name.casefold())
        if department is None:
            self.problem(row, column, _("no department is called “%(name)s”.") % {"name": name})
        return department

    def yes_no(self, row: int, value: str) -> bool | None:
        if value.casefold() in YES:
            return True
        if value.casefold() in NO:
            return False if value else None
        self.problem(row, "associate", _("write yes or no."))
        return None

    def roles(self, row: int, value: str) -> tuple[dict[int, str], bool]:
        roles: dict[int, str] = {}
        hr_admin = False
        for part in filter(None, (p.strip() for p in re.split(r"[;|\n]", value))):
            if part.casefold() == HR_ADMIN:
                hr_admin = True
                continue
            name, _sep, role = part.rpartition(":")
            role = role.strip().casefold()
            if not name or role not in Membership.Role.values:
                self.problem(
                    row,
                    "roles",
                    _("“%(part)s” is not “Department:agent”, “Department:lead” or “hr_admin”.")
                    % {"part": part},
                )
                continue
            department = self.department(row, "roles", name.strip())
            if department is not None:
                roles[department.pk] = role
        return roles, hr_admin

    def person(self, row: int, values: dict[str, str], has_roles: bool) -> Person | None:
        email = values.get("email", "").casefold()
        try:
            validate_email(email)
        except ValidationError:
            self.problem(
                row, "email", _("“%(email)s” is not an e-mail address.") % {"email": email}
            )
            email = ""  # the other columns are still checked, so every problem is named
        home = values.get("home_department", "")
        language = values.get("language", "").casefold() or None
        # In the file's column order, so the problems read left to right.
        home_department = self.department(row, "home_department", home) if home else None
        if language is not None and language not in self.languages:
            self.problem(
                row,
                "language",
                _("use one of %(codes)s.") % {"codes": ", ".join(sorted(self.languages))},
            )
        associate = self.yes_no(row, values.get("associate", ""))
        roles, hr_admin = self.roles(row, values.get("roles", "")) if has_roles else (None, None)
        if not email:
            return None
        return Person(
            row=row,
            email=email,
            first_name=values.get("first_name", "")[:150],
            last_name=values.get("last_name", "")[:150],
            home_department=home_department,
            language=language,
            associate=associate,
            roles=roles,
            hr_admin=hr_admin,
        )


def _read(data: bytes) -> tuple[list[Person], list[str]]:
    header, rows = _rows(_decode(data))
    if "email" not in header:
        raise PeopleImportError(
            _("The file has no “email” column. Its first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(COLUMNS)}
        )
    if len(rows) > MAX_ROWS:
        raise PeopleImportError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    reader = _Reader()
    unknown = [name for name in header if name not in COLUMNS]
    for name in unknown:
        reader.problems.append(_("Column “%(column)s” is not one icsat knows.") % {"column": name})
    people: list[Person] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):  # row 1 is the header
        person = reader.person(number, values, "roles" in header)
        if person is None:
            continue
        if person.email in seen:
            reader.problem(
                number,
                "email",
                _("%(email)s is also on row %(row)s.")
                % {"email": person.email, "row": seen[person.email]},
            )
            continue
        seen[person.email] = number
        people.append(person)
    return people, reader.problems


def _current_roles(user) -> dict[int, str]:
    return {m.department_id: m.role for m in user.memberships.all()}


def _differences(person: Person, user, employee: Employee | None, is_hr: bool) -> dict:
    fields: dict[str, list] = {}
    for name in ("first_name", "last_name"):
        new = getattr(person, name)
        if new and getattr(user, name) != new:
            fields[name] = [getattr(user, name), new]
    old_home = employee.home_department if employee else None
    if (old_home.pk if old_home else None) != (
        person.home_department.pk if person.home_department else None
    ):
        fields["home_department"] = [
            old_home.name if old_home else None,
            person.home_department.name if person.home_department else None,
        ]
    if person.language and (employee.language if employee else "en") != person.language:
        fields["language"] = [employee.language if employee else None, person.language]
    if person.associate is not None and (employee.is_associate if employee else False) != (
        person.associate
    ):
        fields["associate"] = [not person.associate, person.associate]
    if person.roles is not None and _current_roles(user) != person.roles:
        fields["roles"] = [_current_roles(user), person.roles]
    if person.hr_admin is not None and is_hr != person.hr_admin:
        fields["hr_admin"] = [is_hr, person.hr_admin]
    return fields


def _check_leads_and_admins(plan: ImportPlan, people: list[Person], hr_ids: set[int]) -> None:
    """After the import every department keeps a lead and the company keeps an HR admin."""
    leads: dict[int, set[int]] = {}
    for m in Membership.objects.filter(role=Membership.Role.LEAD, user__is_active=True):
        leads.setdefault(m.department_id, set()).add(m.user_id)
    leaving = {user.pk for user in plan.deactivations}
    by_email = {c.person.email: c.user.pk for c in plan.changes}
    admins = set(hr_ids) - leaving
    for person in people:
        user_id = by_email.get(person.email)
        if person.hr_admin is False and user_id is not None:
            admins.discard(user_id)
        if person.hr_admin:
            admins.add(user_id or -person.row)
        if person.roles is None or user_id is None:
            continue
        for department_id, members in leads.items():
            if person.roles.get(department_id) != Membership.Role.LEAD:
                members.discard(user_id)
    for department_id, members in leads.items():
        if not members - leaving:
            department = Department.objects.get(pk=department_id)
            plan.problems.append(
                _("%(department)s would be left without a lead: keep or name one in the file.")
                % {"department": department.name}
            )
    if hr_ids and not admins:
        plan.problems.append(_("Nobody would be HR admin: keep or name one in the file."))


def people_import_plan(*, data: bytes, deactivate_missing: bool, actor) -> ImportPlan:
    """What importing this file would do; writes nothing. Raises PeopleImportError if unreadable."""
    people, problems = _read(data)
    plan = ImportPlan(problems=problems)
    group = Group.objects.filter(name=settings.ICSAT_HR_ADMIN_GROUP).first()
    hr_ids = set(group.user_set.values_list("pk", flat=True)) if group else set()
    users = {
        user.email.casefold(): user
        for user in User.objects.select_related("employee__home_department").prefetch_related(
            "memberships"
        )
        if user.email
    }
    for person in people:
        user = users.get(person.email)
        if user is None:
            plan.creates.append(person)
            continue
        if not user.is_active:
            plan.reactivations.append(user)
        fields = _differences(person, user, getattr(user, "employee", None), user.pk in hr_ids)
        if fields:
            plan.changes.append(Change(person=person, user=user, fields=fields))
        elif user.is_active:
            plan.unchanged += 1
    if deactivate_missing:
        listed = {person.email for person in people}
        plan.deactivations = [
            user
            for email, user in sorted(users.items())
            if user.is_active
            and email not in listed
            and user.pk != actor.pk
            and not user.is_superuser
        ]
    _check_leads_and_admins(plan, people, hr_ids)
    return plan


def _create(person: Person, actor):
    try:
        return person_create(
            actor=actor,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            home_department=person.home_department,
            language=person.language or "",
            is_associate=bool(person.associate),
            source=f"import row {person.row}",
        )
    except NotAllowed as taken:
        raise PeopleImportError(
            _("Row %(row)s: the username %(email)s is taken by another account.")
            % {"row": person.row, "email": person.email}
        ) from taken


def _apply_roles(person: Person, user, actor) -> None:
    if person.roles is None:
        return
    current = _current_roles(user)
    departments = {d.pk: d for d in Department.objects.filter(pk__in={*current, *person.roles})}
    changes: list[tuple[Any, Department, str | None]] = [
        (user, departments[department_id], role)
        for department_id, role in person.roles.items()
        if current.get(department_id) != role
    ]
    changes += [
        (user, departments[department_id], None)
        for department_id in set(current) - set(person.roles)
    ]
    memberships_apply(actor=actor, changes=changes)


@transaction.atomic
def people_import_apply(*, data: bytes, deactivate_missing: bool, actor) -> ImportPlan:
    """Apply the file, all of it or nothing; returns what was done."""
    plan = people_import_plan(data=data, deactivate_missing=deactivate_missing, actor=actor)
    if plan.problems:
        raise PeopleImportError(_("The file has problems; nothing was imported."))
    for user in plan.reactivations:
        person_reactivate(user_id=user.pk, actor=actor)
    created = [(person, _create(person, actor)) for person in plan.creates]
    changed = [(change.person, change.user) for change in plan.changes]
    for person, user in [*created, *changed]:
        employee = employee_ensure(user)
        for name in ("first_name", "last_name"):
            if getattr(person, name):
                setattr(user, name, getattr(person, name))
        user.save(update_fields=["first_name", "last_name"])
        updates: dict[str, Any] = {}
        if person.language:
            updates["language"] = person.language
        if person.associate is not None:
            updates["is_associate"] = person.associate
        if updates:
            Employee.objects.filter(pk=employee.pk).update(**updates)
        person_update(
            user_id=user.pk,
            actor=actor,
            home_department=person.home_department,
            hr_admin=person.hr_admin
            if person.hr_admin is not None
            else user.groups.filter(name=settings.ICSAT_HR_ADMIN_GROUP).exists(),
        )
        _apply_roles(person, user, actor)
    for user in plan.deactivations:
        person_deactivate(user_id=user.pk, actor=actor)
    return plan
