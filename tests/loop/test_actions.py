""" "You said, we did": leads write, publish, change and withdraw actions; customers read
them on the department's page, the survey thank-you page and the next survey e-mail."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from loop.models import Action, Theme
from loop.selectors import actions as selectors
from loop.services import actions as svc
from requests_app.exceptions import NotAllowed
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.services import invitations as invitation_svc
from tests import factories

pytestmark = pytest.mark.django_db
Kind = AuditEntry.Kind
TODAY = timezone.localdate


def _texts(**overrides):
    return {
        "heard": "Laptops took two weeks to arrive.",
        "changed": "We keep ten laptops in stock.",
        **overrides,
    }


def _draft(department, actor, **fields):
    theme = fields.pop("theme", None)
    values = {
        "figure": "" if theme else Action.Figure.CSAT,
        "heard_from": TODAY() - timedelta(days=60),
        "heard_to": TODAY() - timedelta(days=30),
        "effective_on": TODAY() - timedelta(days=7),
        **_texts(),
        **fields,
    }
    return svc.action_save(actor=actor, department=department, theme=theme, **values)


def _published(department, actor, **fields):
    action = _draft(department, actor, **fields)
    return svc.action_publish(actor=actor, action_id=action.pk)


# --- services: the life of an action ------------------------------------------------------


def test_action_draft_publish_change_withdraw_audited(department, it_lead):
    action = _draft(department, it_lead)
    assert action.status == Action.Status.DRAFT
    assert not AuditEntry.objects.filter(object_type="loop.action").exists()  # drafts are private

    svc.action_publish(actor=it_lead, action_id=action.pk)
    svc.action_publish(actor=it_lead, action_id=action.pk)  # a second click changes nothing
    published = AuditEntry.objects.get(kind=Kind.ACTION_PUBLISHED)
    assert published.changes["status"] == ["draft", "published"]
    assert published.changes["changed"] == [None, "We keep ten laptops in stock."]
    assert published.department_id == department.pk
    action.refresh_from_db()
    assert action.published_at is not None

    svc.action_save(
        actor=it_lead,
        department=department,
        action_id=action.pk,
        figure=action.figure,
        heard_from=action.heard_from,
        heard_to=action.heard_to,
        effective_on=action.effective_on,
        **_texts(changed="We keep twenty laptops in stock.", changed_nb="Vi har tjue på lager."),
    )
    changed = AuditEntry.objects.get(kind=Kind.ACTION_CHANGED)
    assert changed.changes == {
        "changed": ["We keep ten laptops in stock.", "We keep twenty laptops in stock."],
        "changed_nb": ["", "Vi har tjue på lager."],
    }

    svc.action_withdraw(actor=it_lead, action_id=action.pk)
    svc.action_withdraw(actor=it_lead, action_id=action.pk)
    assert AuditEntry.objects.filter(kind=Kind.ACTION_WITHDRAWN).count() == 1
    action.refresh_from_db()
    assert action.status == Action.Status.WITHDRAWN
    with pytest.raises(svc.ActionRefused, match="withdrawn action cannot be changed"):
        svc.action_save(
            actor=it_lead,
            department=department,
            action_id=action.pk,
            figure="csat",
            heard_from=action.heard_from,
            heard_to=action.heard_to,
            effective_on=action.effective_on,
            **_texts(),
        )


def test_action_unchanged_save_of_published_records_nothing(department, it_lead):
    action = _published(department, it_lead)
    svc.action_save(
        actor=it_lead,
        department=department,
        action_id=action.pk,
        figure=action.figure,
        heard_from=action.heard_from,
        heard_to=action.heard_to,
        effective_on=action.effective_on,
        **_texts(),
    )
    assert not AuditEntry.objects.filter(kind=Kind.ACTION_CHANGED).exists()


def test_action_draft_delete_only_drafts(department, it_lead):
    draft = _draft(department, it_lead)
    published = _published(department, it_lead)
    with pytest.raises(svc.ActionRefused, match="Only a draft"):
        svc.action_draft_delete(actor=it_lead, action_id=published.pk)
    svc.action_draft_delete(actor=it_lead, action_id=draft.pk)
    svc.action_draft_delete(actor=it_lead, action_id=draft.pk)  # already gone: nothing to do
    assert list(Action.objects.values_list("pk", flat=True)) == [published.pk]
    with pytest.raises(svc.ActionRefused, match="Only a published action"):
        svc.action_withdraw(actor=it_lead, action_id=_draft(department, it_lead).pk)


def test_action_hr_admin_may_publish_agent_may_not(department, it_agent, it_lead):
    hr = factories.hr_admin()
    action = _draft(department, hr)
    with pytest.raises(NotAllowed):
        svc.action_publish(actor=it_agent, action_id=action.pk)
    with pytest.raises(NotAllowed):
        _draft(department, it_agent)
    other = factories.DepartmentFactory()
    with pytest.raises(NotAllowed):
        _draft(other, it_lead)
    assert svc.action_publish(actor=hr, action_id=action.pk).status == Action.Status.PUBLISHED


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"figure": ""}, "theme", "Choose the theme you heard about"),
        ({"heard_from": None, "heard_to": None}, "heard_from", "give both dates"),
        ({"heard_to": None}, "heard_to", "give both dates"),
        (
            {"heard_from": date(2026, 3, 2), "heard_to": date(2026, 3, 1)},
            "heard_to",
            "ends before it begins",
        ),
        ({"heard_to": "tomorrow"}, "heard_to", "cannot end in the future"),
        ({"effective_on": "long before"}, "effective_on", "cannot apply before the period"),
        ({"effective_on": None}, "effective_on", "Give the date"),
        ({"heard": "  "}, "heard", "Say in English what you heard"),
        ({"changed": ""}, "changed", "Say in English what you changed"),
        ({"figure": "speed"}, "figure", "Choose one of the figures"),
    ],
)
def test_action_save_refuses_invalid(department, it_lead, fields, field, message):
    if fields.get("heard_to") == "tomorrow":
        fields["heard_to"] = TODAY() + timedelta(days=1)
    if fields.get("effective_on") == "long before":
        fields["effective_on"] = TODAY() - timedelta(days=365)
    with pytest.raises(svc.ActionInvalid) as refused:
        _draft(department, it_lead, **fields)
    assert message in refused.value.errors[field]
    assert not Action.objects.exists()


def test_action_theme_of_another_department_or_both_refused(department, it_lead):
    elsewhere = Theme.objects.create(department=factories.DepartmentFactory(), name="Queues")
    with pytest.raises(svc.ActionInvalid) as refused:
        _draft(department, it_lead, theme=elsewhere, heard_from=None, heard_to=None)
    assert "this department's themes" in refused.value.errors["theme"]
    own = Theme.objects.create(department=department, name="Slow laptop delivery")
    with pytest.raises(svc.ActionInvalid) as refused:
        _draft(department, it_lead, theme=own, figure="csat")
    assert "not both" in refused.value.errors["figure"]
    # A theme needs no period.
    action = _draft(department, it_lead, theme=own, heard_from=None, heard_to=None)
    assert action.theme == own


# --- who sees what --------------------------------------------------------------------------


def _page(department):
    return reverse("loop:department_actions", args=[department.slug])


def _detail(action):
    return reverse("loop:action_detail", args=[action.department.slug, action.pk])


def test_action_visibility_matrix(client, department, it_lead, it_agent, request_type):
    draft = _draft(department, it_lead, **_texts(changed="A draft nobody else sees."))
    published = _published(department, it_lead)
    hr = factories.hr_admin()
    outsider = factories.employee(home_department=factories.DepartmentFactory())
    filed = factories.associate()
    factories.make_ticket(requester=filed, request_type=request_type)
    never = factories.associate()
    cases = {
        # who: (department page, published action, draft)
        "lead": (it_lead, 200, 200, 200),
        "hr admin": (hr, 200, 200, 200),
        "agent": (it_agent, 200, 200, 404),
        "employee elsewhere": (outsider, 200, 200, 404),
        "associate who filed": (filed, 200, 200, 404),
        "associate who never filed": (never, 404, 404, 404),
    }
    for who, (user, page, seen, draft_seen) in cases.items():
        client.force_login(user)
        response = client.get(_page(department))
        assert response.status_code == page, who
        if page == 200:
            assert "We keep ten laptops in stock." in response.content.decode(), who
            assert "A draft nobody else sees." not in response.content.decode(), who
        assert client.get(_detail(published)).status_code == seen, who
        assert client.get(_detail(draft)).status_code == draft_seen, who
        editor = client.get(reverse("loop:action_editor", args=[department.slug])).status_code
        assert editor == (200 if who in ("lead", "hr admin") else 404), who
    client.logout()
    assert client.get(_page(department)).status_code == 302  # to sign in


def test_action_editor_posts_refused_for_agent(client, department, it_lead, it_agent):
    action = _draft(department, it_lead)
    client.force_login(it_agent)
    url = reverse("loop:action_publish", args=[department.slug, action.pk])
    assert client.post(url).status_code == 404
    action.refresh_from_db()
    assert action.status == Action.Status.DRAFT
    client.logout()
    assert client.post(url).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DRAFT


def test_actions_visible_to_scopes_associates_to_departments_they_filed_to(
    department, it_lead, request_type
):
    mine = _published(department, it_lead)
    other = factories.DepartmentFactory()
    _published(other, factories.lead(other))
    filed = factories.associate()
    factories.make_ticket(requester=filed, request_type=request_type)
    assert list(selectors.published_actions_visible_to(filed)) == [mine]
    assert selectors.department_ids_with_actions(filed) == {department.pk}
    assert selectors.department_ids_with_actions(it_lead) == {department.pk, other.pk}


# --- the pages ------------------------------------------------------------------------------


def test_department_page_in_reader_language_with_fallback(client, department, it_lead):
    _published(
        department,
        it_lead,
        heard_nb="Bærbare tok to uker å komme.",
        changed_nb="Vi har ti bærbare på lager.",
    )
    withdrawn = _published(department, it_lead, **_texts(changed="An old promise."))
    svc.action_withdraw(actor=it_lead, action_id=withdrawn.pk)
    reader = factories.employee(profile__language="nb")
    client.force_login(reader)
    norwegian = client.get(_page(department)).content.decode()
    assert "Vi har ti bærbare på lager." in norwegian
    assert "We keep ten laptops in stock." not in norwegian
    assert "An old promise." not in norwegian
    spanish = factories.employee(profile__language="es")
    client.force_login(spanish)
    text = client.get(_page(department)).content.decode()
    assert "We keep ten laptops in stock." in text  # not translated to Spanish: English
    assert 'lang="es"' in text


def test_department_page_queries_bounded(
    client, department, it_lead, django_assert_max_num_queries
):
    themes = [Theme.objects.create(department=department, name=f"Theme {n}") for n in range(3)]
    for n in range(12):
        if n % 2:
            _published(department, it_lead, theme=themes[n % 3], figure="")
        else:
            _published(department, it_lead)
    client.force_login(factories.employee())
    with django_assert_max_num_queries(12):
        response = client.get(_page(department))
    assert response.content.decode().count("We keep ten laptops in stock.") == 12


def test_lead_creates_publishes_and_withdraws_through_pages(client, department, it_lead):
    client.force_login(it_lead)
    home = client.get(reverse("requests_app:home")).content.decode()
    assert reverse("loop:action_editor", args=[department.slug]) in home  # Manage menu
    new = reverse("loop:action_new", args=[department.slug])
    form = {
        "figure": "csat",
        "heard_from": (TODAY() - timedelta(days=40)).isoformat(),
        "heard_to": (TODAY() + timedelta(days=3)).isoformat(),
        "heard": "Forms were unclear.",
        "changed": "We rewrote the forms.",
        "heard_nb": "Skjemaene var uklare.",
        "effective_on": TODAY().isoformat(),
    }
    refused = client.post(new, form)
    assert refused.status_code == 200
    assert "The period cannot end in the future" in refused.content.decode()
    assert not Action.objects.exists()
    form["heard_to"] = TODAY().isoformat()
    assert client.post(new, form).status_code == 302
    action = Action.objects.get()
    assert (action.status, action.heard_nb, action.created_by) == (
        "draft",
        "Skjemaene var uklare.",
        it_lead,
    )
    client.post(reverse("loop:action_publish", args=[department.slug, action.pk]))
    client.force_login(factories.employee())
    assert "We rewrote the forms." in client.get(_page(department)).content.decode()
    client.force_login(it_lead)
    client.post(reverse("loop:action_withdraw", args=[department.slug, action.pk]))
    assert "We rewrote the forms." not in client.get(_page(department)).content.decode()
    assert list(
        AuditEntry.objects.filter(object_type="loop.action").values_list("kind", flat=True)
    ) == [Kind.ACTION_WITHDRAWN, Kind.ACTION_PUBLISHED]


def test_new_request_and_home_link_departments_with_actions(
    client, department, it_lead, request_type
):
    quiet = factories.DepartmentFactory(name="Quiet")
    factories.RequestTypeFactory(department=quiet)
    _published(department, it_lead)
    client.force_login(factories.employee())
    choose = client.get(reverse("requests_app:new_request")).content.decode()
    assert _page(department) in choose
    assert _page(quiet) not in choose
    home = client.get(reverse("requests_app:home")).content.decode()
    assert _page(department) in home
    assert "We keep ten laptops in stock." in home


# --- survey thank-you page and next invitation ----------------------------------------------


@pytest.fixture
def invited(request_type, it_agent):
    """A resolved request's survey invitation; sends it and returns (invitation, e-mail)."""

    def _invited(requester=None, **survey_fields):
        factories.survey(**survey_fields)
        requester = requester or factories.employee()
        ticket = factories.make_ticket(requester=requester, request_type=request_type)
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
        invitation = Invitation.objects.get(ticket=ticket)
        mail.outbox.clear()
        assert invitation_svc.invitation_send(invitation_id=invitation.pk)
        return invitation, mail.outbox[-1]

    return _invited


