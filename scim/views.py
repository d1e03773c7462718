"""The HR admins' provisioning page: bearer tokens and directory group mappings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_app.exceptions import TicketError
from requests_app.views.common import require

from . import selectors
from .forms import MappingForm, TokenForm
from .permissions import can_manage_provisioning
from .services import groups as group_services
from .services import tokens as token_services


def _page(request, token_form=None, mapping_form=None, new_token=None, status=200):
    return render(
        request,
        "scim/provisioning.html",
        {
            "base_url": settings.ICSAT_BASE_URL + reverse("scim:root"),
            "tokens": selectors.tokens_for_page(),
            "mappings": selectors.mappings_for_page(),
            "groups": selectors.directory_groups_for_page(),
            "unmatched": selectors.unmatched_departments(),
            "token_form": token_form or TokenForm(prefix="token"),
            "mapping_form": mapping_form or MappingForm(prefix="mapping"),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
def provisioning(request):
    require(can_manage_provisioning(request.user))
    if request.method != "POST":
        return _page(request)
    if request.POST.get("action") == "token":
        form = TokenForm(request.POST, prefix="token")
        if not form.is_valid():
            return _page(request, token_form=form)
        token, raw = token_services.token_create(actor=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the value is shown once and never stored in a session.
        return _page(request, new_token={"name": token.name, "value": raw})
    form = MappingForm(request.POST, prefix="mapping")
    if not form.is_valid():
        return _page(request, mapping_form=form)
    try:
        group_services.mapping_create(actor=request.user, **form.cleaned_data)
    except TicketError as error:
        form.add_error(None, str(error.message))
        return _page(request, mapping_form=form)
    messages.success(
        request,
        _("Members of %(group)s now get their role in icsat.")
        % {"group": form.cleaned_data["directory_group"]},
    )
    return redirect("scim:provisioning")


@login_required
@require_POST
def token_revoke(request, token_id):
    require(can_manage_provisioning(request.user))
    if token_services.token_revoke(actor=request.user, token_id=token_id):
        messages.success(request, _("The token is revoked: the directory using it is refused."))
    return redirect("scim:provisioning")


@login_required
@require_POST
def mapping_delete(request, mapping_id):
    require(can_manage_provisioning(request.user))
    group_services.mapping_delete(actor=request.user, mapping_id=mapping_id)
    messages.success(
        request,
        _("Mapping removed. Roles it gave stay; change them on the people pages."),
    )
    return redirect("scim:provisioning")
