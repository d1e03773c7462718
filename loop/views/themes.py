"""Pages of comment themes: a department's theme list (name, rename, retire) and the
tagging of a dashboard comment, which returns to the dashboard it came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_app.content import translated, translation_keys
from requests_app.exceptions import TicketError
from requests_app.selectors import department_get
from requests_app.views.common import require

from ..forms.themes import CommentThemeForm, ThemeForm
from ..permissions import can_manage_themes
from ..selectors import themes as selectors
from ..services import themes as services


def _department(request, department_slug):
    department = department_get(department_slug, active_only=False)
    require(can_manage_themes(request.user, department))
    return department


def _names(form: ThemeForm) -> dict:
    return {key: form.cleaned_data.get(key) or "" for key in translation_keys("name")}


@login_required
def theme_list(request, department_slug):
    """The department's themes and a form to add one (POST creates)."""
    department = _department(request, department_slug)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(actor=request.user, department=department, **_names(form))
        except TicketError as error:
            form.add_error("name", str(error.message))
        else:
            messages.success(request, _("Theme “%(name)s” added.") % {"name": theme.name})
            return redirect("loop:theme_list", department_slug=department.slug)
    return render(
        request,
        "loop/theme_list.html",
        {
            "department": department,
            "themes": selectors.department_themes(department),
            "form": form,
            "dashboard_url": reverse("insights:department_dashboard", args=[department.slug]),
        },
    )


@login_required
def theme_edit(request, department_slug, theme_id):
    """Rename a theme in any of the three languages."""
    department = _department(request, department_slug)
    theme = selectors.theme_get(department, theme_id)
    require(theme is not None)
    initial = {"name": theme.name, "name_es": theme.name_es, "name_nb": theme.name_nb}
    form = ThemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(actor=request.user, theme=theme, **_names(form))
        except TicketError as error:
            form.add_error("name", str(error.message))
        else:
            messages.success(request, _("Theme saved."))
            return redirect("loop:theme_list", department_slug=department.slug)
    return render(
        request, "loop/theme_form.html", {"department": department, "theme": theme, "form": form}
    )


@login_required
@require_POST
def theme_active(request, department_slug, theme_id):
    """Retire a theme (no new tags; its tags stay counted) or put it back in use."""
    department = _department(request, department_slug)
    theme = selectors.theme_get(department, theme_id)
    require(theme is not None)
    active = request.POST.get("active") == "1"
    services.theme_update(actor=request.user, theme=theme, is_active=active)
    text = _("“%(name)s” is in use again.") if active else _("“%(name)s” is retired.")
    messages.success(request, text % {"name": translated(theme, "name")})
    return redirect("loop:theme_list", department_slug=department.slug)


def _back(request, department, target: str):
    """Back to the page the form was on (the dashboard with its filters), on this site."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(f"{target.split('#')[0]}#comments-heading")
    return redirect("loop:theme_list", department_slug=department.slug)


@login_required
@require_POST
def comment_theme(request, department_slug):
    """Add a theme to a dashboard comment, or take it off; then back to the dashboard."""
    department = _department(request, department_slug)
    form = CommentThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("That form was incomplete; go back and try again."))
    data = form.cleaned_data
    if data["theme"] is None:
        messages.error(request, _("Choose a theme for the comment first."))
        return _back(request, department, data["next"])
    response = selectors.commented_response_find(department, data["comment"], data["week"])
    theme = selectors.theme_get(department, data["theme"])
    if response is None or theme is None:
        messages.error(request, _("That comment or theme is not one of this department's."))
        return _back(request, department, data["next"])
    name = translated(theme, "name")
    try:
        if data["op"] == "add":
            services.comment_tag(actor=request.user, response=response, theme=theme)
            messages.success(request, _("Comment tagged “%(name)s”.") % {"name": name})
        else:
            services.comment_untag(actor=request.user, response=response, theme=theme)
            messages.success(request, _("“%(name)s” taken off the comment.") % {"name": name})
    except TicketError as error:
        messages.error(request, str(error.message))
    return _back(request, department, data["next"])


urlpatterns = [
    path("manage/<slug:department_slug>/themes/", theme_list, name="theme_list"),
    path(
        "manage/<slug:department_slug>/themes/<int:theme_id>/",
        theme_edit,
        name="theme_edit",
    ),
    path(
        "manage/<slug:department_slug>/themes/<int:theme_id>/in-use/",
        theme_active,
        name="theme_active",
    ),
    path(
        "manage/<slug:department_slug>/themes/comment/",
        comment_theme,
        name="comment_theme",
    ),
]
