"""Reads of the audit page, scoped to who may see them."""

from django.db.models import QuerySet

from audit.models import AuditEntry
from requests_app.models import Department

from .permissions import can_view_audit_log


def audit_entries_visible_to(
    user, *, department_id: int | None = None, kind: str | None = None
) -> QuerySet[AuditEntry]:
    """Newest first; nothing for those who may not read the log. One query per page."""
    if not can_view_audit_log(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.order_by("-created_at", "-pk")
    if department_id is not None:
        entries = entries.filter(department_id=department_id)
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def audit_departments() -> list[tuple[int, str]]:
    """(id, name) of every department, for the filter."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))
