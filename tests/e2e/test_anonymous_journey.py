"""Anonymous means anonymous in every channel: a low score on an anonymous survey, seen
from the requester's side and then from everything the department's lead and agent get.

The agent resolves Ada's request in the browser, a real Celery worker e-mails her the
survey link, she answers 1 of 5 with a comment, and the thank-you page ties no reopen to
the answer. Five colleagues answer the same survey in the same week, so the week is large
enough for the dashboard to show its comments and for the weekly digest to be told. Then
everything the lead and the agent can read — pages, notifications, e-mails, the CSV — is
collected and checked: the comment and the score never appear together with Ada's name
or her request's reference, nor with the time she answered.
"""

import csv
import re
from datetime import timedelta
from pathlib import Path

from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from outbox.models import Email
from requests_app.models import Ticket
from surveys.models import Invitation, Notification, Question, Response
from surveys.services import invitations as invitation_services
from surveys.services.digests import anonymous_digests_send
from surveys.services.responses import response_submit
from tests import factories

from .browser import BROWSER_TEST, DESKTOP, PHONE, login, logout
from .mail import celery_worker, mails_to, survey_link, wait_for_mail

pytestmark = BROWSER_TEST
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

COMMENT = "The printer still jams"
NAMED = re.compile(r"\b(Ada|Lovelace)\b")
# What would tie an answer to a ticket on a staff page: the answer event's words, the
# score as the named-survey alert writes it ("1/5"), or any mention of a score.
ANSWER_WORDS = re.compile(
    r"answered the satisfaction survey|\b1\s*/\s*5\b|\bscores?\b", re.IGNORECASE
)
CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
# The colleagues' answers in the same week: (score, comment). With Ada's 1 that is six
# anonymous answers, two of them low.
COLLEAGUES = [
    (5, "Quick and friendly"),
    (4, ""),
    (2, "Took three visits"),
    (5, ""),
    (3, "Fine in the end"),
]


def staff_outbox_ids(*people) -> list[int]:
    """Every e-mail recorded for these people, sent or still waiting for a worker."""
    return list(
        Email.objects.filter(recipient__in=people).order_by("pk").values_list("pk", flat=True)
    )


def staff_mail_ids(folder: Path, *people) -> list[str]:
    return [m["Message-ID"] for person in people for m in mails_to(folder, person.email)]


def mail_text(message) -> str:
    """Subject and every text part (plain and HTML) of an e-mail."""
    parts = [message["Subject"]]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def answer_as_colleague(invitation: Invitation, score: int, comment: str) -> None:
    """A colleague answers their own anonymous survey, sent first as the worker would."""
    invitation_services.invitation_send(invitation_id=invitation.pk)
    questions = invitation.version.questions.all()
    raw = {q.pk: str(score) for q in questions if q.kind == Question.Kind.CSAT}
    raw |= {q.pk: comment for q in questions if q.kind == Question.Kind.TEXT}
    response_submit(
        invitation_id=invitation.pk, raw_answers=raw, revision=invitation.version.revision
    )


def assert_not_tied(where: str, text: str, reference: str) -> None:
    """Something that names Ada or her request says nothing of her answer, and anything
    that shows her comment names neither her nor her request."""
    if reference in text or NAMED.search(text):
        assert COMMENT not in text, f"{where}: the comment next to Ada or {reference}"
        found = ANSWER_WORDS.search(text)
        assert found is None, f"{where}: {found.group(0)!r} next to Ada or {reference}"
    if COMMENT in text:
        assert reference not in text, f"{where}: the comment next to {reference}"
        found = NAMED.search(text)
        assert found is None, f"{where}: the comment next to {found.group(0)!r}"


