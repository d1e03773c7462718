"""Per-person time zone: pages and e-mails show each person's own zone; empty is the site's."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Employee
from requests_app.zones import is_selectable, zone_choices
from tests import factories

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
OSLO = ZoneInfo("Europe/Oslo")
# Winter: Oslo is UTC+1 and New York UTC−5, six hours apart.
FILED_AT = datetime(2027, 1, 15, 12, 30, tzinfo=UTC)
STAMP = re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")


def set_zone(user, name: str) -> None:
    Employee.objects.filter(user=user).update(time_zone=name)
    user.refresh_from_db()


def local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def facts(html: str) -> dict[str, datetime]:
    """The ticket page's "Due" and "Created" times, as the reader sees them (naive)."""
    found = {}
    for label in ("Due", "Created"):
        match = re.search(rf"<dt>{label}</dt><dd><time [^>]*>({STAMP.pattern})</time>", html)
        assert match, f"no {label} time on the page"
        found[label] = datetime.strptime(match.group(1), "%d.%m.%Y %H:%M")  # noqa: DTZ007
    return found


@pytest.fixture
def ticket(request_type, requester, it_agent):
    set_zone(requester, "America/New_York")
    set_zone(it_agent, "Europe/Oslo")
    with time_machine.travel(FILED_AT, tick=False):
        return factories.make_ticket(requester=requester, request_type=request_type)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ticket_url(ticket) -> str:
    return reverse("requests_app:ticket_detail", kwargs={"reference": ticket.reference})


# --- pages -------------------------------------------------------------------------------


def test_ticket_page_shows_each_reader_times_in_their_own_zone(client, ticket, requester, it_agent):
    in_new_york = page(client, requester, ticket_url(ticket))
    in_oslo = page(client, it_agent, ticket_url(ticket))

    assert local(ticket.created_at, NEW_YORK) == "15.01.2027 07:30"
    assert local(ticket.created_at, OSLO) == "15.01.2027 13:30"
    new_york, oslo = facts(in_new_york), facts(in_oslo)
    assert new_york["Created"].strftime("%d.%m.%Y %H:%M") == "15.01.2027 07:30"
    assert oslo["Created"].strftime("%d.%m.%Y %H:%M") == "15.01.2027 13:30"
    assert new_york["Due"].strftime("%d.%m.%Y %H:%M") == local(ticket.due_at, NEW_YORK)
    for label in ("Due", "Created"):
        assert oslo[label] - new_york[label] == timedelta(hours=6)
    assert "Times are shown in America/New_York time." in in_new_york
    assert "Times are shown in Europe/Oslo time." in in_oslo


def test_ticket_page_follows_summer_time_too(client, request_type, requester, it_agent):
    set_zone(requester, "America/New_York")
    # 1 April: Oslo is already on summer time (UTC+2), New York too (UTC−4).
    with time_machine.travel(datetime(2027, 4, 1, 9, 0, tzinfo=UTC), tick=False):
        ticket = factories.make_ticket(requester=requester, request_type=request_type)
    assert facts(page(client, requester, ticket_url(ticket)))["Created"] == datetime(  # noqa: DTZ001
        2027, 4, 1, 5, 0
    )
    assert facts(page(client, it_agent, ticket_url(ticket)))["Created"] == datetime(  # noqa: DTZ001
        2027, 4, 1, 11, 0
    )


def test_queue_shows_due_times_in_each_agents_zone(client, ticket, department, it_agent):
    colleague = factories.agent(department, username="ny-agent")
    set_zone(colleague, "America/New_York")
    url = reverse("requests_app:department_queue", kwargs={"department_slug": department.slug})

    in_oslo = page(client, it_agent, url)
    in_new_york = page(client, colleague, url)

    assert local(ticket.due_at, OSLO) in in_oslo
    assert local(ticket.due_at, NEW_YORK) in in_new_york
    assert local(ticket.due_at, NEW_YORK) not in in_oslo
    oslo_due = datetime.strptime(local(ticket.due_at, OSLO), "%d.%m.%Y %H:%M")  # noqa: DTZ007
    ny_due = datetime.strptime(local(ticket.due_at, NEW_YORK), "%d.%m.%Y %H:%M")  # noqa: DTZ007
    assert oslo_due - ny_due == timedelta(hours=6)
    assert "Times are shown in Europe/Oslo time." in in_oslo
    assert "Times are shown in America/New_York time." in in_new_york


def test_empty_zone_means_the_sites(client, ticket, it_agent, settings):
    set_zone(it_agent, "")
    text = page(client, it_agent, ticket_url(ticket))
    assert facts(text)["Created"].strftime("%d.%m.%Y %H:%M") == local(ticket.created_at, OSLO)
    assert "Times are shown in Europe/Oslo time." in text

    # Empty follows the site's zone wherever it is set, rather than a copy of it.
    settings.TIME_ZONE = "Asia/Tokyo"
    text = page(client, it_agent, ticket_url(ticket))
    assert facts(text)["Created"].strftime("%d.%m.%Y %H:%M") == "15.01.2027 21:30"
    assert "Times are shown in Asia/Tokyo time." in text


