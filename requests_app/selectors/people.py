"""The HR admins' people page: everyone, searchable, with home department and roles."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from .. import permissions
from ..models import Department, Membership, Ticket

User = get_user_model()

ROLE_FILTERS = ("agent", "lead", "hr_admin", "associate")
# How directories and identity providers write Norwegian: "no" (the macrolanguage) and
# "nn" (Nynorsk, which icsat does not have; Bokmål is the nearer of its languages).
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb"}
STATUS_FILTERS = ("active", "left", "all")


def _is_hr_admin():
    """Whether the person of each row is an HR admin, as a column: written out, not an
    Exists(), as every request reads it with the signed-in person, and the ORM took longer
    to build that subquery (~0.6 ms) than the database to answer the whole query."""
    return RawSQL(  # noqa: S611 -- names from the metadata, the value a parameter
        _is_hr_admin_sql(), [settings.ICSAT_HR_ADMIN_GROUP], output_field=BooleanField()
    )


def signed_in_person(user_id):
    """The person a session is signed in as, with what every page asks of them: their
    profile (language, time zone, associate or not) and whether they are an HR admin, in
    one query (``permissions.is_hr_admin`` reads the flag kept on the user). None if gone."""
    try:
        return (
            User.objects.select_related("employee")
            .annotate(**{permissions.HR_ADMIN_FLAG: _is_hr_admin()})
            .get(pk=user_id)
        )
    except User.DoesNotExist:
        return None


@functools.cache
def _is_hr_admin_sql() -> str:
    memberships = User.groups.through._meta

    def quote(name: str | None) -> str:  # a model's column: None only for fields without one
        return connection.ops.quote_name(str(name))

    names = {
        "memberships": quote(memberships.db_table),
        "user": quote(memberships.get_field("user").column),
        "group": quote(memberships.get_field("group").column),
        "groups": quote(Group._meta.db_table),
        "group_pk": quote(Group._meta.pk.column),
        "name": quote(Group._meta.get_field("name").column),
        "users": quote(User._meta.db_table),
        "user_pk": quote(User._meta.pk.column),
    }
    return (  # noqa: S608 -- names from the metadata, the group's name a parameter
        "EXISTS (SELECT 1 FROM {memberships} INNER JOIN {groups} "
        "ON {groups}.{group_pk} = {memberships}.{group} "
        "WHERE {memberships}.{user} = {users}.{user_pk} AND {groups}.{name} = %s)"
    ).format(**names)


def people_for_hr(
    *, query: str = "", department: Department | None = None, role: str = "", status: str = ""
) -> QuerySet:
    """People with their profile, memberships and HR-admin flag; 2 queries per page."""
    people = (
        User.objects.select_related("employee__home_department")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("department").order_by(
                    "department__name"
                ),
            )
        )
        .annotate(is_hr_admin=_is_hr_admin())
        .order_by("last_name", "first_name", "username")
    )
    query = query.strip()
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if department is not None:
        people = people.filter(
            Q(employee__home_department=department) | Q(memberships__department=department)
        ).distinct()
    if role in ("agent", "lead"):
        people = people.filter(memberships__role=role).distinct()
    elif role == "hr_admin":
        people = people.filter(is_hr_admin=True)
    elif role == "associate":
        people = people.filter(employee__is_associate=True)
    if status == "left":
        people = people.filter(is_active=False)
    elif status != "all":
        people = people.filter(is_active=True)
    return people


def person_for_hr(user_id: int):
    """One person as the people page shows them, with their open work counted; or None."""
    return (
        people_for_hr(status="all")
        .annotate(
            open_assigned=Exists(
                Ticket.objects.filter(assignee=OuterRef("pk"), status__in=Ticket.ACTIVE_STATUSES)
            )
        )
        .filter(pk=user_id)
        .first()
    )


def site_language(*values: str) -> str:
    """The first value that names one of the site's languages ("nb-NO", "es_ES", "no" ->
    "nb", "es", "nb"); empty when none does. For what a directory or a provider says."""
    codes = dict(settings.LANGUAGES)
    for value in values:
        code = (value or "").replace("_", "-").split("-")[0].strip().lower()
        code = LANGUAGE_ALIASES.get(code, code)
        if code in codes:
            return code
    return ""


def department_named(name: str) -> Department | None:
    """The existing department with this name or slug, case-insensitively (a directory's
    or a provider's word for it); None when there is none. Never creates one."""
    name = (name or "").strip()
    if not name:
        return None
    return (
        Department.objects.filter(Q(name__iexact=name) | Q(slug__iexact=name))
        .order_by("pk")
        .first()
    )
