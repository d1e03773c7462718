"""Pages of follow-ups: a department's list for its leads and HR admins, an agent's own
list, and one follow-up with its owner, contact and close forms."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from requests_app.exceptions import TicketError
from requests_app.permissions import is_staff_member
from requests_app.selectors import department_get
from requests_app.views.common import paginate, query_without_page, require

from ..models import FollowUp
from ..permissions import can_see_department_follow_ups
from ..selectors import followups as selectors
from ..services import followups as services


class StateForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            (selectors.OPEN, gettext_lazy("Open")),
            (selectors.CLOSED, gettext_lazy("Closed")),
            (selectors.ALL, gettext_lazy("All")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def chosen(self) -> str:
        return (self.is_valid() and self.cleaned_data["state"]) or selectors.OPEN


class OwnerForm(forms.Form):
    owner = forms.IntegerField(label=gettext_lazy("Owner"))


class ContactForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How you contacted them"),
        max_length=services.CONTACT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Say in a few words how you contacted the requester.")
        },
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=FollowUp.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose an outcome.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Why (required for no action)"),
        required=False,
        max_length=services.OUTCOME_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == FollowUp.Outcome.NO_ACTION and not data.get("note", "").strip():
            self.add_error("note", _("Say why no action is taken."))
        return data


def _list(request, template: str, follow_ups, extra: dict):
    form = StateForm(request.GET or None)
    state = form.chosen()
    today = selectors.site_today()
    page = paginate(request, follow_ups(state), settings.ICSAT_PAGE_SIZE)
    rows = [selectors.row_of(follow_up, today) for follow_up in page]
    return render(
        request,
        template,
        {
            "form": form,
            "state": state,
            "page": page,
            "rows": rows,
            "query_string": query_without_page(request),
            **extra,
        },
    )


@login_required
@require_GET
def followup_list(request, department_slug):
    department = department_get(department_slug, active_only=False)
    require(can_see_department_follow_ups(request.user, department))
    return _list(
        request,
        "loop/followup_list.html",
        lambda state: selectors.department_follow_ups(department, state=state),
        {
            "department": department,
            "counts": selectors.department_follow_up_counts(department, selectors.site_today()),
        },
    )


@login_required
@require_GET
def followup_mine(request):
    require(is_staff_member(request.user))
    return _list(
        request,
        "loop/followup_mine.html",
        lambda state: selectors.follow_ups_owned_by(request.user, state=state),
        {},
    )


def _detail(request, follow_up, *, status=200, **forms_bound):
    page = selectors.follow_up_page(request.user, follow_up, selectors.site_today())
    context = {
        "follow_up": follow_up,
        "page": page,
        "row": page.row,
        "owner_form": OwnerForm(initial={"owner": follow_up.owner_id}),
        "contact_form": ContactForm(),
        "close_form": CloseForm(),
        **forms_bound,
    }
    return render(request, "loop/followup_detail.html", context, status=status)


@login_required
@require_GET
def followup_detail(request, follow_up_id):
    return _detail(request, selectors.follow_up_get(request.user, follow_up_id))


def _change(request, follow_up_id, form_name: str, form_class, change):
    """Bind the form, make the change, and go back to the page; a refused change
    re-renders the page with what was typed and the reason (400), so nothing is lost."""
    follow_up = selectors.follow_up_get(request.user, follow_up_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, follow_up, status=400, **{form_name: form})
    try:
        message = change(follow_up, form.cleaned_data)
    except TicketError as error:
        messages.error(request, str(error.message))
        follow_up.refresh_from_db()
        return _detail(request, follow_up, status=400, **{form_name: form})
    messages.success(request, message)
    return redirect("loop:followup_detail", follow_up_id=follow_up.pk)


@login_required
@require_POST
def followup_owner(request, follow_up_id):
    def change(follow_up, data):
        services.follow_up_assign(
            follow_up_id=follow_up.pk, actor=request.user, owner_id=data["owner"]
        )
        return _("Owner changed.")

    return _change(request, follow_up_id, "owner_form", OwnerForm, change)


@login_required
@require_POST
def followup_contacted(request, follow_up_id):
    def change(follow_up, data):
        services.follow_up_mark_contacted(
            follow_up_id=follow_up.pk, actor=request.user, note=data["note"]
        )
        return _("Marked as contacted.")

    return _change(request, follow_up_id, "contact_form", ContactForm, change)


@login_required
@require_POST
def followup_close(request, follow_up_id):
    def change(follow_up, data):
        services.follow_up_close(
            follow_up_id=follow_up.pk,
            actor=request.user,
            outcome=data["outcome"],
            note=data["note"],
        )
        return _("Follow-up closed.")

    return _change(request, follow_up_id, "close_form", CloseForm, change)


@login_required
@require_POST
def followup_reopen(request, follow_up_id):
    follow_up = selectors.follow_up_get(request.user, follow_up_id)
    try:
        services.follow_up_reopen(follow_up_id=follow_up.pk, actor=request.user)
    except TicketError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Follow-up reopened."))
    return redirect("loop:followup_detail", follow_up_id=follow_up.pk)


urlpatterns = [
    path(
        "manage/<slug:department_slug>/follow-ups/",
        followup_list,
        name="followup_list",
    ),
    path("follow-ups/", followup_mine, name="followup_mine"),
    path("follow-ups/<int:follow_up_id>/", followup_detail, name="followup_detail"),
    path("follow-ups/<int:follow_up_id>/owner/", followup_owner, name="followup_owner"),
    path(
        "follow-ups/<int:follow_up_id>/contacted/",
        followup_contacted,
        name="followup_contacted",
    ),
    path("follow-ups/<int:follow_up_id>/close/", followup_close, name="followup_close"),
    path("follow-ups/<int:follow_up_id>/reopen/", followup_reopen, name="followup_reopen"),
]