def _recent_old_draft_withdrawn(department, lead):
    with time_machine.travel(timezone.now() - timedelta(days=120)):
        _published(
            department,
            lead,
            heard_from=TODAY() - timedelta(days=200),
            heard_to=TODAY() - timedelta(days=150),
            effective_on=TODAY() - timedelta(days=140),
            **_texts(changed="An action from long ago."),
        )
    _draft(department, lead, **_texts(changed="A draft still being written."))
    gone = _published(department, lead, **_texts(changed="A withdrawn promise."))
    svc.action_withdraw(actor=lead, action_id=gone.pk)
    return _published(
        department,
        lead,
        **_texts(changed="We keep ten laptops in stock.", changed_nb="Vi har ti bærbare på lager."),
    )


@pytest.mark.parametrize("anonymous", [False, True])
def test_thanks_page_shows_recent_actions_only(client, department, it_lead, invited, anonymous):
    _recent_old_draft_withdrawn(department, it_lead)
    invitation, message = invited(anonymous=anonymous)
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", message.body).group(1)
    url = reverse("surveys:answer", args=[token])
    headline = invitation.version.questions.get(is_headline=True)
    client.post(url, {"revision": invitation.version.revision, f"q{headline.pk}": "4"})
    thanks = client.get(url).content.decode()
    assert "Thank you!" in thanks
    assert "What IT changed because of answers like yours" in thanks
    assert "We keep ten laptops in stock." in thanks
    for hidden in (
        "An action from long ago.",
        "A draft still being written.",
        "A withdrawn promise.",
    ):
        assert hidden not in thanks


