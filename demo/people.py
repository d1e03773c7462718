"""The demo company's people and structure: departments, request types, users, memberships."""

import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group

from demo import data as demo
from demo.data.translations import translations_of
from requests_app.models import Department, RequestType
from requests_app.services import departments as department_services


@dataclass
class Company:
    """What the seed created, by the keys the data tables use."""

    users: dict[str, AbstractUser] = field(default_factory=dict)  # by username
    departments: dict[str, Department] = field(default_factory=dict)  # by prefix
    # By (department prefix, type slug).
    request_types: dict[tuple[str, str], RequestType] = field(default_factory=dict)
    # By prefix: each member who works tickets, with their share of the work.
    workers: dict[str, list[tuple[AbstractUser, float]]] = field(default_factory=dict)
    leads: dict[str, AbstractUser] = field(default_factory=dict)  # by prefix

    def requester(self, prefix: str, type_spec: dict, *, rng: random.Random) -> AbstractUser:
        """Someone from another department (or, for some types, an associate)."""
        candidates = [
            (self.users[p.username], _requester_weight(p))
            for p in demo.PEOPLE
            if p.department != prefix and (type_spec.get("associates") or not p.is_associate)
        ]
        users, weights = zip(*candidates, strict=True)
        return rng.choices(users, weights)[0]

    def worker(self, prefix: str, *, rng: random.Random) -> AbstractUser:
        users, weights = zip(*self.workers[prefix], strict=True)
        return rng.choices(users, weights)[0]


def _requester_weight(person: demo.Person) -> float:
    if person.username in demo.REQUESTER_WEIGHTS:
        return demo.REQUESTER_WEIGHTS[person.username]
    if person.is_associate:
        return 1
    return 0.4 if (person.role or person.hr_admin) else 1


def company_create() -> Company:
    """The demo's users, departments with their request types, and who works where.

    Departments and memberships go through the services the HR admin pages use.
    """
    company = Company()
    user_model = get_user_model()
    # One hash for everyone: hashing the same password 46 times costs ~20 s.
    password = make_password(demo.DEMO_PASSWORD)
    hr_admins, _ = Group.objects.get_or_create(name=settings.ICSAT_HR_ADMIN_GROUP)
    for person in demo.PEOPLE:
        user = user_model.objects.create(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@{demo.EMAIL_DOMAIN}",
            password=password,
            is_staff=person.superuser,
            is_superuser=person.superuser,
        )
        if person.hr_admin:
            user.groups.add(hr_admins)
        company.users[person.username] = user

    actor = company.users[demo.MARKER_USERNAME]
    for spec in demo.DEPARTMENTS:
        department = department_services.department_save(
            actor=actor,
            name=spec["name"],
            slug=spec["slug"],
            prefix=spec["prefix"],
            description=spec["description"],
            reopen_days=spec["reopen_days"],
            **translations_of(name=spec["name"]),
        )
        company.departments[spec["prefix"]] = department
        for position, type_spec in enumerate(spec["types"]):
            company.request_types[(spec["prefix"], type_spec["slug"])] = (
                department_services.request_type_save(
                    actor=actor,
                    department=department,
                    name=type_spec["name"],
                    **translations_of(name=type_spec["name"]),
                    slug=type_spec["slug"],
                    description=type_spec["description"],
                    fields=type_spec["fields"],
                    sla_hours=type_spec["sla_hours"],
                    survey_opt_out=type_spec.get("survey_opt_out", False),
                    position=position,
                )
            )

    for person in demo.PEOPLE:
        user = company.users[person.username]
        employee = department_services.employee_ensure(user)
        employee.home_department = company.departments.get(person.department)
        employee.language = person.language
        employee.is_associate = person.is_associate
        employee.save()
        if person.role:
            department = company.departments[person.department]
            department_services.membership_set(
                actor=actor, department=department, user=user, role=person.role
            )
            weight = 1 if person.role == "lead" else (4 if user.username == "agent" else 3)
            company.workers.setdefault(person.department, []).append((user, weight))
            if person.role == "lead":
                company.leads[person.department] = user
    return company
