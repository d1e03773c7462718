"""The journeys of the issue, clicked and typed through in a real browser."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests import factories

from .browser import BROWSER_TEST, login, logout
from .mail import celery_worker, mails_to, wait_for_mail

pytestmark = BROWSER_TEST


def test_handoff_from_sending_to_resolution(page, console, settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "icsat.mail.EmlFileBackend",
            "OPTIONS": {"directory": str(tmp_path / "mail")},
        }
    }
    finance = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FIN")
    sales = factories.DepartmentFactory(name="Sales", slug="sales", prefix="SAL")
    alice = factories.employee(
        home_department=finance, username="alice", first_name="Alice", last_name="Aune"
    )
    # Two matches for "ber": the first is highlighted, so ArrowDown must move to Bjørn.
    factories.employee(
        home_department=sales, username="berit", first_name="Berit", last_name="Bakke"
    )
    bjorn = factories.employee(
        home_department=sales, username="bjorn", first_name="Bjørn", last_name="Berg"
    )
    pdf = tmp_path / "quarterly-report.pdf"
    pdf.write_bytes(factories.PDF_BYTES)

    # Alice sends the report to Bjørn, choosing him with the keyboard only.
    login(page, alice)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Send to a colleague"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send to a colleague")
    search = page.get_by_role("combobox", name="Colleague")
    search.press_sequentially("ber")
    options = page.locator("#colleague-options [role=option]")
    expect(options).to_have_count(2)
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_have_attribute("aria-selected", "true")
    search.press("ArrowDown")
    bjorn_option = page.get_by_role("option", name=re.compile("Bjørn Berg"))
    expect(bjorn_option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", f"person-{bjorn.pk}")
    search.press("Enter")
    expect(page.locator("[data-chosen]")).to_have_text("Bjørn Berg")
    expect(page.locator("input[name=colleague]")).to_have_value(str(bjorn.pk))
    expect(options).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/requests/handoff/$"))  # Enter did not submit

    page.get_by_label("Subject").fill("Q3 report for the board")
    page.get_by_label("Message").fill("Here is the report; please check the totals.")
    page.get_by_label("Files").set_input_files(pdf)
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page).to_have_url(re.compile(r"/t/FH-000001/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("FH-000001")
    expect(page.get_by_role("status")).to_contain_text("FH-000001 was sent to Bjørn Berg.")
    logout(page)

    # Bjørn finds it under "Assigned to me", downloads the file, replies and resolves.
    login(page, bjorn)
    page.get_by_role("link", name="Assigned to me", exact=True).click()
    row = page.get_by_role("row").filter(has_text="FH-000001")
    expect(row).to_contain_text("Q3 report for the board")
    expect(row).to_contain_text("Alice Aune")
    row.get_by_role("link", name="FH-000001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Q3 report for the board")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"quarterly-report\.pdf")).click()
    download = download_info.value
    assert download.suggested_filename == "quarterly-report.pdf"
    assert Path(download.path()).read_bytes() == factories.PDF_BYTES

    reply_form = page.get_by_role("region", name="Reply")
    reply_form.get_by_label("Message").fill("Thanks, the totals add up.")
    reply_form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Reply sent.")

    page.get_by_label("Resolution").fill("Checked and forwarded to the board.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status")).to_have_text("The request is resolved.")
    logout(page)

    # Alice sees the outcome in her list, on the ticket page and in her mailbox.
    login(page, alice)
    page.get_by_role("link", name="My requests", exact=True).click()
    row = page.get_by_role("row").filter(has_text="FH-000001")
    expect(row.locator(".status-badge")).to_have_text("Resolved")
    row.get_by_role("link", name="FH-000001").click()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Thanks, the totals add up.")
    expect(timeline).to_contain_text("resolved the request")
    facts = page.get_by_role("complementary", name="Details and actions")
    expect(facts).to_contain_text("Checked and forwarded to the board.")
    expect(facts).to_contain_text("Resolved")

    with celery_worker():  # the worker sends what the changes recorded in the outbox
        wait_for_mail(tmp_path / "mail", alice.email, "Resolved")
    mails = mails_to(tmp_path / "mail", alice.email)
    resolved = [m for m in mails if "FH-000001" in m["Subject"] and "Resolved" in m["Subject"]]
    assert len(resolved) == 1, [m["Subject"] for m in mails]
    assert resolved[0]["To"] == alice.email
    body = resolved[0].get_body(preferencelist=("plain",)).get_content()
    assert "Checked and forwarded to the board." in body
    assert console.errors() == []


def test_department_request_with_internal_note(page, console, open_page):
    facilities = factories.DepartmentFactory(name="Facilities", slug="facilities", prefix="FAC")
    factories.RequestTypeFactory(
        department=facilities,
        name="Access card",
        slug="access-card",
        description="A card for the doors of a building.",
        fields=[
            {"name": "start", "label": "Start date", "kind": "date", "required": True},
            {
                "name": "building",
                "label": "Building",
                "kind": "choice",
                "required": True,
                "choices": ["Main office", "Warehouse"],
            },
        ],
    )
    requester = factories.employee(username="rita", first_name="Rita", last_name="Rud")
    agent = factories.agent(facilities, username="frank", first_name="Frank", last_name="Fjell")
    note = "Card printer is broken; ordering a new one."

    # Rita files the request; the required date is forgotten at first.
    login(page, requester)
    page.get_by_role("link", name="New request", exact=True).first.click()
    page.get_by_role("link", name="Facilities").click()
    page.get_by_role("link", name=re.compile("Access card")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access card")
    page.get_by_label("Summary").fill("Access card for a new colleague")
    page.get_by_label("Building").select_option("Warehouse")
    page.get_by_label("Details").fill("Starts on the night shift.")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    date_input = page.get_by_label("Start date")
    expect(date_input).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#error_1_id_field_start")).to_have_text("This field is required.")
    expect(page.get_by_label("Summary")).to_have_value("Access card for a new colleague")
    expect(page.get_by_label("Building")).to_have_value("Warehouse")
    expect(page.get_by_label("Details")).to_have_value("Starts on the night shift.")

    date_input.fill("2026-12-01")
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/t/FAC-000001/$"))
    expect(page.get_by_role("status")).to_have_text("Request FAC-000001 was sent to Facilities.")
    request_card = page.get_by_role("region", name="The request")
    expect(request_card).to_contain_text("Warehouse")
    expect(request_card).to_contain_text("Start date")

    # Frank, at the same time in his own browser, works it from the queue.
    staff = open_page()
    login(staff, agent)
    staff.get_by_role("link", name="Facilities queue", exact=True).click()
    row = staff.get_by_role("row").filter(has_text="FAC-000001")
    expect(row).to_contain_text("Access card for a new colleague")
    # The queue repeats the status under the title for phones (hidden here): the shown one.
    expect(row.locator(".status-badge:visible")).to_have_text("New")
    row.get_by_role("link", name="FAC-000001").click()
    staff.get_by_role("button", name="Assign to me").click()
    expect(staff.get_by_role("status")).to_have_text("The request is assigned to you.")
    work = staff.get_by_role("complementary", name="Details and actions")
    expect(work).to_contain_text("Frank Fjell")

    reply_form = staff.get_by_role("region", name="Reply or add a note")
    reply_form.get_by_label("Message").fill(note)
    reply_form.get_by_label("Internal note").check()
    reply_form.get_by_role("button", name="Send").click()
    expect(staff.get_by_role("status")).to_have_text("Internal note added.")
    internal = staff.locator("li.event-internal")
    expect(internal).to_have_count(1)
    expect(internal).to_contain_text(note)
    expect(internal.locator(".badge")).to_contain_text("Internal note")
    public = staff.locator("li.event-public").first
    internal_look = internal.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]"
    )
    public_look = public.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]"
    )
    assert internal_look[0] != public_look[0], (internal_look, public_look)
    assert internal_look[1] != public_look[1], (internal_look, public_look)

    # Rita's view of the same ticket never contains the note.
    page.reload()
    expect(page.get_by_role("complementary", name="Details and actions")).to_contain_text(
        "Frank Fjell"
    )
    expect(page.locator("main")).not_to_contain_text(note)
    expect(page.locator("main")).not_to_contain_text("Internal note")
    assert note not in page.content()
    assert console.errors() == []
