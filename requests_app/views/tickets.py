"""Pages of the person who asks: new request, handoff, my requests, a ticket."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import forms, permissions, selectors
from ..content import option_label, translated
from ..exceptions import StaleTicket, TicketError
from ..models import RequestType, Ticket
from ..services import tickets as ticket_services
from ..uploads import sanitize_filename
from .common import paginate, query_without_page, refuse_as_message, require


def _ticket_url(request, reference, *args, **kwargs):
    return reverse("requests_app:ticket_detail", kwargs={"reference": reference})


@login_required
@require_GET
def home(request):
    context = selectors.home_summary(request.user)
    context["departments"] = selectors.departments_worked_by(request.user)
    return render(request, "requests_app/home.html", context)


@login_required
@require_GET
def new_request(request):
    departments = selectors.departments_accepting_requests()
    return render(
        request, "requests_app/request_choose_department.html", {"departments": departments}
    )


@login_required
@require_GET
def new_request_department(request, department_slug):
    department = selectors.department_get(department_slug)
    request_types = selectors.request_types_offered(department)
    return render(
        request,
        "requests_app/request_choose_type.html",
        {"department": department, "request_types": request_types},
    )


@login_required
def new_request_form(request, department_slug, type_slug):
    department = selectors.department_get(department_slug)
    request_type = selectors.request_type_get(department, type_slug)
    if request.method == "POST":
        form = forms.RequestForm(request.POST, request.FILES, request_type=request_type)
        if form.is_valid():
            data, field_files = form.custom_data()
            try:
                ticket = ticket_services.ticket_create(
                    requester=request.user,
                    request_type=request_type,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    priority=form.cleaned_data["priority"],
                    data=data,
                    files=form.cleaned_data["files"],
                    field_files=field_files,
                    submission_key=form.cleaned_data.get("submission_key"),
                )
            except TicketError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request,
                    _("Request %(reference)s was sent to %(department)s.")
                    % {"reference": ticket.reference, "department": translated(department, "name")},
                )
                return redirect(ticket)
    else:
        form = forms.RequestForm(request_type=request_type)
    return render(
        request,
        "requests_app/request_form.html",
        {"form": form, "department": department, "request_type": request_type},
    )


@login_required
def handoff_new(request):
    require(permissions.can_use_directory(request.user))
    colleague = None
    if request.method == "POST":
        form = forms.HandoffForm(request.POST, request.FILES)
        if form.is_valid():
            colleague = selectors.colleague_get(form.cleaned_data["colleague"])
            try:
                ticket = ticket_services.handoff_create(
                    requester=request.user,
                    colleague=colleague,
                    title=form.cleaned_data["title"],
                    message=form.cleaned_data["message"],
                    files=form.cleaned_data["files"],
                    submission_key=form.cleaned_data.get("submission_key"),
                )
            except TicketError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("%(reference)s was sent to %(name)s.")
                    % {
                        "reference": ticket.reference,
                        "name": colleague.get_full_name() or colleague.username,
                    },
                )
                return redirect(ticket)
        elif form.cleaned_data.get("colleague"):
            colleague = selectors.colleague_get(form.cleaned_data["colleague"])
    else:
        form = forms.HandoffForm()
    return render(request, "requests_app/handoff_form.html", {"form": form, "colleague": colleague})


@login_required
@require_GET
def colleague_search(request):
    """The options of the colleague picker; rendered as a listbox fragment."""
    require(permissions.can_use_directory(request.user))
    people = selectors.colleagues_matching(request.user, request.GET.get("q", ""))
    return render(
        request,
        "requests_app/_colleague_options.html",
        {"people": people, "query": request.GET.get("q", "")},
    )


@login_required
@require_GET
def my_requests(request):
    form = forms.MyRequestsFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"]
    tickets = selectors.my_requests(request.user, status=status, query=query)
    page = paginate(request, tickets, settings.ICSAT_PAGE_SIZE)
    return render(
        request,
        "requests_app/ticket_my_list.html",
        {"form": form, "page": page, "query_string": query_without_page(request)},
    )


@login_required
@require_GET
def assigned_to_me(request):
    form = forms.AssignedFilterForm(request.GET or None)
    status, query = "active", ""
    if form.is_valid():
        status, query = form.cleaned_data["status"] or "active", form.cleaned_data["q"]
    tickets = selectors.assigned_to(request.user, status=status, query=query)
    page = paginate(request, tickets, settings.ICSAT_PAGE_SIZE)
    return render(
        request,
        "requests_app/ticket_assigned_list.html",
        {"form": form, "page": page, "query_string": query_without_page(request)},
    )


def _detail_context(request, ticket: Ticket, **forms_override) -> dict:
    user = request.user
    can_work = permissions.can_work_ticket(user, ticket)
    include_internal = permissions.can_see_internal_notes(user, ticket)
    context = {
        "ticket": ticket,
        "timeline": selectors.ticket_timeline(ticket, include_internal=include_internal),
        "cc_names": selectors.ticket_cc_names(ticket),
        "can_work": can_work,
        "can_add_notes": include_internal,
        "is_requester": permissions.can_act_as_requester(user, ticket),
        "can_reopen": ticket_services.can_still_reopen(ticket),
        "reopen_deadline": ticket_services.reopen_deadline(ticket),
        "is_overdue": ticket.is_active
        and ticket.due_at is not None
        and ticket.due_at < timezone.now(),
        "reply_form": forms.ReplyForm(initial={"version": ticket.version}),
        "reopen_form": forms.ReopenForm(),
        "cancel_form": forms.CancelForm(initial={"version": ticket.version}),
        "field_rows": _field_rows(ticket),
    }
    if can_work:
        members = (
            selectors.department_members(ticket.department)
            if ticket.kind == Ticket.Kind.REQUEST
            else []
        )
        context.update(
            status_form=forms.StatusForm(initial={"version": ticket.version}),
            assign_form=forms.AssignForm(
                members=members, initial={"assignee": ticket.assignee_id, "version": ticket.version}
            ),
            resolve_form=forms.ResolveForm(initial={"version": ticket.version}),
        )
    context.update(forms_override)
    return context


def _field_rows(ticket: Ticket) -> list[dict]:
    """The answers of the request form, labelled as the requester saw them."""
    specs = (ticket.request_type.fields if ticket.request_type else None) or []
    rows = []
    for spec in specs:
        value = ticket.data.get(spec["name"])
        if value is None:
            continue
        row = {"label": translated(spec, "label") or spec["name"], "value": value}
        if isinstance(value, dict) and "attachment_id" in value:
            row = {
                "label": row["label"],
                "attachment_id": value["attachment_id"],
                "value": value.get("name"),
            }
        elif isinstance(value, bool):
            row["value"] = _("Yes") if value else _("No")
        elif spec.get("kind") == RequestType.FieldKind.CHOICE:
            row["value"] = option_label(spec, value)
        rows.append(row)
    return rows


@login_required
def ticket_detail(request, reference):
    ticket = selectors.ticket_get_for(request.user, reference)
    return render(request, "requests_app/ticket_detail.html", _detail_context(request, ticket))


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_reply(request, reference):
    ticket = selectors.ticket_get_for(request.user, reference)
    form = forms.ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Your reply was not sent; see the form below."))
        return render(
            request,
            "requests_app/ticket_detail.html",
            _detail_context(request, ticket, reply_form=form),
            status=400,
        )
    try:
        event = ticket_services.ticket_reply(
            ticket_id=ticket.pk,
            actor=request.user,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
            files=form.cleaned_data["files"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleTicket:
        return _reply_again(request, reference, form)
    messages.success(request, _("Internal note added.") if event.is_internal else _("Reply sent."))
    return redirect(ticket)


def _reply_again(request, reference, form):
    """The ticket page as it is now, with the refused reply's text back in the form.

    A redirect would lose what the person wrote; the form carries the new
    version so that sending again after reading is accepted.
    """
    ticket = selectors.ticket_get_for(request.user, reference)
    text = _(
        "This request changed while you were writing: read the new activity below, then send again."
    )
    if form.cleaned_data["files"]:
        # A browser never refills a file input: say so rather than drop them silently.
        text += " " + _("Attach your files again too.")
    messages.error(request, text)
    kept = forms.ReplyForm(
        initial={
            "body": form.cleaned_data["body"],
            "internal": form.cleaned_data["internal"],
            "version": ticket.version,
        }
    )
    return render(
        request,
        "requests_app/ticket_detail.html",
        _detail_context(request, ticket, reply_form=kept),
        status=409,
    )


def _versioned_action(request, reference, form_class, perform, success_message, **form_kwargs):
    """Bind a small action form, call one service; errors come back as messages."""
    ticket = selectors.ticket_get_for(request.user, reference)
    form = form_class(request.POST, **form_kwargs(ticket) if form_kwargs else {})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(ticket)
    perform(ticket, form.cleaned_data)
    messages.success(request, success_message)
    return redirect(ticket)


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_claim(request, reference):
    ticket = selectors.ticket_get_for(request.user, reference)
    ticket_services.ticket_claim(
        ticket_id=ticket.pk,
        actor=request.user,
        expected_version=_int_or_none(request.POST.get("version")),
    )
    messages.success(request, _("The request is assigned to you."))
    return redirect(ticket)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_assign(request, reference):
    def members(ticket):
        return {"members": selectors.department_members(ticket.department)}

    return _versioned_action(
        request,
        reference,
        forms.AssignForm,
        lambda ticket, data: ticket_services.ticket_assign(
            ticket_id=ticket.pk,
            actor=request.user,
            assignee=selectors.user_get(data["assignee"]) if data["assignee"] else None,
            expected_version=data["version"],
        ),
        _("Assignee changed."),
        form_kwargs=members,
    )


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_status(request, reference):
    return _versioned_action(
        request,
        reference,
        forms.StatusForm,
        lambda ticket, data: ticket_services.ticket_set_status(
            ticket_id=ticket.pk,
            actor=request.user,
            status=data["status"],
            expected_version=data["version"],
        ),
        _("Status changed."),
    )


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_resolve(request, reference):
    return _versioned_action(
        request,
        reference,
        forms.ResolveForm,
        lambda ticket, data: ticket_services.ticket_resolve(
            ticket_id=ticket.pk,
            actor=request.user,
            note=data["note"],
            expected_version=data["version"],
        ),
        _("The request is resolved."),
    )


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_reopen(request, reference):
    return _versioned_action(
        request,
        reference,
        forms.ReopenForm,
        lambda ticket, data: ticket_services.ticket_reopen(
            ticket_id=ticket.pk,
            actor=request.user,
            reason=data["reason"],
        ),
        _("The request is open again."),
    )


@login_required
@require_POST
@refuse_as_message(_ticket_url)
def ticket_cancel(request, reference):
    return _versioned_action(
        request,
        reference,
        forms.CancelForm,
        lambda ticket, data: ticket_services.ticket_cancel(
            ticket_id=ticket.pk,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The request is cancelled."),
    )


@login_required
@require_GET
def attachment_download(request, attachment_id):
    attachment = selectors.attachment_get_for(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        require(False)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=sanitize_filename(attachment.original_name),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
