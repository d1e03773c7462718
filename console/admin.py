"""The audit log in the Django admin: read-only, rows are written by the services only."""

from django.contrib import admin

from audit.models import AuditEntry
from requests_app.admin import ReadOnly


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "kind", "object_name", "department_name"]
    list_filter = ["kind"]
    search_fields = ["object_name", "actor_name", "department_name"]
