"""Closing the loop in the browser, end to end: an employee answers low → the lead opens the
follow-up, contacts the requester and closes it with an outcome, tags the comment with the
suggested theme and publishes an action → another employee of the customer department sees the
action on IT's page and in their next survey e-mail (and on the thank-you page) → after
more answers the action's page and the dashboard show before and after with intervals →
the lead's weekly digest tells the new theme.

The e-mails go through the real outbox and Celery (tests/e2e/mail.py). "More answers" are
written with their own dates (weeks cannot pass in a test), around an action the lead
dated six weeks back in the form, as a department does when it publishes a change late.
Screenshots of the follow-up list, the action page and the digest e-mail at 1280 and
375 px go to test-artifacts/screenshots/ (not committed).
"""

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from insights.services.weekly_digest import weekly_digests_send
from loop.models import Action, FollowUp, Theme
from loop.services.themes import comment_tag
from requests_app.models import Ticket
from surveys.models import Response
from surveys.selectors import current_version
from tests import factories
from tests.conftest import sqlite_pass_only

from .browser import BROWSER_TEST, DESKTOP, PHONE, login, logout
from .mail import celery_worker, survey_link, wait_for_mail

pytestmark = BROWSER_TEST
RESOLVED = Ticket.Status.RESOLVED
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _answer(page, link: str, score: int, comment: str) -> None:
    page.goto(link)
    scale = page.get_by_role("radiogroup", name="How satisfied are you?")
    radio = scale.get_by_role("radio", name=re.compile(rf"^{score}"))
    # The radios are Bootstrap's button group: the person clicks the visible label.
    scale.locator(f'label[for="{radio.get_attribute("id")}"]').click()
    expect(radio).to_be_checked()
    page.get_by_label("Anything else?").fill(comment)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11)), timezone.get_default_timezone())


def _answers(
    department, request_type, agent, version, customers, first_day, scores, comments=()
) -> list[Response]:
    """Named answers spread over the six weeks from ``first_day``, the first ones with
    ``comments``; the answers with a comment are returned."""
    commented = []
    for i, score in enumerate(scores):
        ticket = factories.answered_csat(
            score=score,
            at=_at(first_day + timedelta(days=i % 42)),
            version=version,
            department=department,
            request_type=request_type,
            requester=factories.employee(customers),
            agent=agent,
            comment=comments[i] if i < len(comments) else "",
        )
        if i < len(comments):
            commented.append(Response.objects.get(invitation__ticket=ticket))
    return commented


# Twelve comments each side of the change: eight about laptops before, one after.
COMMENTS_BEFORE = ["Waited weeks for my laptop."] * 8 + ["Friendly and quick."] * 4
COMMENTS_AFTER = ["The laptop was late again."] + ["Friendly and quick."] * 11


