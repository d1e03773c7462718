from django.contrib import admin

from .models import Attachment, Department, Employee, Membership, RequestType, Ticket, TicketEvent


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "is_active", "reopen_days"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["user", "home_department", "language", "is_associate"]
    list_filter = ["is_associate", "home_department", "language"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "sla_hours", "is_active"]
    list_filter = ["department", "is_active"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "actor",
        "kind",
        "body",
        "is_internal",
        "from_status",
        "to_status",
        "created_at",
    ]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "department", "status", "requester", "created_at"]
    list_filter = ["department", "status", "kind"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "version", "submission_key"]
    raw_id_fields = ["requester", "assignee", "resolved_by", "cc"]
    inlines = [TicketEventInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "size", "content_type", "created_at"]
    raw_id_fields = ["ticket", "event", "uploaded_by"]
