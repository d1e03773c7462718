"""HR admins manage people: search, home department, roles, leaving and coming back."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.services import person_name

from .. import permissions
from ..content import translated
from ..exceptions import TicketError
from ..forms.people import PeopleFilterForm, PeopleImportForm, PersonForm, PersonRoleForm
from ..models import Membership
from ..selectors.people import people_for_hr, person_for_hr
from ..services import departments as department_services
from ..services import people as people_services
from ..services import people_import
from .common import paginate, query_without_page, require


def _person(request, user_id):
    require(permissions.can_manage_people(request.user))
    person = person_for_hr(user_id)
    require(person is not None)
    return person


@login_required
@require_GET
def people_list(request):
    require(permissions.can_manage_people(request.user))
    form = PeopleFilterForm(request.GET or None)
    page = paginate(request, people_for_hr(**form.filters()), settings.ICSAT_PAGE_SIZE)
    return render(
        request,
        "requests_app/people_list.html",
        {"form": form, "page": page, "query_string": query_without_page(request)},
    )


@login_required
def person_detail(request, user_id):
    person = _person(request, user_id)
    employee = getattr(person, "employee", None)
    form = PersonForm(
        request.POST or None,
        initial={
            "home_department": employee.home_department if employee else None,
            "hr_admin": person.is_hr_admin,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = people_services.person_update(
                user_id=person.pk,
                actor=request.user,
                home_department=form.cleaned_data["home_department"],
                hr_admin=form.cleaned_data["hr_admin"],
            )
        except TicketError as error:
            messages.error(request, str(error.message))
        else:
            if changed:
                messages.success(request, _("%(name)s saved.") % {"name": person_name(person)})
            else:
                messages.info(request, _("Nothing changed."))
        return redirect("requests_app:person_detail", user_id=person.pk)
    return render(
        request,
        "requests_app/person_detail.html",
        {"person": person, "form": form, "role_form": PersonRoleForm()},
    )


@login_required
@require_POST
def person_role(request, user_id):
    person = _person(request, user_id)
    back = reverse("requests_app:person_detail", kwargs={"user_id": person.pk})
    form = PersonRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a department and a role."))
        return redirect(back)
    department, role = form.cleaned_data["department"], form.cleaned_data["role"]
    try:
        if role == "none":
            if Membership.objects.filter(user=person, department=department).exists():
                department_services.membership_remove(
                    actor=request.user, department=department, user=person
                )
        else:
            department_services.membership_set(
                actor=request.user, department=department, user=person, role=role
            )
    except TicketError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s's role in %(department)s saved.")
            % {"name": person_name(person), "department": translated(department, "name")},
        )
    return redirect(back)


@login_required
@require_POST
def person_deactivate(request, user_id):
    person = _person(request, user_id)
    try:
        report = people_services.person_deactivate(user_id=person.pk, actor=request.user)
    except TicketError as error:
        messages.error(request, str(error.message))
    else:
        if report.deactivated:
            messages.success(
                request,
                _(
                    "%(name)s is deactivated: signed out everywhere, asked no more surveys; "
                    "%(requests)s open requests went to their department's lead or queue, "
                    "%(handoffs)s waiting handoffs were cancelled."
                )
                % {
                    "name": person_name(person),
                    "requests": report.requests_reassigned,
                    "handoffs": report.handoffs_cancelled,
                },
            )
            if report.sole_lead_of:
                messages.warning(
                    request,
                    _("%(name)s was the only lead of %(departments)s: name a new lead there.")
                    % {"name": person_name(person), "departments": ", ".join(report.sole_lead_of)},
                )
        else:
            messages.info(
                request, _("%(name)s was already deactivated.") % {"name": person_name(person)}
            )
    return redirect("requests_app:person_detail", user_id=person.pk)


@login_required
@require_POST
def person_reactivate(request, user_id):
    person = _person(request, user_id)
    if people_services.person_reactivate(user_id=person.pk, actor=request.user):
        messages.success(request, _("%(name)s is active again.") % {"name": person_name(person)})
    else:
        messages.info(request, _("%(name)s was already active.") % {"name": person_name(person)})
    return redirect("requests_app:person_detail", user_id=person.pk)


IMPORT_SALT = "icsat.people-import"


def _import_preview(request, data: bytes, deactivate_missing: bool, form):
    try:
        plan = people_import.people_import_plan(
            data=data, deactivate_missing=deactivate_missing, actor=request.user
        )
    except people_import.PeopleImportError as error:
        form.add_error("file", str(error.message))
        return render(request, "requests_app/people_import.html", {"form": form})
    # The file travels back signed with the apply button: what is applied is what was previewed.
    payload = signing.dumps(
        {"data": base64.b64encode(data).decode(), "deactivate": deactivate_missing},
        salt=IMPORT_SALT,
        compress=True,
    )
    return render(
        request,
        "requests_app/people_import.html",
        {"form": form, "plan": plan, "payload": payload},
    )


@login_required
def people_import_page(request):
    require(permissions.can_manage_people(request.user))
    if request.method == "POST" and request.POST.get("action") == "apply":
        try:
            payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
            plan = people_import.people_import_apply(
                data=base64.b64decode(payload["data"]),
                deactivate_missing=bool(payload["deactivate"]),
                actor=request.user,
            )
        except signing.BadSignature:
            messages.error(
                request, _("That preview is too old or was changed: upload the file again.")
            )
            return redirect("requests_app:people_import")
        except TicketError as error:
            messages.error(request, str(error.message))
            return redirect("requests_app:people_import")
        messages.success(
            request,
            _(
                "Imported: %(created)s added, %(changed)s changed, %(reactivated)s back, "
                "%(deactivated)s deactivated."
            )
            % {
                "created": len(plan.creates),
                "changed": len(plan.changes),
                "reactivated": len(plan.reactivations),
                "deactivated": len(plan.deactivations),
            },
        )
        return redirect("requests_app:people_list")
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _import_preview(
            request,
            form.cleaned_data["file"].read(),
            form.cleaned_data["deactivate_missing"],
            form,
        )
    return render(request, "requests_app/people_import.html", {"form": form})