def test_low_score_to_follow_up_to_published_action_and_whether_it_worked(
    page, open_page, console, live_server, mail_dir
):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    finance = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FIN")
    laptops = factories.RequestTypeFactory(department=it, name="New laptop", slug="laptop")
    agent = factories.agent(it, username="kari", first_name="Kari", last_name="Olsen")
    lead = factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    ola = factories.employee(finance, username="ola", first_name="Ola", last_name="Nordmann")
    siri = factories.employee(finance, username="siri", first_name="Siri", last_name="Dahl")
    version = current_version(factories.survey(name="CSAT", departments=[it]))

    # IT's history: 30 answers in the six weeks before the change (40 % satisfied).
    effective = timezone.localdate() - timedelta(weeks=6)
    monday = effective - timedelta(days=effective.weekday())
    history = _answers(
        *(it, laptops, agent, version, finance, monday - timedelta(weeks=6)),
        [5, 2, 2, 5, 2] * 6,
        COMMENTS_BEFORE,
    )

    # Ola answers low.
    ticket = factories.make_ticket(
        requester=ola, request_type=laptops, title="Laptop for the new analyst", status=RESOLVED
    )
    with celery_worker():
        invitation = wait_for_mail(mail_dir, ola.email, f"A short survey about {ticket.reference}")
    _answer(page, survey_link(invitation, live_server.url), 2, "The laptop took three weeks.")

    # The lead opens the follow-up from the list, contacts Ola and closes it with an outcome.
    login(page, lead)
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="IT: follow-ups").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("follow-ups")
    row = page.get_by_role("row", name=re.compile(ticket.reference))
    expect(row).to_contain_text("Open")
    _shoot(page, "followup-list-1280")
    row.get_by_role("link", name=re.compile(ticket.reference)).click()
    expect(page.get_by_role("main")).to_contain_text("The laptop took three weeks.")
    page.get_by_label("How you contacted them").fill(
        "Called Ola: the order sat with the supplier for two weeks."
    )
    page.get_by_role("button", name="Mark contacted").click()
    expect(page.locator(".badge", has_text="Contacted")).to_be_visible()
    page.get_by_role("radio", name="Fixed").check()
    page.locator("#close-note").fill("We now keep laptops in stock.")
    page.get_by_role("button", name="Close the follow-up").click()
    expect(page.locator(".badge", has_text="Closed")).to_be_visible()
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert (follow_up.status, follow_up.outcome) == ("closed", "fixed")
    assert follow_up.closed_by == lead and follow_up.contact_note.startswith("Called Ola")

    # A theme, and Ola's comment tagged with it on the dashboard.
    page.goto(f"/manage/{it.slug}/themes/")
    page.locator("#id_name").fill("Slow laptop delivery")
    page.get_by_role("button", name="Add theme").click()
    page.goto(f"/surveys/dashboard/{it.slug}/?range=90d")
    comment = page.locator(".list-group-item", has_text="The laptop took three weeks.")
    # The theme's own words are in the comment: it comes suggested and chosen; one click.
    choice = comment.get_by_label("Theme for this comment").locator("option:checked")
    expect(choice).to_have_text("Slow laptop delivery (suggested)")
    comment.get_by_role("button", name="Add theme").click()
    comment = page.locator(".list-group-item", has_text="The laptop took three weeks.")
    expect(comment.get_by_role("button", name="Slow laptop delivery")).to_be_visible()
    # The lead goes through the older comments the same way (as the services do it).
    theme = Theme.objects.get(department=it)
    for response in history[:8]:
        comment_tag(actor=lead, response=response, theme=theme)

    # The lead writes the action (in effect since six weeks ago) and publishes it.
    page.goto(f"/manage/{it.slug}/actions/")
    page.get_by_role("link", name="New action").click()
    page.get_by_label("Theme you heard about").select_option(label="Slow laptop delivery")
    page.locator("#id_heard").fill("New laptops took weeks to arrive.")
    page.locator("#id_changed").fill("We keep ten laptops in stock.")
    page.get_by_label("In effect from").fill(effective.isoformat())
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Drafts")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Publish")).click()
    published = page.get_by_role("region", name="Published")
    expect(published).to_contain_text("We keep ten laptops in stock.")
    action = Action.objects.get(department=it)
    assert action.status == Action.Status.PUBLISHED
    logout(page)

    # Siri, of the customer department, sees it on IT's page …
    login(page, siri)
    page.goto(f"/departments/{it.slug}/you-said-we-did/")
    expect(page.get_by_role("main")).to_contain_text("We keep ten laptops in stock.")
    # … in the e-mail of her next survey, and on its thank-you page.
    her_ticket = factories.make_ticket(
        requester=siri, request_type=laptops, title="Laptop for the intern", status=RESOLVED
    )
    with celery_worker():
        her_invitation = wait_for_mail(
            mail_dir, siri.email, f"A short survey about {her_ticket.reference}"
        )
    text = her_invitation.get_body(preferencelist=("plain",)).get_content()
    assert "Last quarter you told us" in text
    assert "New laptops took weeks to arrive." in text and "We keep ten laptops in stock." in text
    _answer(page, survey_link(her_invitation, live_server.url), 5, "Quick this time.")
    expect(page.get_by_role("main")).to_contain_text("We keep ten laptops in stock.")
    logout(page)

    # More answers come in after the action's date; the action's page tells.
    later = _answers(
        *(it, laptops, agent, version, finance, monday), ([5] * 9 + [2]) * 3, COMMENTS_AFTER
    )  # 90 %
    comment_tag(actor=lead, response=later[0], theme=theme)
    login(page, siri)
    page.goto(f"/departments/{it.slug}/you-said-we-did/{action.pk}/")
    effect = page.get_by_role("region", name="Did it work?")
    expect(effect).to_contain_text("CSAT (answers of 4–5)")
    expect(effect).to_contain_text("Before: 40 %")
    expect(effect).to_contain_text("After: 90 %")
    expect(effect).to_contain_text(re.compile(r"up 50 points \(95 % interval"))
    expect(effect).to_contain_text("Share of comments about “Slow laptop delivery”")
    expect(effect).to_contain_text("Before: 67 %")
    expect(effect).to_contain_text("After: 8 %")
    expect(effect).to_contain_text(re.compile(r"down 58 points \(95 % interval"))
    _shoot(page, "action-page-1280")
    phone = open_page(PHONE)
    login(phone, siri)
    phone.goto(f"/departments/{it.slug}/you-said-we-did/{action.pk}/")
    expect(phone.get_by_role("region", name="Did it work?")).to_contain_text("up 50 points")
    _no_sideways_scroll(phone)
    _shoot(phone, "action-page-375")

    # The lead's dashboard shows the same before and after for the latest change.
    lead_phone = open_page(PHONE)
    login(lead_phone, lead)
    lead_phone.goto(f"/manage/{it.slug}/follow-ups/?state=all")
    expect(lead_phone.get_by_role("table")).to_contain_text("Closed · Fixed · Kari Olsen")
    _no_sideways_scroll(lead_phone)
    _shoot(lead_phone, "followup-list-375")
    lead_phone.goto(f"/surveys/dashboard/{it.slug}/")
    latest = lead_phone.get_by_role("region", name="Your latest change")
    expect(latest).to_contain_text("We keep ten laptops in stock.")
    expect(latest).to_contain_text("up 50 points")
    SHOTS.mkdir(parents=True, exist_ok=True)
    latest.screenshot(path=str(SHOTS / "dashboard-latest-change-375.png"))

    # Next Monday's digest tells the lead the new theme, in an e-mail that reads on a phone.
    next_monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    assert weekly_digests_send(today=next_monday) >= 1
    with celery_worker():
        digest = wait_for_mail(mail_dir, lead.email, "week")
    digest_text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "Slow laptop delivery" in digest_text
    html = digest.get_body(preferencelist=("html",)).get_content()
    # As a mail program shows it: a blank page without the site's CSP (mail styles inline).
    for viewport in (DESKTOP, PHONE):
        reader = open_page(viewport)
        reader.set_content(html)
        expect(reader.get_by_text("Slow laptop delivery")).to_be_visible()
        _no_sideways_scroll(reader)
        _shoot(reader, f"digest-email-{viewport['width']}")
    assert Ticket.objects.filter(requester=siri).count() == 1
    assert console.errors() == []


