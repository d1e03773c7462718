"""A directory provisions a company through /scim/v2/, then people move, leave and return.

Everything the directory does goes through icsat's SCIM endpoints (Django's test client,
the whole request stack, a bearer token), in the shapes Entra ID sends. Afterwards the
test looks at what people notice: the people page, queues, surveys, dashboards, history.
"""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import AuditEntry
from requests_app.models import Department, Membership, ReferenceCounter, Ticket, TicketEvent
from requests_app.services import tickets as ticket_svc
from scim.services import groups, tokens
from surveys.models import Answer, Invitation, Response
from tests import factories
from tests.scim.conftest import ScimClient, patch_body, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
OSLO = ZoneInfo("Europe/Oslo")
FEBRUARY = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}
PEOPLE, BATCH, MOVED, LEAVERS, RETURNING = 500, 50, 50, 20, 5


def _ok(response, status=200):
    assert response.status_code == status, response.content[:500]
    return response.json() if status != 204 else None


def _group(scim, name, ids):
    body = {"schemas": [GROUP], "displayName": name, "members": [{"value": i} for i in ids]}
    return _ok(scim.post("Groups", body), 201)["id"]


def _members(scim, group_id, add=(), remove=()):
    operations = []
    if add:
        operations.append({"op": "Add", "path": "members", "value": [{"value": i} for i in add]})
    if remove:
        operations.append(
            {"op": "Remove", "path": "members", "value": [{"value": i} for i in remove]}
        )
    _ok(scim.patch(f"Groups/{group_id}", patch_body(*operations)))


def _dashboard(hr_client):
    response = hr_client.get("/surveys/dashboard/", FEBRUARY)
    assert response.status_code == 200
    return response.context["rows"], response.context["matrix"]


def _people_count(hr_client, **params):
    return hr_client.get("/manage/people/", params).context["page"].paginator.count


