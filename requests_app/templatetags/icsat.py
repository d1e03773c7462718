import html

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, empty=""):
    """A person's full name, else their username; ``empty`` when there is no one."""
    if user is None or user == "":
        return empty
    return user.get_full_name() or user.username


@register.filter
def status_label(code: str) -> str:
    """The translated name of a ticket status code, e.g. 'waiting' → 'Waiting on requester'."""
    from requests_app.models import Ticket

    try:
        return Ticket.Status(code).label
    except ValueError:
        return code


@register.filter
def priority_label(code: str) -> str:
    """The translated name of a ticket priority code (not get_priority_display(): it builds
    a dict of every choice on each call, and the queue asks it per row)."""
    from requests_app.models import Ticket

    try:
        return Ticket.Priority(code).label
    except ValueError:
        return code


# A status's badge colour; anything else (closed, cancelled) is grey.
STATUS_BADGE_CLASSES = {
    "new": "text-bg-primary",
    "open": "text-bg-info",
    "waiting": "text-bg-warning",
    "resolved": "text-bg-success",
}


def _escaped(value) -> str:
    """``conditional_escape`` without its check of every argument for a lazy string:
    the queue's rows escape ~700 values a page, and that check was a quarter of their time."""
    html_method = getattr(value, "__html__", None)
    return html_method() if html_method is not None else html.escape(str(value))


@register.filter
def status_badge(ticket) -> str:
    """The ticket's status as a coloured badge. A filter, not an included template: the
    lists show one or two per row, and each include renders a template of its own."""
    colour = STATUS_BADGE_CLASSES.get(ticket.status, "text-bg-secondary")
    # Not get_status_display(): it builds a dict of every choice on each call.
    label = _escaped(status_label(ticket.status))
    return mark_safe(f'<span class="badge status-badge {colour}">{label}</span>')  # noqa: S308


@register.filter
def tr(source, attr: str) -> str:
    """``source.attr`` in the reader's language, falling back to English (requests_app.content)."""
    from requests_app.content import translated

    return translated(source, attr)


@register.filter
def option_label(value, source) -> str:
    """A stored (English) option of ``source.choices`` in the reader's language."""
    from requests_app.content import option_label as label

    return label(source, value)


@register.filter
def options(source, attr: str = "choices") -> list[tuple[str, str]]:
    """(stored English value, label in the reader's language) of each option of ``source``."""
    from requests_app.content import translated_options

    return translated_options(source, attr)


@register.simple_tag
def site_time_zone() -> str:
    """The site's time zone (settings.TIME_ZONE): where the dashboards count their days."""
    from django.conf import settings

    return settings.TIME_ZONE


@register.filter
def short_name(user) -> str:
    """What the navigation calls a person: their first given name, else their username."""
    given = (getattr(user, "first_name", "") or "").split()
    return given[0] if given else getattr(user, "username", "")


@register.simple_tag
def queue_row(ticket, now) -> SafeString:
    """One row of a department's queue. Drawn in Python, not in the template: a page holds
    up to a page size of rows, and each variable a template row reads was ~1/3 of the
    queue's time."""
    badge = status_badge(ticket)
    due_html = due_line = ""
    if ticket.due_at:
        local = timezone.localtime(ticket.due_at)
        when = _escaped(date_format(local, "SHORT_DATETIME_FORMAT"))
        due_html = f'<time datetime="{local.isoformat()}">{when}</time>'
        if ticket.is_active and ticket.due_at < now:
            due_html += f' <span class="badge text-bg-danger">{_escaped(_("Overdue"))}</span>'
        due_line = f" {_escaped(_('Due'))} {due_html}"
    # Every value escaped (_escaped), the markup ours.
    return mark_safe(  # noqa: S308
        "<tr>"
        f'<td class="text-nowrap"><a href="{_escaped(ticket.get_absolute_url())}">'
        f"{_escaped(ticket.reference)}</a></td>"
        f'<td>{_escaped(ticket.title)}<div class="small text-body-secondary">'
        f"{_escaped(tr(ticket.request_type, 'name'))} · {_escaped(person(ticket.requester))}</div>"
        # On a phone, status and due date sit under the title instead of two more columns.
        f'<div class="small d-sm-none mt-1">{badge}{due_line}</div></td>'
        f'<td class="hide-sm">{badge}</td>'
        f'<td class="hide-sm">{_escaped(priority_label(ticket.priority))}</td>'
        f'<td class="hide-sm">{_escaped(person(ticket.assignee, "—"))}</td>'
        f'<td class="hide-sm">{due_html}</td>'
        "</tr>"
    )