@sqlite_pass_only  # how an e-mail looks: one pass is enough
def test_a_digest_with_a_clear_drop_reads_on_a_phone(open_page, mail_dir):
    """The digest e-mail of a department whose CSAT fell clearly (the digest test's
    Finance: 90 % → 40 %), as a mail program shows it at 1280 and 375 px."""
    from tests.insights.test_weekly_digest import CURRENT_WINDOW, MONDAY, PREVIOUS_WINDOW, Company

    company = Company()
    company.answer("Finance", [5] * 36 + [1] * 4, PREVIOUS_WINDOW)
    company.answer("Finance", [5] * 16 + [1] * 24, CURRENT_WINDOW)
    lead = company.departments["Finance"]["lead"]
    assert weekly_digests_send(today=MONDAY) == 2  # Finance's lead and the HR admin
    with celery_worker():
        digest = wait_for_mail(mail_dir, lead.email, "clear changes")
    html = digest.get_body(preferencelist=("html",)).get_content()
    for viewport in (DESKTOP, PHONE):
        reader = open_page(viewport)
        reader.set_content(html)
        expect(reader.get_by_role("heading", level=2)).to_have_text("Finance")
        expect(reader.get_by_role("listitem").first).to_contain_text("↓ down 50 points")
        _no_sideways_scroll(reader)
        _shoot(reader, f"digest-email-drop-{viewport['width']}")
