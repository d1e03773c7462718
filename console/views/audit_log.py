"""The HR admins' audit log page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from requests_app.views.common import paginate, query_without_page

from .. import audit_display, audit_selectors
from ..forms import AuditFilterForm
from ..permissions import can_view_audit_log

PER_PAGE = 50


@login_required
@require_GET
def audit_log(request):
    # 403, not 404: that an audit log exists is no secret, only its rows are.
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, departments=audit_selectors.audit_departments())
    entries = audit_selectors.audit_entries_visible_to(request.user, **form.filters())
    page = paginate(request, entries, PER_PAGE)
    return render(
        request,
        "console/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [audit_display.row(entry) for entry in page],
            "query_string": query_without_page(request),
        },
    )
