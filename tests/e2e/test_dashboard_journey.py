"""The department dashboard seen by its lead: filter it, bookmark it, download the CSV.

Issue 5: "a lead filtering the dashboard and downloading the CSV". The figures are
hand-computed from the scores below; the filter form is driven with its real controls,
and the CSV is the file Chromium downloads.
"""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

from .browser import BROWSER_TEST, PHONE, login

pytestmark = BROWSER_TEST

CSAT_LABEL = "CSAT (answers of 4–5)"
# The last 30 days: access 5,5,5,4,2,1 and laptop 5,1,2,3,3, i.e. 4 + 1 = 5 of 11 answers
# of 4–5 = 45.5 %; Wilson 95 %: 21.3–72.0 %. The 30 days before hold 2 answers.
OVERALL_30D = "45 % (21–72 %)"
PREVIOUS_30D = "not enough answers yet (n = 2)"
# Access in the last 90 days: the six above and 5,4 from 40 and 50 days ago, i.e.
# 6 of 8 = 75 %; Wilson 95 %: 40.9–92.8 %. The 90 days before hold none.
ACCESS_90D = "75 % (41–93 %)"
PREVIOUS_90D = "not enough answers yet (n = 0)"


def answered(department, request_type, version, requester, agent, score, days_ago):
    """A resolved ticket of ``request_type`` whose survey was answered with ``score``."""
    factories.answered_csat(
        score=score,
        at=timezone.now() - timedelta(days=days_ago),
        version=version,
        department=department,
        request_type=request_type,
        requester=requester,
        agent=agent,
    )


def csat_tile(page):
    return page.locator('[data-tile="csat"]')


def test_lead_filters_dashboard_and_downloads_csv(page, open_page, console, live_server):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    access = factories.RequestTypeFactory(department=it, name="Access request", slug="access")
    laptop = factories.RequestTypeFactory(department=it, name="Laptop", slug="laptop")
    agent = factories.agent(it, username="kari", first_name="Kari", last_name="Olsen")
    lead = factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    requester = factories.employee(username="ola", first_name="Ola", last_name="Nordmann")
    version = factories.survey(name="CSAT", departments=[it]).versions.get()
    # (request type, score, days ago)
    seeds = [
        (access, 5, 1),
        (access, 5, 2),
        (access, 5, 3),
        (access, 4, 4),
        (access, 2, 5),
        (access, 1, 6),
        (laptop, 5, 2),
        (laptop, 1, 4),
        (laptop, 2, 6),
        (laptop, 3, 8),
        (laptop, 3, 10),
        (access, 5, 40),
        (access, 4, 50),
    ]
    for request_type, score, days_ago in seeds:
        answered(it, request_type, version, requester, agent, score, days_ago)

    # The lead signs in and opens the dashboard from the Manage menu.
    login(page, lead)
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="IT: satisfaction dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IT: satisfaction dashboard")
    expect(csat_tile(page)).to_contain_text(CSAT_LABEL)
    expect(csat_tile(page).locator("p").first).to_have_text(OVERALL_30D)
    expect(csat_tile(page)).to_contain_text(f"Previous period: {PREVIOUS_30D}")

    # Access requests over the last 90 days, with the form's own controls.
    page.get_by_label("Period", exact=True).select_option(label="Last 90 days")
    page.get_by_label("Request type", exact=True).select_option(label="Access request")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"[?&]request_type={access.pk}(&|$)"))
    assert re.search(r"[?&]range=90d(&|$)", page.url)
    expect(csat_tile(page).locator("p").first).to_have_text(ACCESS_90D)
    expect(csat_tile(page)).to_contain_text(f"Previous period: {PREVIOUS_90D}")
    expect(page.get_by_label("Request type", exact=True)).to_have_value(str(access.pk))

    # Bookmarkable: the same URL in another signed-in page shows the same figure.
    bookmark = page.url
    other = open_page()
    login(other, lead)
    other.goto(bookmark)
    expect(csat_tile(other).locator("p").first).to_have_text(ACCESS_90D)
    expect(other.get_by_label("Period", exact=True)).to_have_value("90d")

    # The CSV holds what the filtered page shows: its figures as plain numbers, a withheld
    # one as an empty cell with the page's words in the note.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    today = timezone.localdate()
    first = today - timedelta(days=89)
    assert download.value.suggested_filename == (
        f"icsat-it-{first.isoformat()}-{today.isoformat()}.csv"
    )
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    by_label = {row[0]: row for row in rows if row}
    assert by_label["Department"] == ["Department", "IT"]
    assert by_label["Period"] == ["Period", first.isoformat(), today.isoformat()]
    assert by_label["Request type"] == ["Request type", "Access request"]
    assert by_label[CSAT_LABEL][1:4] == ["%", "75", ""]
    assert float(by_label[CSAT_LABEL][2]) == 75
    assert f"Previous period: {PREVIOUS_90D}" in by_label[CSAT_LABEL][5]
    assert by_label["Responses"][2] == "8"
    flat = "\n".join(",".join(row) for row in rows)
    assert "Laptop" not in flat  # the filter applies to the breakdowns too

    # At 375 px the dashboard fits the screen: no sideways scrolling of the page.
    phone = open_page(PHONE)
    login(phone, lead)
    phone.goto(bookmark)
    expect(csat_tile(phone).locator("p").first).to_have_text(ACCESS_90D)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376

    assert console.errors() == []
