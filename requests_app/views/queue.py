"""The department queue agents and leads work from."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import forms, permissions, selectors
from .common import count_label, paginate, query_without_page, require


@login_required
@require_GET
def department_queue(request, department_slug):
    department = selectors.department_get(department_slug, active_only=False)
    require(permissions.can_work_queue(request.user, department))
    request_types = list(department.request_types.all())
    form = forms.QueueFilterForm(request.GET or None, request_types=request_types)
    filters = selectors.QueueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            status=data["status"] or "active",
            request_type=data["type"],
            assignee=data["assignee"] or "any",
            overdue=data["overdue"],
            query=data["q"],
            sort=data["sort"] or "due",
        )
    tickets = selectors.queue_tickets(department, request.user, filters)
    counts = selectors.queue_status_counts(department)
    known = selectors.queue_length_from_tabs(filters, counts)
    page = paginate(request, tickets, settings.ICSAT_PAGE_SIZE, known_count=known)
    return render(
        request,
        "requests_app/queue_list.html",
        {
            "department": department,
            "form": form,
            "filters": filters,
            "page": page,
            "counts": counts,
            "count_labels": {
                name: count_label(n, selectors.TAB_COUNT_CAP) for name, n in counts.items()
            },
            "now": timezone.now(),
            "query_string": query_without_page(request),
            "is_lead": permissions.can_manage_department(request.user, department),
        },
    )
