"""The Django admin as a window, not a back door: every model here is read-only.

Tickets change only through the services (which lock the row, bump its version, write
the audit event, keep the dashboards' rollups and trigger the survey); departments,
memberships and request types through icsat's own Manage pages, which call the services
that keep a department's prefix and its last lead. The admin lets a superuser look.
"""

from django.contrib import admin

from .models import Attachment, Department, Employee, Membership, RequestType, Ticket, TicketEvent


class ReadOnly:
    """No adding, changing or deleting from the admin; viewing stays."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Department)
class DepartmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "prefix", "is_active", "reopen_days"]
    inlines = [MembershipInline]


@admin.register(Employee)
class EmployeeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "home_department", "language", "is_associate"]
    list_filter = ["is_associate", "home_department", "language"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]


@admin.register(RequestType)
class RequestTypeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "department", "sla_hours", "is_active"]
    list_filter = ["department", "is_active"]


class TicketEventInline(ReadOnly, admin.TabularInline):
    model = TicketEvent
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["reference", "title", "department", "status", "requester", "created_at"]
    list_filter = ["department", "status", "kind"]
    search_fields = ["reference", "title"]
    inlines = [TicketEventInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["original_name", "ticket", "size", "content_type", "created_at"]