def test_directory_provisions_moves_and_offboards_without_losing_history(client):
    started = time.monotonic()
    names = ["IT", "HR", "Finance", "Facilities", "Sales"]
    departments = {
        n: factories.DepartmentFactory(name=n, slug=n.lower(), prefix=n[:2].upper()) for n in names
    }
    it = departments["IT"]
    admin = factories.hr_admin(username="hanne", first_name="Hanne", last_name="HR")
    _token, raw = tokens.token_create(actor=admin, name="Entra ID")
    scim = ScimClient(client, raw)
    hr_client = Client()
    hr_client.force_login(admin)
    groups.mapping_create(actor=admin, directory_group="IT agents", grant="agent", department=it)
    groups.mapping_create(actor=admin, directory_group="IT leads", grant="lead", department=it)
    groups.mapping_create(
        actor=admin, directory_group="HR admins", grant="hr_admin", department=None
    )

    # 1. The directory sends 500 people in batches, each with a department.
    ids: list[str] = []
    for batch in range(PEOPLE // BATCH):
        for n in range(batch * BATCH, (batch + 1) * BATCH):
            body = user_body(
                f"person{n:03d}@example.com",
                given=f"Given{n:03d}",
                family=f"Family{n:03d}",
                department=names[n % len(names)],
                externalId=f"aad-{n:03d}",
            )
            ids.append(_ok(scim.post("Users", body), 201)["id"])
        listed = _ok(scim.get("Users", {"filter": f'externalId eq "aad-{n:03d}"'}))
        assert listed["totalResults"] == 1
    assert _people_count(hr_client, status="active") == PEOPLE + 1  # and the HR admin
    it_people = [i for n, i in enumerate(ids) if n % len(names) == 0]
    agents_group = _group(scim, "IT agents", it_people[:20])
    leads_group = _group(scim, "IT leads", it_people[20:23])
    hr_group = _group(scim, "HR admins", [ids[2]])
    assert Membership.objects.filter(department=it, role="agent").count() == 20
    assert Membership.objects.filter(department=it, role="lead").count() == 3

    # 2. History made before anyone leaves: answered surveys, open work, waiting surveys.
    leaving_agents = it_people[:3]  # agents with open requests
    leaving_lead = it_people[20]  # one of the three leads
    leaving_requesters = [i for n, i in enumerate(ids) if n % len(names) == 1][:4]
    survey = factories.survey(name="CSAT IT", departments=[it])
    version = survey.versions.get()
    request_type = factories.RequestTypeFactory(department=it, name="Access")
    agent = User.objects.get(pk=leaving_agents[0])
    for n in range(12):
        factories.answered_csat(
            score=(n % 5) + 1,
            at=datetime(2026, 2, 1 + n, 12, tzinfo=OSLO),
            version=version,
            department=it,
            request_type=request_type,
            requester=User.objects.get(pk=leaving_requesters[n % 4]),
            agent=agent,
            customer_department=departments["HR"],
        )
    # answered_csat writes references itself: the real counter continues past them.
    ReferenceCounter.objects.update_or_create(prefix=it.prefix, defaults={"last_number": 900000})
    open_work = []
    for n, agent_id in enumerate(leaving_agents * 2):
        ticket = factories.make_ticket(
            requester=User.objects.get(pk=ids[100 + n]), request_type=request_type
        )
        ticket_svc.ticket_claim(ticket_id=ticket.pk, actor=User.objects.get(pk=agent_id))
        open_work.append(ticket.pk)
    waiting = [
        factories.make_ticket(
            requester=User.objects.get(pk=i), request_type=request_type, status="resolved"
        ).pk
        for i in leaving_requesters
    ]
    assert (
        Invitation.objects.filter(ticket_id__in=waiting, status__in=["pending", "sent"]).count()
        == 4
    )
    later = [
        factories.make_ticket(requester=User.objects.get(pk=i), request_type=request_type).pk
        for i in leaving_requesters
    ]
    dashboard_before = _dashboard(hr_client)
    # Everyone the page lists (the survey factory added its own HR admin too).
    everyone = _people_count(hr_client, status="all")
    hr_admins = _people_count(hr_client, role="hr_admin")
    before = {
        "tickets": set(Ticket.objects.values_list("pk", flat=True)),
        "events": set(TicketEvent.objects.values_list("pk", flat=True)),
        "audit": set(AuditEntry.objects.values_list("pk", flat=True)),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
    }

    # 3. 50 people move to another department (Entra PATCHes the extension's attribute).
    movers = ids[200 : 200 + MOVED]
    for n, user_id in enumerate(movers):
        new = names[(ids.index(user_id) + 1 + n % 3) % len(names)]
        operation = {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": new}
        _ok(scim.patch(f"Users/{user_id}", patch_body(operation)))
    moved = Department.objects.filter(employees__user_id__in=movers)
    assert moved.count() == MOVED
    assert all(
        User.objects.get(pk=m).employee.home_department.name != names[ids.index(m) % len(names)]
        for m in movers
    )

    # 4. Group changes: a new lead before the old one leaves, agents in and out, HR admins.
    _members(scim, leads_group, add=[it_people[23]])
    _members(scim, agents_group, add=it_people[24:29], remove=it_people[17:20])
    _members(scim, hr_group, add=[ids[7]], remove=[ids[2]])

    # 5. 20 leave: Entra sets active "False" for ten and deletes ten.
    leavers = [*leaving_agents, leaving_lead, *leaving_requesters]
    leavers += [i for i in ids[300:] if i not in leavers][: LEAVERS - len(leavers)]
    for n, user_id in enumerate(leavers):
        if n % 2:
            _ok(scim.delete(f"Users/{user_id}"), 204)
        else:
            operation = {"op": "Replace", "path": "active", "value": "False"}
            _ok(scim.patch(f"Users/{user_id}", patch_body(operation)))

    # 6. 5 return: PATCH active for those still visible, POST again for the deleted.
    returning = [leavers[-1], leavers[-2], leavers[-3], leavers[-4], leavers[-5]]
    for user_id in returning:
        person = User.objects.get(pk=user_id)
        if scim.get(f"Users/{user_id}").status_code == 404:
            again = _ok(scim.post("Users", user_body(person.username, department="Sales")), 201)
            assert again["id"] == user_id  # the same person, not a duplicate
        else:
            _ok(
                scim.patch(
                    f"Users/{user_id}", patch_body({"op": "replace", "value": {"active": True}})
                )
            )
    gone = set(leavers) - set(returning)
    assert len(gone) == LEAVERS - RETURNING

    # What HR admins see on the people page.
    assert _people_count(hr_client, status="active") == everyone - len(gone)
    assert _people_count(hr_client, status="left") == len(gone)
    assert _people_count(hr_client, status="all") == everyone  # nobody deleted, nobody doubled
    assert _people_count(hr_client, role="hr_admin") == hr_admins  # one in, one out
    assert User.objects.get(pk=ids[7]).groups.filter(name="HR admins").exists()
    assert not User.objects.get(pk=ids[2]).groups.filter(name="HR admins").exists()
    it_roles = dict(Membership.objects.filter(department=it).values_list("user_id", "role"))
    assert it_roles[int(it_people[23])] == "lead"
    assert all(int(i) in it_roles for i in it_people[24:29])
    assert not any(int(i) in it_roles for i in it_people[17:20])

    # Queues: the leavers' open requests went to an active IT lead, who sees them.
    leads = set(
        Membership.objects.filter(department=it, role="lead", user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    reassigned = Ticket.objects.filter(pk__in=open_work)
    assert all(t.assignee_id in leads and t.status == "open" for t in reassigned)
    lead_client = Client()
    lead = User.objects.get(pk=reassigned.first().assignee_id)
    lead_client.force_login(lead)
    mine = lead_client.get("/requests/assigned/").content.decode()
    assert all(t.reference in mine for t in reassigned if t.assignee_id == lead.pk)

    # Surveys: waiting invitations of leavers withdrawn; their next resolution asks nothing.
    gone_requesters = [i for i in leaving_requesters if i in gone]
    withdrawn = Invitation.objects.filter(ticket_id__in=waiting, recipient_id__in=gone_requesters)
    assert withdrawn.exists() and all(i.status == "cancelled" for i in withdrawn)
    resolver = User.objects.get(pk=it_people[23])
    for ticket_id in later:
        ticket_svc.ticket_claim(ticket_id=ticket_id, actor=resolver)
        ticket_svc.ticket_resolve(ticket_id=ticket_id, actor=resolver, note="Done")
    asked = set(
        Invitation.objects.filter(ticket_id__in=later).values_list("recipient_id", flat=True)
    )
    assert not asked & {int(i) for i in gone}
    assert asked == {int(i) for i in leaving_requesters if i not in gone}

    # Dashboards: historic figures unchanged; no ticket, answer or history row lost.
    assert _dashboard(hr_client) == dashboard_before
    assert before["tickets"] <= set(Ticket.objects.values_list("pk", flat=True))
    assert before["events"] <= set(TicketEvent.objects.values_list("pk", flat=True))
    assert before["audit"] <= set(AuditEntry.objects.values_list("pk", flat=True))
    assert (Response.objects.count(), Answer.objects.count()) == (
        before["responses"],
        before["answers"],
    )
    deactivated = AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSON_DEACTIVATED)
    assert deactivated.count() == LEAVERS and {e.actor_id for e in deactivated} == {admin.pk}
    elapsed = time.monotonic() - started
    print(
        f"\nscenario: {PEOPLE} created, {MOVED} moved, {LEAVERS} deactivated, "
        f"{RETURNING} reactivated; tickets {len(before['tickets'])}→{Ticket.objects.count()}, "
        f"ticket events {len(before['events'])}→{TicketEvent.objects.count()}, "
        f"audit rows {len(before['audit'])}→{AuditEntry.objects.count()}, "
        f"responses {before['responses']}→{Response.objects.count()}, "
        f"answers {before['answers']}→{Answer.objects.count()}; {elapsed:.1f} s"
    )
