""" "You said, we did": a department's leads write an action, publish it, change it, withdraw it.

Drafts are the leads' own working copies and are not audited; from the moment customers
can read an action, every change to it is (published, changed, withdrawn), with what it
said before, because people were told something and may ask what.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import Kind, audit_record, changes_between, values_of
from requests_app.content import translation_keys
from requests_app.exceptions import NotAllowed, TicketError
from requests_app.models import Department

from .. import permissions
from ..models import Action, Theme

TEXT_FIELDS: tuple[str, ...] = (*translation_keys("heard"), *translation_keys("changed"))
# What a reader is told; status and publication time have audit kinds of their own.
CONTENT_FIELDS: tuple[str, ...] = (
    "theme",
    "figure",
    "heard_from",
    "heard_to",
    *TEXT_FIELDS,
    "effective_on",
)


class ActionRefused(TicketError):
    default_message = gettext_lazy("That change to the action could not be made.")


class ActionInvalid(ActionRefused):
    """What is wrong with an action, by form field ("" for the action as a whole)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(next(iter(errors.values())))


def action_problems(
    *,
    department: Department,
    theme: Theme | None,
    figure: str,
    heard_from: date | None,
    heard_to: date | None,
    heard: str,
    changed: str,
    effective_on: date | None,
    today: date,
) -> dict[str, str]:
    """Why these values make no action a customer can follow, by field; empty when fine."""
    errors: dict[str, str] = {}
    if theme is not None and figure:
        errors["figure"] = _("Choose a theme or a figure, not both: say what you heard in one way.")
    elif theme is None and not figure:
        errors["theme"] = _("Choose the theme you heard about, or a figure over a period.")
    if theme is not None and theme.department_id != department.pk:
        errors["theme"] = _("Choose one of this department's themes.")
    if figure and figure not in Action.Figure.values:
        errors["figure"] = _("Choose one of the figures offered.")
    if figure and (heard_from is None or heard_to is None):
        for name, value in (("heard_from", heard_from), ("heard_to", heard_to)):
            if value is None:
                errors[name] = _("A figure needs the period it is about: give both dates.")
    elif (heard_from is None) != (heard_to is None):
        name = "heard_to" if heard_to is None else "heard_from"
        errors[name] = _("Give both dates of the period, or neither.")
    if heard_from and heard_to and heard_from > heard_to:
        errors["heard_to"] = _("The period ends before it begins.")
    if heard_to and heard_to > today:
        errors["heard_to"] = _("The period cannot end in the future: say what you have heard.")
    if not heard.strip():
        errors["heard"] = _("Say in English what you heard.")
    if not changed.strip():
        errors["changed"] = _("Say in English what you changed.")
    if effective_on is None:
        errors["effective_on"] = _("Give the date from which the change applies.")
    elif heard_from and effective_on < heard_from:
        errors["effective_on"] = _(
            "The change cannot apply before the period in which you heard about it."
        )
    return errors


def _content_of(action: Action) -> dict[str, Any]:
    values = values_of(action, [name for name in CONTENT_FIELDS if name != "theme"])
    values["theme"] = action.theme.name if action.theme_id and action.theme else None
    return values


def _locked(action_id: int) -> Action:
    try:
        return (
            Action.objects.select_for_update(of=("self",)).select_related("theme").get(pk=action_id)
        )
    except Action.DoesNotExist:
        raise ActionRefused(_("That action no longer exists.")) from None


def _require_manager(actor, department: Department) -> None:
    if not permissions.can_manage_actions(actor, department):
        raise NotAllowed()


@transaction.atomic
def action_save(
    *,
    actor,
    department: Department,
    action_id: int | None = None,
    theme: Theme | None = None,
    figure: str = "",
    heard_from: date | None = None,
    heard_to: date | None = None,
    effective_on: date | None = None,
    **texts: str,
) -> Action:
    """Create a draft, or change a draft or a published action (leads, HR admins).

    ``texts``: ``heard`` and ``changed`` in English (required) and their translations
    (``heard_es``...). A published action's change is audited with old and new values;
    saving it unchanged records nothing. A withdrawn action is not changed: publish it
    again first. Raises ActionInvalid with a message per field.
    """
    _require_manager(actor, department)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    texts = {name: (texts.get(name) or "").strip() for name in TEXT_FIELDS}
    errors = action_problems(
        department=department,
        theme=theme,
        figure=figure,
        heard_from=heard_from,
        heard_to=heard_to,
        heard=texts["heard"],
        changed=texts["changed"],
        effective_on=effective_on,
        today=timezone.localdate(),
    )
    if errors:
        raise ActionInvalid(errors)
    if action_id is None:
        action = Action(department=department, created_by=actor)
        before = None
    else:
        action = _locked(action_id)
        if action.department_id != department.pk:
            raise NotAllowed()
        if action.status == Action.Status.WITHDRAWN:
            raise ActionRefused(
                _("A withdrawn action cannot be changed. Publish it again to change it.")
            )
        before = _content_of(action)
    action.theme = theme
    action.figure = figure
    action.heard_from = heard_from
    action.heard_to = heard_to
    action.effective_on = effective_on  # type: ignore[assignment]  # checked above
    for name, value in texts.items():
        setattr(action, name, value)
    action.save()
    if before is not None and action.status == Action.Status.PUBLISHED:
        audit_record(
            actor=actor,
            kind=Kind.ACTION_CHANGED,
            target=action,
            changes=changes_between(before, _content_of(action)),
            department=department,
        )
    return action


@transaction.atomic
def action_publish(*, actor, action_id: int) -> Action:
    """Show a draft (or a withdrawn action) to the department's customers from now on.

    Safe to run twice: a published action is returned unchanged. Audited with what
    customers are told.
    """
    action = _locked(action_id)
    _require_manager(actor, action.department)
    if action.status == Action.Status.PUBLISHED:
        return action
    before = action.status
    action.status = Action.Status.PUBLISHED
    action.published_at = timezone.now()
    action.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        kind=Kind.ACTION_PUBLISHED,
        target=action,
        changes={"status": [before, action.status], **changes_between(None, _content_of(action))},
        department=action.department,
    )
    return action


@transaction.atomic
def action_withdraw(*, actor, action_id: int) -> Action:
    """Take a published action off every page and e-mail not yet sent.

    Safe to run twice: a withdrawn action is returned unchanged. A draft is deleted,
    not withdrawn (customers never saw it).
    """
    action = _locked(action_id)
    _require_manager(actor, action.department)
    if action.status == Action.Status.WITHDRAWN:
        return action
    if action.status != Action.Status.PUBLISHED:
        raise ActionRefused(_("Only a published action can be withdrawn; delete a draft."))
    action.status = Action.Status.WITHDRAWN
    action.save(update_fields=["status"])
    audit_record(
        actor=actor,
        kind=Kind.ACTION_WITHDRAWN,
        target=action,
        changes={"status": [Action.Status.PUBLISHED, action.status]},
        department=action.department,
    )
    return action


@transaction.atomic
def action_draft_delete(*, actor, action_id: int) -> None:
    """Delete a draft nobody but the department's leads has seen.

    Safe to run twice: a draft already deleted is nothing to do. Published or withdrawn
    actions stay (withdraw them): the audit log refers to them.
    """
    action = Action.objects.select_for_update(of=("self",)).select_related("department")
    found = action.filter(pk=action_id).first()
    if found is None:
        return
    _require_manager(actor, found.department)
    if found.status != Action.Status.DRAFT:
        raise ActionRefused(_("Only a draft can be deleted; withdraw a published action."))
    found.delete()
