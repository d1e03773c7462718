"""Follow-ups of low scores: opened by a named low answer, worked through their states by
the department's people, listed for leads and owners, counted on the dashboard; never
for an anonymous answer."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.scorecards import questions
from loop.models import FollowUp
from loop.selectors import followups as selectors
from loop.services import followups as services
from requests_app.exceptions import InvalidTransition, NotAllowed, TicketError
from requests_app.models import Membership, Ticket, TicketEvent
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation, Survey
from surveys.services import invitations as invitation_svc
from surveys.services.responses import response_submit
from tests import factories

pytestmark = pytest.mark.django_db

Status = FollowUp.Status
Outcome = FollowUp.Outcome
OSLO = ZoneInfo("Europe/Oslo")


def answer(invitation, score, comment=""):
    """Send the survey and answer it through the survey service, as the answer page does."""
    assert invitation_svc.invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    questions = {q.kind: q for q in invitation.version.questions.all()}
    raw = {questions["csat_1_5"].pk: str(score)}
    if comment:
        raw[questions["text"].pk] = comment
    return response_submit(invitation_id=invitation.pk, raw_answers=raw, revision=None)


def resolve_and_answer(request_type, agent, requester, score=1, comment="Still slow", ticket=None):
    """A request resolved by ``agent`` and its survey answered with ``score``."""
    if ticket is None:
        ticket = factories.make_ticket(requester=requester, request_type=request_type)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
    invitation = Invitation.objects.filter(ticket=ticket).latest("pk")
    return answer(invitation, score, comment)


@pytest.fixture
def world(department, request_type, it_agent, it_lead, requester):
    """IT (its lead, the resolving agent, another agent), HR with its own agent, an HR
    admin, an employee, an associate; one named low score on a request IT resolved."""
    factories.survey(departments=[department])
    hr = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
    people = {
        "requester": requester,
        "lead": it_lead,
        "owner": it_agent,
        "other_agent": factories.agent(department, username="it-other"),
        "agent_elsewhere": factories.agent(hr, username="hr-agent"),
        "hr_admin": factories.hr_admin(username="hr-admin"),
        "employee": factories.employee(username="someone"),
        "associate": factories.associate(username="supplier"),
    }
    response = resolve_and_answer(request_type, it_agent, requester, 1, "Laptop still slow")
    return {
        **people,
        "follow_up": FollowUp.objects.get(response=response),
        "department": department,
    }


# ------------------------------------------------------------------ opening


def test_named_low_score_through_the_answer_page_opens_one_follow_up_owned_by_the_resolver(
    client, request_type, it_agent, it_lead, department, django_capture_on_commit_callbacks
):
    factories.survey(departments=[department])
    requester = factories.employee(first_name="Ada", last_name="Lovelace")
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation_svc.invitation_send(invitation_id=invitation.pk)
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    mail.outbox.clear()
    questions = list(invitation.version.questions.order_by("position"))
    data = {
        "revision": invitation.version.revision,
        f"q{questions[0].pk}": "2",
        f"q{questions[3].pk}": "Took a week",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("surveys:answer", args=[token]), data).status_code == 302
        # A second submit of the same answer page opens nothing more.
        client.post(reverse("surveys:answer", args=[token]), data)
    follow_up = FollowUp.objects.get()
    assert follow_up.ticket == ticket
    assert follow_up.owner == it_agent
    assert follow_up.status == Status.OPEN
    assert follow_up.due_on == selectors.site_today() + timedelta(days=5)
    # The lead's low-score e-mail links to the follow-up.
    [message] = mail.outbox
    assert message.to == [it_lead.email]
    assert reverse("loop:followup_detail", args=[follow_up.pk]) in message.body
    client.force_login(it_lead)
    page = client.get(reverse("loop:followup_detail", args=[follow_up.pk])).content.decode()
    assert "Took a week" in page
    assert "2/5" in page
    assert "Ada Lovelace" in page


@pytest.mark.parametrize("score", [3, 4, 5])
def test_scores_above_two_open_no_follow_up(world, request_type, score):
    before = FollowUp.objects.count()
    resolve_and_answer(request_type, world["owner"], world["requester"], score)
    assert FollowUp.objects.count() == before


def test_follow_up_has_no_owner_when_the_resolver_left_the_department(world, request_type):
    resolver = factories.agent(world["department"], username="leaver")
    ticket = factories.make_ticket(requester=world["requester"], request_type=request_type)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=resolver, note="Done")
    Membership.objects.filter(user=resolver).delete()
    response = answer(Invitation.objects.get(ticket=ticket), 1)
    assert response.follow_up.owner is None


def test_opening_twice_for_one_response_keeps_one_follow_up(world):
    response = world["follow_up"].response
    assert services.follow_up_open_for(response) == world["follow_up"]
    assert FollowUp.objects.filter(response=response).count() == 1


def test_second_low_score_after_a_reopen_opens_a_second_follow_up(
    world, client, request_type, requester
):
    """One follow-up per answer: the reopened and again resolved request was a new
    conversation; the first follow-up keeps its own state and each page links the other."""
    first = world["follow_up"]
    services.follow_up_mark_contacted(follow_up_id=first.pk, actor=world["owner"], note="Called")
    ticket = Ticket.objects.get(pk=first.ticket_id)
    ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="Still slow")
    ticket.refresh_from_db()
    second_response = resolve_and_answer(
        request_type, world["other_agent"], requester, 2, "Worse", ticket=ticket
    )
    second = FollowUp.objects.get(response=second_response)
    assert second.pk != first.pk
    assert second.ticket_id == first.ticket_id
    assert second.owner == world["other_agent"]
    assert FollowUp.objects.filter(ticket=ticket).count() == 2
    first.refresh_from_db()
    assert first.status == Status.CONTACTED
    client.force_login(world["lead"])
    page = client.get(reverse("loop:followup_detail", args=[second.pk])).content.decode()
    assert "Other follow-ups of this request" in page
    assert reverse("loop:followup_detail", args=[first.pk]) in page


# ------------------------------------------------------------------ anonymous


def test_anonymous_low_score_opens_no_follow_up(department, request_type, it_agent, requester):
    factories.survey(departments=[department], anonymous=True)
    response = resolve_and_answer(request_type, it_agent, requester, 1, "Awful")
    assert response.anonymous
    assert not FollowUp.objects.exists()


def test_no_page_or_selector_ties_an_anonymous_answer_to_a_follow_up(
    client, department, request_type, it_agent, it_lead, requester
):
    """Even a follow-up row on an anonymous answer (none is ever opened; say one came
    from a bug or by hand) is not listed, opened, worked or counted."""
    factories.survey(departments=[department], anonymous=True)
    response = resolve_and_answer(request_type, it_agent, requester, 1, "Anonymous words")
    planted = FollowUp.objects.create(
        response=response,
        department=department,
        ticket_id=response.invitation.ticket_id,
        owner=it_agent,
        due_on=selectors.site_today() - timedelta(days=1),
    )
    assert not selectors.department_follow_ups(department, state=selectors.ALL).exists()
    assert not selectors.follow_ups_owned_by(it_agent, state=selectors.ALL).exists()
    assert selectors.department_follow_up_counts(department, selectors.site_today()) == {
        "open": 0,
        "overdue": 0,
        "closed": 0,
    }
    figures = selectors.department_follow_up_figures(
        department,
        start=response.submitted_at - timedelta(days=1),
        end=response.submitted_at + timedelta(days=1),
        today=selectors.site_today(),
    )
    assert (figures.low_scores, figures.open_now, figures.overdue_now) == (0, 0, 0)
    for user in (it_lead, it_agent):
        client.force_login(user)
        listed = client.get(reverse("loop:followup_list", args=[department.slug]))
        assert response.invitation.ticket.reference not in listed.content.decode()
        mine = client.get(reverse("loop:followup_mine"))
        assert response.invitation.ticket.reference not in mine.content.decode()
        detail = client.get(reverse("loop:followup_detail", args=[planted.pk]))
        assert detail.status_code == 404
        post = client.post(reverse("loop:followup_contacted", args=[planted.pk]), {"note": "x"})
        assert post.status_code == 404
    client.force_login(it_lead)
    dashboard = client.get(reverse("insights:department_dashboard", args=[department.slug]))
    text = dashboard.content.decode()
    assert "a low score opens no follow-up per person" in text
    assert response.invitation.ticket.reference not in text


# ------------------------------------------------------------------ states


@pytest.mark.parametrize("outcome", [Outcome.FIXED, Outcome.EXPLAINED, Outcome.NO_ACTION])
def test_open_then_contacted_then_closed_with_each_outcome(world, outcome):
    follow_up, owner = world["follow_up"], world["owner"]
    contacted = services.follow_up_mark_contacted(
        follow_up_id=follow_up.pk, actor=owner, note="Called her on Monday"
    )
    assert contacted.status == Status.CONTACTED
    assert contacted.contact_note == "Called her on Monday"
    assert contacted.contacted_at is not None
    closed = services.follow_up_close(
        follow_up_id=follow_up.pk, actor=owner, outcome=outcome, note="New laptop ordered"
    )
    assert closed.status == Status.CLOSED
    assert closed.outcome == outcome
    assert closed.outcome_note == "New laptop ordered"
    assert closed.closed_by == owner
    assert closed.closed_at is not None
    # The history is on the request's timeline, for the department only.
    events = TicketEvent.objects.filter(ticket_id=follow_up.ticket_id, data__follow_up=follow_up.pk)
    assert events.count() == 2
    assert all(event.is_internal for event in events)


def test_no_action_closes_an_open_follow_up_with_its_why(world):
    closed = services.follow_up_close(
        follow_up_id=world["follow_up"].pk,
        actor=world["lead"],
        outcome=Outcome.NO_ACTION,
        note="The requester has left the company.",
    )
    assert (closed.status, closed.outcome) == (Status.CLOSED, Outcome.NO_ACTION)


@pytest.mark.parametrize("note", ["", "   "])
def test_no_action_without_why_is_refused(world, note):
    with pytest.raises(TicketError, match="Say why no action is taken"):
        services.follow_up_close(
            follow_up_id=world["follow_up"].pk,
            actor=world["lead"],
            outcome=Outcome.NO_ACTION,
            note=note,
        )
    assert FollowUp.objects.get().status == Status.OPEN


@pytest.mark.parametrize("outcome", [Outcome.FIXED, Outcome.EXPLAINED])
def test_fixed_or_explained_before_any_contact_is_refused(world, outcome):
    with pytest.raises(InvalidTransition, match="Contact the requester before closing"):
        services.follow_up_close(
            follow_up_id=world["follow_up"].pk, actor=world["lead"], outcome=outcome
        )
    assert FollowUp.objects.get().status == Status.OPEN


def test_unknown_outcome_and_empty_contact_note_are_refused(world):
    pk, lead = world["follow_up"].pk, world["lead"]
    with pytest.raises(TicketError, match="Choose an outcome"):
        services.follow_up_close(follow_up_id=pk, actor=lead, outcome="bribed", note="x")
    with pytest.raises(TicketError, match="how you contacted"):
        services.follow_up_mark_contacted(follow_up_id=pk, actor=lead, note="  ")
    with pytest.raises(TicketError, match="under 1000 characters"):
        services.follow_up_mark_contacted(follow_up_id=pk, actor=lead, note="x" * 1001)
    assert FollowUp.objects.get().status == Status.OPEN


def test_changes_to_a_closed_follow_up_are_refused_until_reopened(world):
    pk, lead = world["follow_up"].pk, world["lead"]
    services.follow_up_mark_contacted(follow_up_id=pk, actor=lead, note="Mailed him")
    services.follow_up_close(follow_up_id=pk, actor=lead, outcome=Outcome.EXPLAINED)
    # The same close again (a double click) changes nothing.
    again = services.follow_up_close(follow_up_id=pk, actor=lead, outcome=Outcome.EXPLAINED)
    assert again.outcome == Outcome.EXPLAINED
    with pytest.raises(InvalidTransition, match="already closed"):
        services.follow_up_close(follow_up_id=pk, actor=lead, outcome=Outcome.FIXED)
    with pytest.raises(InvalidTransition, match="closed; reopen it first"):
        services.follow_up_mark_contacted(follow_up_id=pk, actor=lead, note="Again")
    with pytest.raises(InvalidTransition, match="reopen it to change its owner"):
        services.follow_up_assign(follow_up_id=pk, actor=lead, owner_id=world["other_agent"].pk)
    follow_up = FollowUp.objects.get()
    assert (follow_up.status, follow_up.outcome) == (Status.CLOSED, Outcome.EXPLAINED)


def test_contacted_twice_with_another_note_is_refused_and_the_same_note_is_harmless(world):
    pk, owner = world["follow_up"].pk, world["owner"]
    services.follow_up_mark_contacted(follow_up_id=pk, actor=owner, note="Called")
    assert services.follow_up_mark_contacted(follow_up_id=pk, actor=owner, note="Called")
    with pytest.raises(InvalidTransition, match="already marked contacted"):
        services.follow_up_mark_contacted(follow_up_id=pk, actor=owner, note="Called again")
    assert FollowUp.objects.get().contact_note == "Called"


def test_reopen_goes_back_to_contacted_and_clears_the_outcome(world):
    pk, lead = world["follow_up"].pk, world["lead"]
    services.follow_up_mark_contacted(follow_up_id=pk, actor=lead, note="Met in person")
    services.follow_up_close(follow_up_id=pk, actor=lead, outcome=Outcome.FIXED, note="Swapped")
    reopened = services.follow_up_reopen(follow_up_id=pk, actor=lead)
    assert reopened.status == Status.CONTACTED
    assert (reopened.outcome, reopened.outcome_note, reopened.closed_at) == ("", "", None)
    assert reopened.contact_note == "Met in person"
    # Reopening an open one changes nothing; the timeline kept the earlier close.
    assert services.follow_up_reopen(follow_up_id=pk, actor=lead).status == Status.CONTACTED
    bodies = list(
        TicketEvent.objects.filter(data__follow_up=pk).order_by("pk").values_list("body", flat=True)
    )
    assert bodies == ["Met in person", "Swapped", ""]


def test_reopen_without_a_contact_goes_back_to_open(world):
    pk, lead = world["follow_up"].pk, world["lead"]
    services.follow_up_close(follow_up_id=pk, actor=lead, outcome=Outcome.NO_ACTION, note="Slip")
    assert services.follow_up_reopen(follow_up_id=pk, actor=lead).status == Status.OPEN


def test_owner_goes_only_to_a_member_of_the_department(world):
    pk, lead = world["follow_up"].pk, world["lead"]
    assigned = services.follow_up_assign(
        follow_up_id=pk, actor=lead, owner_id=world["other_agent"].pk
    )
    assert assigned.owner == world["other_agent"]
    for outsider in (world["agent_elsewhere"], world["employee"], world["hr_admin"]):
        with pytest.raises(TicketError, match="member of the department"):
            services.follow_up_assign(follow_up_id=pk, actor=lead, owner_id=outsider.pk)
    assert FollowUp.objects.get().owner == world["other_agent"]


@pytest.mark.parametrize(
    "who", ["other_agent", "agent_elsewhere", "employee", "associate", "requester"]
)
def test_services_refuse_people_who_may_not_work_the_follow_up(world, who):
    pk, actor = world["follow_up"].pk, world[who]
    with pytest.raises(NotAllowed):
        services.follow_up_mark_contacted(follow_up_id=pk, actor=actor, note="Called")
    with pytest.raises(NotAllowed):
        services.follow_up_close(follow_up_id=pk, actor=actor, outcome="no_action", note="No")
    with pytest.raises(NotAllowed):
        services.follow_up_assign(follow_up_id=pk, actor=actor, owner_id=world["lead"].pk)
    assert FollowUp.objects.get().status == Status.OPEN


# ------------------------------------------------------------------ who sees what

ACTORS = [
    "anonymous",
    "requester",
    "employee",
    "associate",
    "owner",
    "other_agent",
    "agent_elsewhere",
    "lead",
    "hr_admin",
]
# 302 for a signed-out person is the redirect to sign in; 404 hides that it exists.
LEAD_PAGE = {
    "anonymous": 302,
    "requester": 404,
    "employee": 404,
    "associate": 404,
    "owner": 404,
    "other_agent": 404,
    "agent_elsewhere": 404,
    "lead": 200,
    "hr_admin": 200,
}
WORK_PAGE = {**LEAD_PAGE, "owner": 200}
STAFF_PAGE = {**LEAD_PAGE, "owner": 200, "other_agent": 200, "agent_elsewhere": 200}
STAFF_PAGE["hr_admin"] = 404  # an HR admin who works no queue owns no follow-up
WORK_ACT = {k: 302 if v == 200 else v for k, v in WORK_PAGE.items()}


def follow_up_url(name):
    return lambda w: reverse(f"loop:{name}", args=[w["follow_up"].pk])


TABLE = [
    ("list", "get", lambda w: reverse("loop:followup_list", args=["it"]), None, LEAD_PAGE),
    ("mine", "get", lambda w: reverse("loop:followup_mine"), None, STAFF_PAGE),
    ("detail", "get", follow_up_url("followup_detail"), None, WORK_PAGE),
    ("contacted", "post", follow_up_url("followup_contacted"), {"note": "Called"}, WORK_ACT),
    (
        "close",
        "post",
        follow_up_url("followup_close"),
        {"outcome": "no_action", "note": "Left"},
        WORK_ACT,
    ),
    ("reopen", "post", follow_up_url("followup_reopen"), {}, WORK_ACT),
    ("owner", "post", follow_up_url("followup_owner"), {"owner": "0"}, WORK_ACT),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "method", "url", "data", "expected"), TABLE)
def test_permission_matrix(client, world, actor, name, method, url, data, expected):
    if actor != "anonymous":
        client.force_login(world[actor])
    target = url(world)
    response = client.post(target, data or {}) if method == "post" else client.get(target)
    if name == "owner" and expected[actor] == 302 and actor != "anonymous":
        # Owner 0 is no member: refused with a message on the page, nothing changed.
        assert response.status_code == 400
    else:
        assert response.status_code == expected[actor], (name, actor)
    if expected[actor] != 200 and expected[actor] != 302:
        follow_up = FollowUp.objects.get(pk=world["follow_up"].pk)
        assert follow_up.status == Status.OPEN
        assert follow_up.owner == world["owner"]


def test_owner_sees_their_follow_up_in_their_list_and_a_colleague_does_not(client, world):
    reference = world["follow_up"].ticket.reference
    client.force_login(world["owner"])
    assert reference in client.get(reverse("loop:followup_mine")).content.decode()
    client.force_login(world["other_agent"])
    assert reference not in client.get(reverse("loop:followup_mine")).content.decode()


def test_request_link_only_for_those_who_may_open_the_request(client, world):
    ticket_url = reverse("requests_app:ticket_detail", args=[world["follow_up"].ticket.reference])
    detail = reverse("loop:followup_detail", args=[world["follow_up"].pk])
    client.force_login(world["lead"])
    assert f'href="{ticket_url}"' in client.get(detail).content.decode()
    client.force_login(world["hr_admin"])  # sees follow-ups, not the department's requests
    page = client.get(detail).content.decode()
    assert f'href="{ticket_url}"' not in page
    assert world["follow_up"].ticket.reference in page


def test_leads_menu_and_hr_admins_department_list_link_the_follow_ups(client, world):
    url = reverse("loop:followup_list", args=["it"])
    client.force_login(world["lead"])
    assert url in client.get(reverse("requests_app:home")).content.decode()
    client.force_login(world["owner"])
    assert url not in client.get(reverse("requests_app:home")).content.decode()
    client.force_login(world["hr_admin"])  # from the list of departments
    assert url in client.get(reverse("requests_app:department_list")).content.decode()


# ------------------------------------------------------------------ pages


def test_lead_works_a_follow_up_through_the_page(client, world):
    follow_up = world["follow_up"]
    client.force_login(world["lead"])
    detail = reverse("loop:followup_detail", args=[follow_up.pk])
    page = client.get(detail).content.decode()
    assert "Laptop still slow" in page
    assert "Mark contacted" in page
    response = client.post(
        reverse("loop:followup_owner", args=[follow_up.pk]), {"owner": world["other_agent"].pk}
    )
    assert response.status_code == 302
    assert "Owner changed." in client.get(detail).content.decode()
    client.post(reverse("loop:followup_contacted", args=[follow_up.pk]), {"note": "Phoned"})
    # No action without a why: refused, with the reason, keeping the chosen outcome.
    refused = client.post(
        reverse("loop:followup_close", args=[follow_up.pk]), {"outcome": "no_action", "note": ""}
    )
    assert refused.status_code == 400
    assert "Say why no action is taken." in refused.content.decode()
    assert 'value="no_action" checked' in refused.content.decode()
    done = client.post(
        reverse("loop:followup_close", args=[follow_up.pk]),
        {"outcome": "fixed", "note": "Replaced the disk"},
        follow=True,
    )
    text = done.content.decode()
    assert "Follow-up closed." in text
    assert "Replaced the disk" in text
    assert "Reopen the follow-up" in text
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == (Status.CLOSED, Outcome.FIXED)
    assert follow_up.owner == world["other_agent"]


def test_refused_change_on_the_page_keeps_what_was_typed(client, world):
    follow_up = world["follow_up"]
    client.force_login(world["owner"])
    response = client.post(
        reverse("loop:followup_close", args=[follow_up.pk]),
        {"outcome": "explained", "note": "Told him why the order takes two weeks"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Contact the requester before closing as fixed or explained." in text
    assert "Told him why the order takes two weeks" in text


@pytest.mark.parametrize("bad", [{"owner": "abc"}, {"owner": ""}, {}])
def test_bad_owner_input_is_a_400_with_a_message(client, world, bad):
    client.force_login(world["lead"])
    response = client.post(reverse("loop:followup_owner", args=[world["follow_up"].pk]), bad)
    assert response.status_code == 400
    assert "Choose a member of the department as the owner." in response.content.decode()


def test_department_list_shows_open_first_with_age_overdue_owner_and_score(
    client, world, request_type
):
    department = world["department"]
    late = world["follow_up"]
    FollowUp.objects.filter(pk=late.pk).update(due_on=selectors.site_today() - timedelta(days=1))
    closed_response = resolve_and_answer(request_type, world["owner"], world["requester"], 2)
    closed = closed_response.follow_up
    services.follow_up_close(
        follow_up_id=closed.pk, actor=world["lead"], outcome=Outcome.NO_ACTION, note="Slip"
    )
    client.force_login(world["lead"])
    url = reverse("loop:followup_list", args=[department.slug])
    text = client.get(url).content.decode()
    assert late.ticket.reference in text
    assert closed.ticket.reference not in text  # open ones by default
    assert "1/5" in text
    assert "Overdue" in text
    assert world["owner"].get_full_name() in text
    assert "0 days" in text
    everything = client.get(url, {"state": "all"}).content.decode()
    assert everything.index(late.ticket.reference) < everything.index(closed.ticket.reference)
    only_closed = client.get(url, {"state": "closed"}).content.decode()
    assert closed.ticket.reference in only_closed
    assert late.ticket.reference not in only_closed
    # A state that is not offered falls back to the open ones, never a 500.
    assert client.get(url, {"state": "<script>"}).status_code == 200


def test_list_query_count_does_not_grow_with_follow_ups(
    client, world, request_type, django_assert_max_num_queries
):
    client.force_login(world["lead"])
    url = reverse("loop:followup_list", args=["it"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        resolve_and_answer(request_type, world["owner"], world["requester"], 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = client.get(url).content.decode()
    assert text.count('href="/follow-ups/') == 7  # one link per follow-up


# ------------------------------------------------------------------ dashboard

START = datetime(2026, 2, 1, tzinfo=OSLO)
FEBRUARY = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}


class Answers:
    def __init__(self, department, request_type):
        self.department = department
        self.request_type = request_type
        self.agent = factories.agent(department, first_name="Alice", last_name="Agent")
        self.requester = factories.employee(first_name="Ada", last_name="Lovelace")
        self.version = factories.survey(name="CSAT", departments=[department]).versions.get()

    def answer(self, score, at, anonymous=False):
        ticket = factories.answered_csat(
            score=score,
            at=at,
            version=self.version,
            department=self.department,
            request_type=self.request_type,
            requester=self.requester,
            agent=self.agent,
            anonymous=anonymous,
        )
        response = Invitation.objects.get(ticket=ticket).response
        return services.follow_up_open_for(response)


def close_after(follow_up, days, actor):
    services.follow_up_close(
        follow_up_id=follow_up.pk, actor=actor, outcome=Outcome.NO_ACTION, note="Done"
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(
        closed_at=follow_up.response.submitted_at + timedelta(days=days)
    )


def seed_february(answers, lead, extra_open=0):
    """In February: 7 named low scores (5 closed after 1, 2, 3, 4 and 10 days; 2 open,
    one of them overdue), 3 named good scores, 2 anonymous low ones (no follow-up);
    one low score from January still open and overdue. ``extra_open`` more open ones."""
    low = [answers.answer(1, START + timedelta(days=day, hours=10)) for day in range(7)]
    for follow_up, days in zip(low[:5], [1, 2, 3, 4, 10], strict=True):
        close_after(follow_up, days, lead)
    FollowUp.objects.filter(pk=low[5].pk).update(due_on=date(2026, 2, 10))
    FollowUp.objects.filter(pk=low[6].pk).update(due_on=date(2026, 3, 20))
    for day in range(3):
        assert answers.answer(5, START + timedelta(days=10 + day)) is None
    for day in range(2):
        assert answers.answer(1, START + timedelta(days=12 + day), anonymous=True) is None
    january = answers.answer(2, START - timedelta(days=5))
    FollowUp.objects.filter(pk=january.pk).update(due_on=date(2026, 1, 31))
    for day in range(extra_open):
        extra = answers.answer(2, START + timedelta(days=20, hours=day))
        FollowUp.objects.filter(pk=extra.pk).update(due_on=date(2026, 3, 20))


def figures_text(page: str) -> list[str]:
    section = page.split('id="followups-heading"')[1].split("</section>")[0]
    return [
        re.sub(r"<[^>]+>", "", dd).strip() for dd in re.findall(r"<dd[^>]*>(.*?)</dd>", section)
    ]


@time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=OSLO), tick=False)
def test_dashboard_figures_equal_hand_counted_values(client, department, request_type, it_lead):
    seed_february(Answers(department, request_type), it_lead)
    figures = selectors.department_follow_up_figures(
        department,
        start=START,
        end=datetime(2026, 3, 1, tzinfo=OSLO),
        today=date(2026, 3, 1),
    )
    # 7 named low scores (anonymous ones and January's not counted), 5 closed, median of
    # 1, 2, 3, 4, 10 days is 3; open now: two of February's and January's; overdue: the
    # one due on 10 February and January's.
    assert figures.low_scores == 7
    assert figures.closed == 5
    assert figures.median_days == pytest.approx(3.0)
    assert (figures.open_now, figures.overdue_now) == (3, 2)
    client.force_login(it_lead)
    page = client.get(
        reverse("insights:department_dashboard", args=[department.slug]), FEBRUARY
    ).content.decode()
    assert figures_text(page) == ["7", "5", "3.0 days", "3", "2 Overdue"]


@time_machine.travel(datetime(2026, 2, 27, 12, tzinfo=OSLO), tick=False)
def test_dashboard_counts_a_new_low_score_at_once(client, department, request_type, it_lead):
    """The count of low scores is kept with the survey counts between views: a new low
    score moves it at the next view, and closing a follow-up moves the closed count."""
    answers = Answers(department, request_type)
    seed_february(answers, it_lead)
    client.force_login(it_lead)
    url = reverse("insights:department_dashboard", args=[department.slug])
    assert figures_text(client.get(url, FEBRUARY).content.decode())[:2] == ["7", "5"]
    assert figures_text(client.get(url, FEBRUARY).content.decode())[:2] == ["7", "5"]
    late = answers.answer(2, datetime(2026, 2, 27, 9, tzinfo=OSLO))
    assert figures_text(client.get(url, FEBRUARY).content.decode())[:2] == ["8", "5"]
    close_after(late, 0, it_lead)
    assert figures_text(client.get(url, FEBRUARY).content.decode())[:2] == ["8", "6"]


@time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=OSLO), tick=False)
def test_dashboard_median_needs_five_closed_follow_ups(client, department, request_type, it_lead):
    answers = Answers(department, request_type)
    for day in range(4):
        close_after(answers.answer(1, START + timedelta(days=day)), 2, it_lead)
    for day in range(3):
        answers.answer(5, START + timedelta(days=10 + day))
    client.force_login(it_lead)
    page = client.get(
        reverse("insights:department_dashboard", args=[department.slug]), FEBRUARY
    ).content.decode()
    assert figures_text(page)[2] == "not enough closed follow-ups yet (n = 4)"


@time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=OSLO), tick=False)
def test_dashboard_query_count_does_not_grow_with_follow_ups(
    client, department, request_type, it_lead
):
    answers = Answers(department, request_type)
    seed_february(answers, it_lead)
    client.force_login(it_lead)
    url = reverse("insights:department_dashboard", args=[department.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url, FEBRUARY)
    seed_february(answers, it_lead, extra_open=10)
    questions._answered.clear()  # read again, as at the first view: like for like
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, FEBRUARY).content.decode()
    assert figures_text(page)[0] == "24"  # 7 + 7 + 10 named low scores in February
    assert len(many.captured_queries) == len(few.captured_queries)


@time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=OSLO), tick=False)
def test_dashboard_withholds_the_periods_counts_where_too_few_answered(
    client, department, request_type, it_lead
):
    """Two answers, both low: "2 low scores" beside "2 responses" would give away the
    hidden CSAT, so the period's figures are withheld like the comments; today's open
    follow-ups are work, and shown."""
    answers = Answers(department, request_type)
    for day in range(2):
        answers.answer(1, START + timedelta(days=day))
    client.force_login(it_lead)
    page = client.get(
        reverse("insights:department_dashboard", args=[department.slug]), FEBRUARY
    ).content.decode()
    assert figures_text(page) == ["not enough answers yet (n = 2)"] * 3 + ["2", "0"]


@time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=OSLO), tick=False)
def test_dashboard_says_when_the_periods_answers_were_all_anonymous(
    client, department, request_type, it_lead
):
    """Only answers to an anonymous survey: a note instead of figures about people. Named
    answers beside them, none of them low: the figures, with no low score."""
    anonymous = Answers(department, request_type)
    Survey.objects.filter(pk=anonymous.version.survey_id).update(anonymous=True)
    for day in range(5):
        anonymous.answer(1, START + timedelta(days=day), anonymous=True)
    client.force_login(it_lead)
    url = reverse("insights:department_dashboard", args=[department.slug])
    note = "answers are anonymous: a low score opens no follow-up per person"
    page = client.get(url, FEBRUARY).content.decode()
    assert note in page and figures_text(page) == []
    named = Answers(department, request_type)
    for day in range(5):
        named.answer(5, START + timedelta(days=10 + day))
    page = client.get(url, FEBRUARY).content.decode()
    assert note not in page
    assert figures_text(page)[:2] == ["0", "0"]
