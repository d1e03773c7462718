"""A person in New York chooses their time zone on their profile and sees a ticket in it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from requests_app.models import Employee, Ticket
from tests import factories

from .browser import BROWSER_TEST, login

pytestmark = BROWSER_TEST

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def test_profile_time_zone_changes_the_times_on_the_ticket_page(page, console):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    access = factories.RequestTypeFactory(department=it, name="Access request", slug="access")
    rita = factories.employee(username="rita", first_name="Rita", last_name="Rye")
    ticket = factories.make_ticket(requester=rita, request_type=access, title="VPN access")
    # A time whose hour differs in Oslo and New York, whenever the test runs.
    created = datetime(2027, 1, 15, 12, 30, tzinfo=UTC)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created, due_at=created + timedelta(hours=72)
    )
    login(page, rita)

    page.goto(f"/t/{ticket.reference}/")
    expect(page.locator("main")).to_contain_text("Times are shown in Europe/Oslo time.")
    expect(page.locator("main")).to_contain_text("15.01.2027 13:30")

    page.get_by_role("link", name="Change your time zone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_label("Time zone", exact=True).select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.locator("main")).to_contain_text("America/New_York")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "time-zone-profile-1280.png", full_page=True)
    assert Employee.objects.get(user=rita).time_zone == "America/New_York"

    page.goto(f"/t/{ticket.reference}/")
    facts = page.locator("aside")
    expect(facts).to_contain_text("Times are shown in America/New_York time.")
    expect(facts).to_contain_text("15.01.2027 07:30")
    due = (created + timedelta(hours=72)).astimezone(ZoneInfo("America/New_York"))
    expect(facts).to_contain_text(due.strftime("%d.%m.%Y %H:%M"))
    page.screenshot(path=SCREENSHOTS / "time-zone-ticket-1280.png", full_page=True)
    assert console.errors() == []
