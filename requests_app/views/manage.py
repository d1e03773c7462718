"""Leads shape their department; HR admins manage departments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import forms, permissions, selectors
from ..exceptions import TicketError
from ..models import Department
from ..services import departments as department_services
from .common import require


def _managed_department(request, department_slug) -> Department:
    department = selectors.department_get(department_slug, active_only=False)
    require(permissions.can_manage_department(request.user, department))
    return department


@login_required
@require_GET
def department_list(request):
    require(permissions.can_manage_departments(request.user))
    return render(
        request,
        "requests_app/department_list.html",
        {"departments": selectors.departments_overview()},
    )


@login_required
def department_edit(request, department_slug=None):
    require(permissions.can_manage_departments(request.user))
    department = (
        selectors.department_get(department_slug, active_only=False) if department_slug else None
    )
    form = forms.DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "prefix" or not department}
        saved = department_services.department_save(
            actor=request.user, department=department, **fields
        )
        messages.success(request, _("%(name)s saved.") % {"name": saved.name})
        return redirect("requests_app:department_list")
    return render(
        request, "requests_app/department_form.html", {"form": form, "department": department}
    )


@login_required
@require_GET
def request_type_list(request, department_slug):
    department = _managed_department(request, department_slug)
    return render(
        request,
        "requests_app/request_type_list.html",
        {
            "department": department,
            "request_types": department.request_types.all(),
        },
    )


@login_required
def request_type_edit(request, department_slug, type_slug=None):
    department = _managed_department(request, department_slug)
    request_type = (
        selectors.request_type_get(department, type_slug, active_only=False) if type_slug else None
    )
    if request.method == "POST":
        form = forms.RequestTypeForm(request.POST, instance=request_type, department=department)
        formset = forms.FieldSpecFormSet(request.POST, prefix="fields")
        if form.is_valid() and formset.is_valid():
            fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
            saved = department_services.request_type_save(
                actor=request.user,
                department=department,
                request_type=request_type,
                fields=formset.specs(),
                **{k: v for k, v in fields.items() if k != "fields"},
            )
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect("requests_app:request_type_list", department_slug=department.slug)
    else:
        form = forms.RequestTypeForm(instance=request_type, department=department)
        formset = forms.FieldSpecFormSet(
            prefix="fields", initial=forms.field_spec_initial(request_type)
        )
    return render(
        request,
        "requests_app/request_type_form.html",
        {
            "department": department,
            "request_type": request_type,
            "form": form,
            "formset": formset,
        },
    )


@login_required
def member_list(request, department_slug):
    department = _managed_department(request, department_slug)
    add_form = forms.MemberAddForm(request.POST or None)
    if request.method == "POST":
        if add_form.is_valid() and (user := selectors.user_get(add_form.cleaned_data["user"])):
            try:
                department_services.membership_set(
                    actor=request.user,
                    department=department,
                    user=user,
                    role=add_form.cleaned_data["role"],
                )
            except TicketError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request, _("%(name)s added.") % {"name": user.get_full_name() or user.username}
                )
                return redirect("requests_app:member_list", department_slug=department.slug)
        else:
            messages.error(request, _("Choose a person from the list."))
    return render(
        request,
        "requests_app/member_list.html",
        {
            "department": department,
            "members": selectors.department_members(department),
            "add_form": add_form,
            "roles": forms.MemberRoleForm.base_fields["role"].choices,
        },
    )


@login_required
@require_GET
def member_search(request, department_slug):
    department = _managed_department(request, department_slug)
    people = selectors.users_not_in(department, request.GET.get("q", ""))
    return render(
        request,
        "requests_app/_colleague_options.html",
        {"people": people, "query": request.GET.get("q", "")},
    )


@login_required
@require_POST
def member_change(request, department_slug, user_id):
    department = _managed_department(request, department_slug)
    user = selectors.user_get(user_id)
    require(user is not None)
    back = reverse("requests_app:member_list", kwargs={"department_slug": department.slug})
    try:
        if request.POST.get("action") == "remove":
            department_services.membership_remove(
                actor=request.user, department=department, user=user
            )
            messages.success(
                request, _("%(name)s removed.") % {"name": user.get_full_name() or user.username}
            )
        else:
            form = forms.MemberRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a valid role."))
                return redirect(back)
            department_services.membership_set(
                actor=request.user,
                department=department,
                user=user,
                role=form.cleaned_data["role"],
            )
            messages.success(request, _("Role changed."))
    except TicketError as error:
        messages.error(request, str(error.message))
    return redirect(back)