def test_anonymous_low_score_names_no_one_in_any_channel(
    page, open_page, console, live_server, mail_dir
):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    printer = factories.RequestTypeFactory(department=it, name="Printer", slug="printer")
    agent = factories.agent(it, username="kari", first_name="Kari", last_name="Olsen")
    lead = factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    ada = factories.employee(username="ada", first_name="Ada", last_name="Lovelace")
    factories.survey(name="Pulse", anonymous=True, departments=[it])
    ticket = factories.make_ticket(
        requester=ada, request_type=printer, title="Printer on floor 3 jams"
    )
    reference = ticket.reference

    # Five colleagues answer the same anonymous survey this week. No worker runs yet:
    # the test sends their invitations itself, so two threads never write to SQLite's
    # test database at once; the worker later finds them sent and does nothing.
    for score, comment in COLLEAGUES:
        other = factories.make_ticket(request_type=printer, status=Ticket.Status.RESOLVED)
        answer_as_colleague(Invitation.objects.get(ticket=other), score, comment)

    # The agent resolves Ada's request in the browser; the worker e-mails her the survey.
    login(page, agent)
    page.goto(ticket.get_absolute_url())
    page.get_by_label("Resolution").fill("Replaced the fuser unit.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status")).to_have_text("The request is resolved.")
    logout(page)
    with celery_worker():
        invitation_mail = wait_for_mail(mail_dir, ada.email, f"A short survey about {reference}")
    link = survey_link(invitation_mail, live_server.url)

    # Ada, signed in on her phone, answers 1 of 5 with a comment.
    phone = open_page(PHONE)
    login(phone, ada)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How did we do?")
    scale = phone.get_by_role("radiogroup", name="How satisfied are you?")
    scale.get_by_role("radio", name=re.compile(r"^1")).focus()
    phone.keyboard.press("Space")
    expect(scale.get_by_role("radio", name=re.compile(r"^1"))).to_be_checked()
    phone.get_by_label("Anything else?").fill(COMMENT)
    staff_mails_before = staff_mail_ids(mail_dir, lead, agent)
    staff_outbox_before = staff_outbox_ids(lead, agent)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you!")
    answered_at = timezone.localtime(Response.objects.get(invitation__ticket=ticket).submitted_at)

    # The thank-you page explains the anonymity and ties no reopen to the answer.
    still = phone.get_by_role("region", name="Still not solved?")
    expect(still).to_contain_text(
        "This survey is anonymous: your answer is not attached to your request"
    )
    expect(still.get_by_role("link", name="Go to the request")).to_have_attribute(
        "href", ticket.get_absolute_url()
    )
    reopen_path = link.removeprefix(live_server.url) + "reopen/"
    expect(phone.locator(f'form[action*="{reopen_path}"]')).to_have_count(0)
    expect(phone.locator('form[action*="reopen"]')).to_have_count(0)
    expect(phone.get_by_role("button", name=re.compile("Reopen"))).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SHOTS / "anonymous-thanks-375.png", full_page=True)
    phone.set_viewport_size(DESKTOP)
    phone.screenshot(path=SHOTS / "anonymous-thanks-1280.png", full_page=True)

    # The one-click reopen, posted anyway (with a valid CSRF token), is refused.
    csrf = next(c["value"] for c in phone.context.cookies() if c["name"] == "csrftoken")
    refused = phone.request.post(live_server.url + reopen_path, form={"csrfmiddlewaretoken": csrf})
    assert refused.status == 200
    assert refused.url == link
    assert "This survey is anonymous, so your answer is not tied to your request." in (
        refused.text()
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.reopen_count == 0

    # Nothing reached the lead or the agent at the time of the answer: no notification,
    # no e-mail (those they got before are about new requests, checked below).
    assert not Notification.objects.filter(user__in=[lead, agent]).exists()
    assert staff_mail_ids(mail_dir, lead, agent) == staff_mails_before
    assert staff_outbox_ids(lead, agent) == staff_outbox_before  # none waiting to be sent

    # The weekly digest, run as on the Monday after this week (told once).
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday())
    assert anonymous_digests_send(today=week_start + timedelta(days=7)) == 1
    assert anonymous_digests_send(today=week_start + timedelta(days=7)) == 0
    digest_text = "Last week IT got 6 anonymous answers; 2 of them were low scores."
    with celery_worker():  # the worker sends the digest the beat task recorded
        wait_for_mail(mail_dir, lead.email, "Anonymous survey answers for IT")
    [digest_mail] = [
        m for m in mails_to(mail_dir, lead.email) if m["Message-ID"] not in staff_mails_before
    ]
    assert digest_mail["Subject"] == "Anonymous survey answers for IT last week"
    assert digest_text in mail_text(digest_mail)
    assert "/surveys/dashboard/it/" in mail_text(digest_mail)

    seen: dict[str, str] = {}  # where → what the lead or the agent can read there

    # The lead: notifications, the ticket, the dashboard of this week and its CSV.
    login(page, lead)
    page.get_by_role("link", name=re.compile(r"Notifications")).click()
    expect(page.get_by_role("main")).to_contain_text(digest_text)
    seen["lead: /notifications/"] = page.content()
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    seen[f"lead: {ticket.get_absolute_url()}"] = page.content()

    first, last = week_start, week_start + timedelta(days=6)
    dashboard = f"/surveys/dashboard/it/?range=custom&start={first}&end={last}"
    page.goto(dashboard)
    expect(page.get_by_role("heading", level=1)).to_have_text("IT: satisfaction dashboard")
    comments = page.get_by_role("region", name="Latest comments")
    item = comments.get_by_role("listitem").filter(has_text=COMMENT)
    expect(item).to_have_count(1)
    with translation.override("en"):
        week_of = f"week of {formats.date_format(week_start, 'DATE_FORMAT')}"
    expect(item).to_contain_text(week_of)
    expect(item).to_contain_text("score 1")
    expect(item).to_contain_text("Anonymous")
    item_text = item.inner_text()
    assert reference not in item_text and NAMED.search(item_text) is None, item_text
    assert CLOCK.search(item_text) is None, item_text
    expect(item.get_by_role("link")).to_have_count(0)
    comments.scroll_into_view_if_needed()
    comments.screenshot(path=SHOTS / "anonymous-dashboard-comments-1280.png")
    page.screenshot(path=SHOTS / "anonymous-dashboard-1280.png", full_page=True)
    seen[f"lead: {dashboard}"] = page.content()
    dashboard_text = page.get_by_role("main").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"icsat-it-{first}-{last}.csv"
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    csv_text = content.decode("utf-8-sig")
    rows = list(csv.reader(csv_text.splitlines()))
    [comment_row] = [row for row in rows if row and row[0] == COMMENT]
    assert comment_row == [COMMENT, week_of, "1", "Printer", "Anonymous", ""]
    seen["lead: dashboard CSV"] = csv_text
    for text in (dashboard_text, csv_text):
        assert answered_at.strftime("%H:%M") not in text
    logout(page)

    # The agent: the ticket they resolved and their notifications; no dashboard.
    login(page, agent)
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    seen[f"agent: {ticket.get_absolute_url()}"] = page.content()
    page.goto("/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    seen["agent: /notifications/"] = page.content()
    assert page.request.get(live_server.url + dashboard).status == 404

    # Every notification and e-mail the lead and the agent got.
    for note in Notification.objects.filter(user__in=[lead, agent]):
        seen[f"notification to {note.user.username}"] = note.message
    assert [note.message for note in Notification.objects.filter(user=lead)] == [digest_text]
    for person in (lead, agent):
        for message in mails_to(mail_dir, person.email):
            seen[f"e-mail to {person.username}: {message['Subject']}"] = mail_text(message)

    for where, text in seen.items():
        assert_not_tied(where, text, reference)
    # The staff's pages of the ticket say nothing of the answer at all...
    for where in (f"lead: {ticket.get_absolute_url()}", f"agent: {ticket.get_absolute_url()}"):
        assert COMMENT not in seen[where]
        assert ANSWER_WORDS.search(seen[where]) is None, where
    # ...and the digest, in the app and by e-mail, names no request, no one, no comment.
    for text in (digest_text, mail_text(digest_mail)):
        assert reference not in text and COMMENT not in text and NAMED.search(text) is None
    for where in (f"lead: {dashboard}", "lead: dashboard CSV"):
        assert reference not in seen[where] and NAMED.search(seen[where]) is None, where
    # The dashboard did show the comment, so the checks above had something to check.
    assert COMMENT in seen[f"lead: {dashboard}"]
    assert COMMENT in seen["lead: dashboard CSV"]

    assert console.errors() == []