def test_a_zone_the_tz_database_no_longer_has_shows_the_sites_not_a_500(client, ticket, it_agent):
    set_zone(it_agent, "Mars/Olympus_Mons")
    text = page(client, it_agent, ticket_url(ticket))
    assert facts(text)["Created"].strftime("%d.%m.%Y %H:%M") == local(ticket.created_at, OSLO)


def test_the_zone_does_not_outlive_the_request(client, ticket, requester):
    page(client, requester, ticket_url(ticket))
    assert timezone.get_current_timezone_name() == "Europe/Oslo"


# --- the profile page --------------------------------------------------------------------


def profile_url() -> str:
    return reverse("requests_app:profile")


def test_profile_redirects_the_signed_out_to_sign_in(client):
    response = client.get(profile_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_profile_offers_the_iana_zones_grouped_with_the_sites_as_default(client, requester):
    text = page(client, requester, profile_url())
    assert '<option value="" selected>The site&#x27;s time zone (Europe/Oslo)</option>' in text
    assert '<optgroup label="America">' in text
    assert '<option value="America/New_York">New York (UTC−05:00)</option>' in text
    assert "Times are shown in Europe/Oslo time." not in text  # the profile says it its own way
    assert "(Europe/Oslo, CET)" in text


def test_profile_saves_language_and_zone(client, requester):
    client.force_login(requester)
    response = client.post(profile_url(), {"language": "nb", "time_zone": "America/New_York"})
    assert response.status_code == 302
    requester.employee.refresh_from_db()
    assert requester.employee.time_zone == "America/New_York"
    assert requester.employee.language == "nb"
    text = client.get(profile_url()).content.decode()
    assert "Profilen din er lagret." in text
    assert '<option value="America/New_York" selected>' in text
    assert "(America/New_York, E" in text  # EST or EDT, whenever the test runs


def test_profile_refuses_a_zone_not_on_the_list_with_a_form_error(client, requester):
    set_zone(requester, "Europe/Oslo")
    client.force_login(requester)
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "US/Eastern", "x" * 300):
        response = client.post(profile_url(), {"language": "en", "time_zone": bad})
        assert response.status_code == 200
        assert "Choose a time zone from the list." in response.content.decode()
    requester.employee.refresh_from_db()
    assert requester.employee.time_zone == "Europe/Oslo"


def test_profile_back_to_empty_follows_the_site_again(client, requester):
    set_zone(requester, "Asia/Tokyo")
    client.force_login(requester)
    client.post(profile_url(), {"language": "en", "time_zone": ""})
    requester.employee.refresh_from_db()
    assert requester.employee.time_zone == ""


def test_zone_choices_are_regional_iana_names_and_utc():
    names = {
        name
        for choice in zone_choices()
        for name, _label in (choice[1] if isinstance(choice[1], list) else [choice])
    }
    assert {"UTC", "Europe/Oslo", "America/New_York", "Asia/Kolkata"} <= names
    assert not names & {"US/Eastern", "EST5EDT", "Etc/GMT+5", "posixrules", ""}
    assert all(is_selectable(name) for name in names)


# --- e-mails -----------------------------------------------------------------------------


def test_outbox_renders_each_recipients_email_in_their_zone(
    request_type, department, requester, django_capture_on_commit_callbacks
):
    oslo_agent = factories.agent(department, username="oslo-agent")
    ny_agent = factories.agent(department, username="ny-agent")
    set_zone(oslo_agent, "Europe/Oslo")
    set_zone(ny_agent, "America/New_York")
    with (
        time_machine.travel(FILED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = factories.make_ticket(requester=requester, request_type=request_type)

    by_address = {message.to[0]: message for message in mail.outbox}
    oslo_mail, ny_mail = by_address[oslo_agent.email], by_address[ny_agent.email]
    assert f"Due: {local(ticket.due_at, OSLO)} (Europe/Oslo)" in oslo_mail.body
    assert f"Due: {local(ticket.due_at, NEW_YORK)} (America/New_York)" in ny_mail.body
    html = ny_mail.alternatives[0].content
    assert f"Due: {local(ticket.due_at, NEW_YORK)} (America/New_York)" in html
    # The worker's thread is back in the site's zone after each e-mail.
    assert timezone.get_current_timezone_name() == "Europe/Oslo"


def test_outbox_renders_with_the_sites_zone_when_the_recipient_has_none(
    request_type, department, requester, django_capture_on_commit_callbacks
):
    agent = factories.agent(department, username="agent-no-zone")
    with (
        time_machine.travel(FILED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = factories.make_ticket(requester=requester, request_type=request_type)
    [message] = [m for m in mail.outbox if m.to == [agent.email]]
    assert f"Due: {local(ticket.due_at, OSLO)} (Europe/Oslo)" in message.body
