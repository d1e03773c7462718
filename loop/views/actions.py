"""Pages of "you said, we did": a department's page every customer can open, an action's
page, and the leads' editor (drafts, publish, withdraw)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from requests_app.exceptions import TicketError
from requests_app.models import Department
from requests_app.selectors import department_get
from requests_app.views.common import require

from .. import action_sections, permissions
from ..action_forms import ActionForm
from ..models import Action
from ..selectors import actions as selectors
from ..services import actions as services


def _readable_department(request, department_slug) -> Department:
    """A department whose published actions the reader may see; 404 otherwise (an associate
    is not told about departments they never filed to)."""
    department = department_get(department_slug, active_only=False)
    require(permissions.can_see_published_actions(request.user, department))
    return department


def _managed_department(request, department_slug) -> Department:
    department = department_get(department_slug, active_only=False)
    require(permissions.can_manage_actions(request.user, department))
    return department


@login_required
@require_GET
def department_actions(request, department_slug):
    department = _readable_department(request, department_slug)
    return render(
        request,
        "loop/action_department.html",
        {
            "department": department,
            "actions": selectors.department_published_actions(department),
            "can_manage": permissions.can_manage_actions(request.user, department),
        },
    )


@login_required
@require_GET
def action_detail(request, department_slug, pk):
    department = department_get(department_slug, active_only=False)
    action = selectors.action_get(request.user, department, pk)
    return render(
        request,
        "loop/action_detail.html",
        {
            "department": department,
            "action": action,
            "can_manage": permissions.can_manage_actions(request.user, department),
            # Added by apps above loop ("Did it work?" by insights): loop.action_sections.
            "sections": action_sections.sections_for(request.user, action),
        },
    )


@login_required
@require_GET
def action_editor(request, department_slug):
    department = _managed_department(request, department_slug)
    actions = list(selectors.department_actions_for_editor(department))
    return render(
        request,
        "loop/action_editor.html",
        {
            "department": department,
            "drafts": [a for a in actions if a.status == Action.Status.DRAFT],
            "published": [a for a in actions if a.status == Action.Status.PUBLISHED],
            "withdrawn": [a for a in actions if a.status == Action.Status.WITHDRAWN],
        },
    )


@login_required
def action_edit(request, department_slug, pk=None):
    department = _managed_department(request, department_slug)
    action = selectors.action_get(request.user, department, pk) if pk else None
    if action is not None and action.status == Action.Status.WITHDRAWN:
        messages.error(
            request, _("A withdrawn action cannot be changed. Publish it again to change it.")
        )
        return redirect("loop:action_editor", department_slug=department.slug)
    form = ActionForm(request.POST or None, instance=action, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.action_save(
                actor=request.user,
                department=department,
                action_id=action.pk if action else None,
                **form.service_fields(),
            )
        except services.ActionInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except TicketError as error:
            messages.error(request, str(error.message))
            return redirect("loop:action_editor", department_slug=department.slug)
        else:
            if saved.status == Action.Status.PUBLISHED:
                messages.success(request, _("Saved. Your customers see the change now."))
            else:
                messages.success(request, _("Draft saved. Nobody but the leads sees it yet."))
            return redirect("loop:action_editor", department_slug=department.slug)
    return render(
        request,
        "loop/action_form.html",
        {"department": department, "action": action, "form": form},
    )


def _state_change(service, done: str):
    @login_required
    @require_POST
    def view(request, department_slug, pk):
        department = _managed_department(request, department_slug)
        action = selectors.action_get(request.user, department, pk)
        try:
            service(actor=request.user, action_id=action.pk)
        except TicketError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _(done))
        return redirect("loop:action_editor", department_slug=department.slug)

    return view


# Marked for makemessages here, translated when the message is shown.
PUBLISHED = gettext_noop("Published: the department's customers see it now.")
WITHDRAWN = gettext_noop("Withdrawn: it is no longer shown to anyone but the leads.")
DELETED = gettext_noop("Draft deleted.")

action_publish = _state_change(services.action_publish, PUBLISHED)
action_withdraw = _state_change(services.action_withdraw, WITHDRAWN)
action_delete = _state_change(services.action_draft_delete, DELETED)

urlpatterns = [
    path(
        "departments/<slug:department_slug>/you-said-we-did/",
        department_actions,
        name="department_actions",
    ),
    path(
        "departments/<slug:department_slug>/you-said-we-did/<int:pk>/",
        action_detail,
        name="action_detail",
    ),
    path("manage/<slug:department_slug>/actions/", action_editor, name="action_editor"),
    path("manage/<slug:department_slug>/actions/new/", action_edit, name="action_new"),
    path("manage/<slug:department_slug>/actions/<int:pk>/", action_edit, name="action_edit"),
    path(
        "manage/<slug:department_slug>/actions/<int:pk>/publish/",
        action_publish,
        name="action_publish",
    ),
    path(
        "manage/<slug:department_slug>/actions/<int:pk>/withdraw/",
        action_withdraw,
        name="action_withdraw",
    ),
    path(
        "manage/<slug:department_slug>/actions/<int:pk>/delete/",
        action_delete,
        name="action_delete",
    ),
]