def test_thanks_page_without_actions_reads_as_before(client, invited):
    invitation, message = invited()
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", message.body).group(1)
    url = reverse("surveys:answer", args=[token])
    headline = invitation.version.questions.get(is_headline=True)
    client.post(url, {"revision": invitation.version.revision, f"q{headline.pk}": "5"})
    assert "changed because of answers" not in client.get(url).content.decode()


def test_invitation_email_shows_recent_actions_in_recipient_language(department, it_lead, invited):
    _recent_old_draft_withdrawn(department, it_lead)
    _invitation, message = invited(requester=factories.employee(profile__language="nb"))
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Vi har ti bærbare på lager." in body
        assert "Laptops took two weeks to arrive." in body  # not translated: English
        assert "We keep ten laptops in stock." not in body
        for hidden in ("An action from long ago.", "A draft", "A withdrawn promise."):
            assert hidden not in body
        assert _page(department) in body
    assert "Forrige kvartal fortalte dere oss" in message.body


def test_invitation_email_without_actions_reads_as_before(invited):
    _invitation, message = invited()
    assert "Last quarter" not in message.body
    assert "Last quarter" not in message.alternatives[0][0]


def test_recent_actions_at_most_three_newest_first(department, it_lead):
    for n in range(5):
        _published(department, it_lead, **_texts(changed=f"Change {n}"))
    assert [a.changed for a in selectors.recent_actions(department)] == [
        "Change 4",
        "Change 3",
        "Change 2",
    ]
