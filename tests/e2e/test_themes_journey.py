"""A lead names a theme and tags a dashboard comment with the keyboard alone, then reads
the Themes table; no JavaScript is needed for either. Screenshots go to var/ when
ICSAT_THEME_SCREENSHOTS is set (never committed)."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

from .browser import PAGE_SWEEP, PHONE, login
from .test_accessibility import axe

# Pages only (no e-mail, no worker): the SQLite pass is enough (tests/e2e/browser.py).
pytestmark = PAGE_SWEEP

SHOTS = (
    Path(os.environ["ICSAT_THEME_SCREENSHOTS"])
    if os.environ.get("ICSAT_THEME_SCREENSHOTS")
    else None
)


def shoot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_lead_names_a_theme_and_tags_a_comment_by_keyboard(page, open_page, live_server):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    access = factories.RequestTypeFactory(department=it, name="Access request", slug="access")
    agent = factories.agent(it, username="kari", first_name="Kari", last_name="Olsen")
    lead = factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    requester = factories.employee(username="ola", first_name="Ola", last_name="Nordmann")
    version = factories.survey(name="CSAT", departments=[it]).versions.get()
    comments = [
        "The laptop took three weeks to arrive",
        "Quick and friendly",
        "The access form asks for things I don't know",
        "Still waiting for my docking station",
        "Fine",
        "Good",
    ]
    for days_ago, comment in enumerate(comments, start=2):
        factories.answered_csat(
            score=2 if "laptop" in comment or "waiting" in comment else 5,
            at=timezone.now() - timedelta(days=days_ago),
            version=version,
            department=it,
            request_type=access,
            requester=requester,
            agent=agent,
            comment=comment,
        )

    login(page, lead)
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="IT: themes").click()
    page.locator("#id_name").fill("Slow laptop delivery")
    page.locator("#id_name_nb").fill("Treg levering av bærbare")
    page.get_by_role("button", name="Add theme").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text(
        "Theme “Slow laptop delivery” added."
    )
    shoot(page, "theme-list-1280")

    page.goto(f"/surveys/dashboard/{it.slug}/?range=90d")
    row = page.locator(".list-group-item", has_text="The laptop took three weeks")
    select = row.get_by_label("Theme for this comment")
    select.focus()
    page.keyboard.press("Tab")  # to its button
    expect(row.get_by_role("button", name="Add theme")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        f"{live_server.url}/surveys/dashboard/{it.slug}/?range=90d#comments-heading"
    )
    row = page.locator(".list-group-item", has_text="The laptop took three weeks")
    expect(row.get_by_role("button", name="Slow laptop delivery")).to_be_visible()
    table = page.get_by_role("table", name="Themes per period")
    expect(table).to_contain_text("Slow laptop delivery")
    expect(table).to_contain_text("of 6)")
    shoot(page, "dashboard-themes-1280")
    # the tagging forms and the Themes table pass axe (the crawl's dashboard has no comments)
    serious = [v for v in axe(page) if v.get("impact") in ("serious", "critical")]
    assert not serious, serious

    phone = open_page(viewport=PHONE)
    login(phone, lead)
    phone.goto(f"/surveys/dashboard/{it.slug}/?range=90d")
    expect(phone.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    shoot(phone, "dashboard-themes-375")
    if SHOTS:
        for section in ("comments-heading", "themes-heading"):
            phone.locator(f'section[aria-labelledby="{section}"]').screenshot(
                path=str(SHOTS / f"{section}-375.png")
            )
    phone.goto(f"/manage/{it.slug}/themes/")
    shoot(phone, "theme-list-375")
