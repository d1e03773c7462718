"""Writes of comment themes: a department's leads (and HR admins) name, rename and retire
their themes, and tag their department's comments with them.

A tag keeps no tagger and no time (``ThemeTag`` has neither): on an anonymous comment,
who tagged it and when would say when the comment came in, finer than the week the
dashboard shows. Tagging is therefore not audited either; naming themes is.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import Kind, audit_saved, audited_fields, values_of
from requests_app.exceptions import NotAllowed, TicketError
from requests_app.models import Department
from surveys.models import Response

from ..models import Theme, ThemeTag
from ..permissions import can_manage_themes

THEME_AUDITED = audited_fields(Theme)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TicketError(_("Give the theme a name."))
    return name


def _check_unique(department: Department, name: str, theme: Theme | None = None) -> None:
    same = Theme.objects.filter(department=department, name__iexact=name)
    if theme is not None:
        same = same.exclude(pk=theme.pk)
    if same.exists():
        raise TicketError(
            _("This department already has a theme called “%(name)s”.") % {"name": name}
        )


@transaction.atomic
def theme_create(
    *, actor, department: Department, name: str, name_es: str = "", name_nb: str = ""
) -> Theme:
    """Create a theme of ``department`` (its leads, HR admins); audited as THEME_CREATED."""
    if not can_manage_themes(actor, department):
        raise NotAllowed()
    name = _clean_name(name)
    _check_unique(department, name)
    try:
        with transaction.atomic():
            theme = Theme.objects.create(
                department=department,
                name=name,
                name_es=(name_es or "").strip(),
                name_nb=(name_nb or "").strip(),
            )
    except IntegrityError as error:  # a twin created at the same moment
        raise TicketError(
            _("This department already has a theme called “%(name)s”.") % {"name": name}
        ) from error
    audit_saved(
        actor=actor,
        target=theme,
        before=None,
        after=values_of(theme, THEME_AUDITED),
        created=Kind.THEME_CREATED,
        changed=Kind.THEME_CHANGED,
        name=f"{department.name} · {theme.name}",
        department=department,
    )
    return theme


@transaction.atomic
def theme_update(*, actor, theme: Theme, **fields) -> Theme:
    """Rename a theme (``name``, ``name_es``, ``name_nb``) or retire/restore it
    (``is_active``); audited as THEME_CHANGED with the old and new values. An unchanged
    save records nothing; safe to run twice."""
    locked = (
        Theme.objects.select_for_update(of=("self",)).select_related("department").get(pk=theme.pk)
    )
    department = locked.department
    if not can_manage_themes(actor, department):
        raise NotAllowed()
    unknown = set(fields) - set(THEME_AUDITED)
    if unknown:
        raise ValueError(f"not a theme setting: {sorted(unknown)}")
    before = values_of(locked, THEME_AUDITED)
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"])
        _check_unique(department, fields["name"], locked)
    for key in ("name_es", "name_nb"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key, value in fields.items():
        setattr(locked, key, value)
    changed = [key for key in fields if before[key] != getattr(locked, key)]
    if changed:
        locked.save(update_fields=changed)
    audit_saved(
        actor=actor,
        target=locked,
        before=before,
        after=values_of(locked, THEME_AUDITED),
        created=Kind.THEME_CREATED,
        changed=Kind.THEME_CHANGED,
        name=f"{department.name} · {locked.name}",
        department=department,
    )
    return locked


def _taggable(actor, response: Response, theme: Theme) -> None:
    """Refuse, with a message fit for the person, what may not be tagged."""
    if not can_manage_themes(actor, response.department):
        raise NotAllowed()
    if theme.department_id != response.department_id:
        raise TicketError(_("That theme belongs to another department."))
    if not response.comment.strip():
        raise TicketError(_("Only answers with a comment can be tagged with a theme."))


@transaction.atomic
def comment_tag(*, actor, response: Response, theme: Theme) -> ThemeTag:
    """Tag ``response``'s comment with ``theme`` (an active theme of the response's
    department). Stores nothing about who tagged or when; tagging twice keeps one tag."""
    _taggable(actor, response, theme)
    if not theme.is_active:
        raise TicketError(_("That theme is retired; restore it on the themes page to use it."))
    tag, _created = ThemeTag.objects.get_or_create(theme=theme, response=response)
    return tag


@transaction.atomic
def comment_untag(*, actor, response: Response, theme: Theme) -> bool:
    """Take ``theme`` off ``response``'s comment (retired themes too); True if it was on.
    Safe to run twice."""
    _taggable(actor, response, theme)
    deleted, _rows = ThemeTag.objects.filter(theme=theme, response=response).delete()
    return bool(deleted)
