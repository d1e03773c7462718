"""Every page at 1280 px and 375 px: screenshots for a person to judge, checks for a machine.

Screenshots go to test-artifacts/screenshots/<page>-<width>.png at the repository root
(gitignored). On each page and width: exactly one h1, every visible form control has an
accessible name, every stylesheet loaded, no console error, uncaught exception or CSP
violation; at 375 px the page itself does not scroll sideways (a .table-responsive
scrolling inside is fine). On the ticket pages the first Tab reaches the skip link.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import Email
from requests_app.models import Ticket
from requests_app.services import departments as department_services
from requests_app.services import tickets as svc
from requests_app.services.closing import tickets_close_resolved
from tests import factories

from .browser import BROWSER_TEST, DESKTOP, PHONE, login

pytestmark = BROWSER_TEST

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {1280: DESKTOP, 375: PHONE}
Status = Ticket.Status


# --- the data set --------------------------------------------------------------------------


def _request(requester, request_type, title, *, status=Status.NEW, worker=None, **fields):
    """A request filed through the service and moved to ``status`` by ``worker``."""
    ticket = svc.ticket_create(
        requester=requester,
        request_type=request_type,
        title=title,
        description=fields.pop("description", ""),
        data=fields.pop("data", {}),
        priority=fields.pop("priority", Ticket.Priority.NORMAL),
    )
    if status in (Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED):
        svc.ticket_claim(ticket_id=ticket.pk, actor=worker)
    if status == Status.WAITING:
        svc.ticket_set_status(ticket_id=ticket.pk, actor=worker, status=status)
    if status in (Status.RESOLVED, Status.CLOSED):
        svc.ticket_resolve(
            ticket_id=ticket.pk, actor=worker, note="Done: the new settings are in place."
        )
    if status == Status.CLOSED:
        tickets_close_resolved(now=timezone.now() + timedelta(days=365))
    if status == Status.CANCELLED:
        svc.ticket_cancel(ticket_id=ticket.pk, actor=requester, reason="Not needed any more.")
    ticket.refresh_from_db()
    return ticket


def seed() -> dict:
    """Four departments, seven request types with fields, ~20 tickets, replies, notes, files."""
    it = factories.DepartmentFactory(
        name="IT",
        slug="it",
        prefix="IT",
        description="Laptops, phones, accounts, access to systems and software.",
    )
    hr = factories.DepartmentFactory(
        name="HR",
        slug="hr",
        prefix="HR",
        description="Contracts, certificates, leave and payroll questions.",
    )
    facilities = factories.DepartmentFactory(
        name="Facilities & Workplace Services",
        slug="facilities",
        prefix="FAC",
        description="Access cards, meeting rooms, desks, repairs and deliveries in all offices.",
    )
    finance = factories.DepartmentFactory(
        name="Finance", slug="finance", prefix="FIN", description="Invoices and expenses."
    )

    ingrid = factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    ola = factories.agent(it, username="ola", first_name="Ola", last_name="Nordmann")
    hege = factories.lead(hr, username="hege", first_name="Hege", last_name="Haugen")
    per = factories.agent(facilities, username="per", first_name="Per", last_name="Berntsen")
    rita = factories.employee(
        home_department=finance,
        username="rita",
        first_name="Rita",
        last_name="Rasmussen-Kristiansen",
    )
    tor = factories.employee(
        home_department=finance, username="tor", first_name="Tor", last_name="Andresen"
    )
    anne = factories.employee(
        home_department=hr, username="anne", first_name="Anne-Marie", last_name="Dahl"
    )
    factories.employee(
        home_department=facilities, username="jan", first_name="Jan", last_name="Hansen"
    )
    hanne = factories.hr_admin(
        home_department=hr, username="hanne", first_name="Hanne", last_name="Rask"
    )

    laptop = factories.RequestTypeFactory(
        department=it,
        name="Laptop or phone",
        slug="laptop",
        description="A new or replacement laptop or phone, set up with your accounts.",
        sla_hours=72,
        fields=[
            {"name": "needed_by", "label": "Needed by", "kind": "date", "required": True},
            {
                "name": "model",
                "label": "Model",
                "kind": "choice",
                "required": True,
                "choices": ["14-inch laptop", "16-inch laptop", "Phone"],
            },
            {"name": "replaces", "label": "Replaces a broken one", "kind": "yes_no"},
            {
                "name": "software",
                "label": "Software you need",
                "kind": "textarea",
                "help": "One per line; we install the standard set anyway.",
            },
        ],
    )
    access = factories.RequestTypeFactory(
        department=it,
        name="Access to a system",
        slug="access",
        description="Accounts and roles in SAP, VPN, Salesforce and GitHub.",
        sla_hours=24,
        fields=[
            {
                "name": "system",
                "label": "System",
                "kind": "choice",
                "required": True,
                "choices": ["SAP", "VPN", "Salesforce", "GitHub"],
            },
            {"name": "manager", "label": "Approving manager", "kind": "text", "required": True},
        ],
    )
    software = factories.RequestTypeFactory(
        department=it,
        name="Software purchase",
        slug="software",
        description=(
            "Licences for software that is not in the standard set. Attach the supplier's "
            "quote; purchases above 10 000 NOK need the approval of your department lead."
        ),
        sla_hours=120,
        fields=[{"name": "quote", "label": "Supplier's quote", "kind": "file"}],
    )
    certificate = factories.RequestTypeFactory(
        department=hr,
        name="Employment certificate",
        slug="certificate",
        description="A signed certificate of your employment, e.g. for a bank.",
        sla_hours=48,
        fields=[
            {
                "name": "language",
                "label": "Language",
                "kind": "choice",
                "required": True,
                "choices": ["Norwegian", "English"],
            }
        ],
    )
    factories.RequestTypeFactory(
        department=hr,
        name="Parental leave",
        slug="leave",
        description="Plan your leave with HR.",
        sla_hours=120,
        fields=[
            {"name": "start", "label": "First day", "kind": "date", "required": True},
            {"name": "percent", "label": "Percentage", "kind": "number"},
        ],
    )
    card = factories.RequestTypeFactory(
        department=facilities,
        name="Access card",
        slug="card",
        description="A card for the doors of a building.",
        sla_hours=24,
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
    room = factories.RequestTypeFactory(
        department=facilities,
        name="Meeting room setup",
        slug="room",
        description="Tables, screens and catering for a meeting.",
        sla_hours=48,
        fields=[
            {"name": "date", "label": "Date", "kind": "date", "required": True},
            {"name": "catering", "label": "Catering", "kind": "yes_no"},
        ],
    )

    # Closing runs over every resolved ticket, so the closed one comes first.
    _request(tor, access, "GitHub access for the data team", status=Status.CLOSED, worker=ingrid)
    main = _request(
        rita,
        laptop,
        "New laptop for the Q3 budget work",
        status=Status.OPEN,
        worker=ola,
        priority=Ticket.Priority.HIGH,
        description="My laptop is five years old and too slow for the budget model.",
        data={"needed_by": "2026-09-01", "model": "16-inch laptop", "replaces": True},
    )
    svc.ticket_reply(
        ticket_id=main.pk,
        actor=rita,
        body="Here is the quote from the supplier, in case it helps.",
        files=[factories.upload_pair("supplier-quote.pdf")],
    )
    svc.ticket_reply(
        ticket_id=main.pk,
        actor=ola,
        body="Thanks! The 16-inch model is in stock; I will set it up this week.",
    )
    svc.ticket_reply(
        ticket_id=main.pk,
        actor=ola,
        body="Supplier delivery is late; using a loan laptop from the spare pool meanwhile.",
        internal=True,
    )
    _request(
        rita,
        access,
        "Access to SAP for month-end closing",
        status=Status.WAITING,
        worker=ola,
        data={"system": "SAP", "manager": "Tor Andresen"},
    )
    overdue = _request(
        rita,
        access,
        "VPN drops every 20 minutes when I work from the Bergen office on the guest Wi-Fi",
        data={"system": "VPN", "manager": "Tor Andresen"},
    )
    Ticket.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=2))
    _request(tor, software, "Licence for a PDF editor", status=Status.RESOLVED, worker=ola)
    _request(tor, laptop, "Phone screen cracked", priority=Ticket.Priority.LOW)
    _request(rita, software, "Diagram tool for process maps", status=Status.CANCELLED)
    _request(tor, access, "Salesforce role change", status=Status.OPEN, worker=ingrid)
    _request(rita, certificate, "Certificate for my mortgage", status=Status.RESOLVED, worker=hege)
    _request(ola, certificate, "Employment certificate in English", data={"language": "English"})
    _request(rita, card, "Card for the warehouse", data={"start": "2026-08-15"})
    _request(ola, room, "Town hall in the canteen", status=Status.WAITING, worker=per)
    _request(tor, card, "Lost my access card", status=Status.RESOLVED, worker=per)
    svc.handoff_create(
        requester=rita,
        colleague=ola,
        title="Signed contracts for the Oslo office lease",
        message="Both copies are signed; please archive them.",
        files=[factories.upload_pair("lease-signed.pdf")],
    )
    svc.handoff_create(
        requester=tor,
        colleague=ola,
        title="Budget spreadsheet",
        message="For Thursday.",
        files=[factories.upload_pair("budget.pdf")],
    )
    _email_trouble(main, rita=rita, ola=ola, ingrid=ingrid)
    _configure(hanne, ingrid, anne, facilities, software)
    return {
        "people": {"rita": rita, "ola": ola, "ingrid": ingrid, "hanne": hanne},
        "main": main.reference,
    }


def _email_trouble(ticket, *, rita, ola, ingrid) -> None:
    """What the e-mail delivery page shows: two failed e-mails, one being retried and a
    failed survey invitation (its survey retries it), as a worker leaves them."""
    context = {"ticket_id": ticket.pk, "event_id": None}
    now = timezone.now()
    rows = [
        (
            rita,
            "ticket_reply",
            Email.Status.FAILED,
            8,
            "SMTPRecipientsRefused: {'rita@example.com': (550, b'5.1.1 <rita@example.com>: "
            "Recipient address rejected: User unknown in virtual mailbox table')}",
            {},
        ),
        (
            ola,
            "ticket_assigned",
            Email.Status.FAILED,
            8,
            "SMTPServerDisconnected: Connection unexpectedly closed",
            {},
        ),
        (ingrid, "ticket_created", Email.Status.PENDING, 3, "TimeoutError: timed out", {}),
        (
            rita,
            "survey_invitation",
            Email.Status.FAILED,
            1,
            "SMTPDataError: (451, b'4.3.0 Temporary lookup failure')",
            {"owner_kind": "survey_invitation", "owner_id": 1},
        ),
    ]
    for recipient, template, status, attempts, error, owner in rows:
        Email.objects.create(
            recipient=recipient,
            template=template,
            context=context,
            status=status,
            attempts=attempts,
            max_attempts=1 if owner else 8,
            send_after=now + timedelta(minutes=4),
            last_error=error,
            **owner,
        )


def _configure(hanne, ingrid, anne, facilities, software):
    """Configuration changes through the services, for the audit log to show."""
    from surveys.services.editor import survey_save

    survey_save(
        actor=hanne,
        departments=[facilities],
        intro="Two minutes of your time.",
        questions=factories.DEFAULT_QUESTIONS[:2],
        name="After Facilities requests",
        is_active=False,
    )
    department_services.department_save(
        actor=hanne, department=facilities, reopen_days=14, description="Doors, desks, repairs."
    )
    department_services.membership_set(actor=hanne, department=facilities, user=anne, role="lead")
    department_services.request_type_save(
        actor=ingrid,
        department=software.department,
        request_type=software,
        sla_hours=96,
        fields=[
            *software.fields,
            {"name": "cost", "label": "Yearly cost (NOK)", "kind": "number", "required": True},
        ],
    )


# --- what is checked on every page -----------------------------------------------------------

UNNAMED_CONTROLS = """() => {
  const text = (node) => (node ? node.textContent : "").replace(/\\s+/g, " ").trim();
  const nameOf = (el) => {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const byIds = ids.map((id) => text(document.getElementById(id))).join(" ").trim();
    if (byIds) return byIds;
    const label = (el.getAttribute("aria-label") || "").trim();
    if (label) return label;
    const labels = Array.from(el.labels || []).map(text).join(" ").trim();
    if (labels) return labels;
    if (el.tagName === "BUTTON") return text(el);
    if (["submit", "button", "reset"].includes(el.type)) return (el.value || "").trim();
    return "";
  };
  const controls = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, [role=combobox], [role=listbox]"
  );
  return Array.from(controls)
    .filter((el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false }))
    .filter((el) => !nameOf(el))
    .map((el) => el.outerHTML.slice(0, 160));
}"""

WIDER_THAN = """(limit) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    // Inside a .table-responsive only what escapes its clipping counts: positioned
    // elements whose containing block lies outside it.
    const inScroller = el.parentElement && el.parentElement.closest(".table-responsive");
    const position = getComputedStyle(el).position;
    if (inScroller && position !== "absolute" && position !== "fixed") continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 1) {
      const classes = Array.from(el.classList).map((c) => "." + c).join("");
      const text = (el.textContent || "").trim().slice(0, 40);
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
      out.push(`${name} right=${Math.round(box.right)} '${text}'`);
    }
  }
  return out.slice(0, 8);
}"""

UNSTYLED_CONTROLS = """() => Array.from(
    document.querySelectorAll("input:not([type=hidden]), select, textarea"))
  .filter((el) => el.checkVisibility({ visibilityProperty: true }))
  .filter((el) => {
    const has = (name) => el.classList.contains(name);
    if (el.tagName === "SELECT") return !has("form-select");
    if (el.type === "checkbox" || el.type === "radio") return !has("form-check-input");
    return !has("form-control");
  })
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "[name=" + el.name + "]")"""

STYLESHEETS_NOT_LOADED = """() => Array.from(document.querySelectorAll("link[rel=stylesheet]"))
  .filter((link) => !link.sheet || link.sheet.cssRules.length === 0)
  .map((link) => link.href)"""


def audit(page, console, name: str, width: int, *, allow: str | None = None) -> list[str]:
    """What is wrong with the page as shown now; an empty list when nothing is."""
    where = f"{name} @{width}px"
    problems = []
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{where}: {h1_count} h1 elements, expected exactly one")
    for control in page.evaluate(UNNAMED_CONTROLS):
        problems.append(f"{where}: control without an accessible name: {control}")
    for control in page.evaluate(UNSTYLED_CONTROLS):
        problems.append(f"{where}: control without its Bootstrap class: {control}")
    for sheet in page.evaluate(STYLESHEETS_NOT_LOADED):
        problems.append(f"{where}: stylesheet not loaded: {sheet}")
    if width == 375:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > 375 + 1:
            wide = page.evaluate(WIDER_THAN, 375)
            problems.append(f"{where}: page scrolls sideways (scrollWidth {scroll_width}): {wide}")
    problems += [f"{where}: {e}" for e in console.errors(allow=allow)]
    return problems


def skip_link_problems(page, name: str, width: int) -> list[str]:
    """From the top of the page, Tab reaches the skip link first, and it leads into main."""
    where = f"{name} @{width}px"
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(),"
        " document.activeElement.getAttribute('href')]"
    )
    if focused != ["Skip to main content", "#main"]:
        return [f"{where}: the first Tab reaches {focused}, not the skip link"]
    box = page.locator("a[href='#main']").bounding_box()
    if not box or box["width"] < 20 or box["height"] < 10:
        return [f"{where}: the focused skip link is not visible ({box})"]
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.id") != "main":
        return [f"{where}: following the skip link does not move the focus into main"]
    return []


# App bugs reported to the lead and not fixed yet (tests/e2e may not touch the app). Each
# pattern must still match a problem, so a fix is noticed and its entry removed; any
# problem matching none fails the test.
KNOWN_PROBLEMS: dict[str, str] = {}


def _check_against_known(problems: list[str]) -> None:
    unexpected = [p for p in problems if not any(re.search(k, p) for k in KNOWN_PROBLEMS)]
    fixed = [k for k in KNOWN_PROBLEMS if not any(re.search(k, p) for p in problems)]
    assert not unexpected, "\n".join(unexpected)
    assert not fixed, f"Fixed now? Remove from KNOWN_PROBLEMS: {fixed}"


# --- the pages --------------------------------------------------------------------------


def _submit_empty_request(page):
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields")


def _open_colleague_options(page):
    page.get_by_role("combobox", name="Colleague").press_sequentially("an")
    expect(page.locator("#colleague-options [role=option]").first).to_be_visible()


def _open_mobile_menu(page):
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Manage").click()
    expect(page.locator(".dropdown-menu")).to_be_visible()


IMPORT_CSV = (
    "email;first_name;last_name;home_department;language;associate;roles\n"
    "new.person@example.com;Nina;Nilsen;IT;nb;no;IT:agent\n"
    "ola@example.com;Ola;Nordmann;Finance;nb;no;IT:agent\n"
    "bad-address;X;Y;Atlantis;fr;maybe;IT:boss\n"
)


def _preview_import(page):
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: nothing is changed")).to_be_visible()


def _lock_out(page):
    """Fail to sign in until the lockout page shows (an unknown name: no one else is locked)."""
    for _ in range(settings.ICSAT_LOGIN_FAILURE_LIMIT):
        page.get_by_label("Username").fill("nobody-in-particular")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Sign-in paused").count():
            return
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()


@dataclass(frozen=True)
class Shot:
    name: str  # of the screenshot file
    who: str | None  # key of seed()["people"]; None: signed out
    path: str
    prepare: Callable | None = None  # brings the page into the state to show
    widths: tuple[int, ...] = (1280, 375)
    status: int = 200
    allow: str | None = None  # console errors expected on this page (regular expression)
    skip_link: bool = False


def shots(main_reference: str, person_id: int) -> list[Shot]:
    return [
        Shot("login", None, "/accounts/login/"),
        Shot(
            "login-locked-out",
            None,
            "/accounts/login/",
            _lock_out,
            allow=r"Failed to load resource: .* 429 \(Too Many Requests\) \[.*/accounts/login/\]$",
        ),
        Shot("home", "ola", "/"),
        Shot("home-menu-open", "ingrid", "/", _open_mobile_menu, widths=(375,)),
        Shot("new-request-departments", "rita", "/requests/new/"),
        Shot("new-request-types", "rita", "/requests/new/it/"),
        Shot("new-request-form-error", "rita", "/requests/new/it/laptop/", _submit_empty_request),
        Shot("handoff-options-open", "rita", "/requests/handoff/", _open_colleague_options),
        Shot("my-requests", "rita", "/requests/mine/"),
        Shot("assigned-to-me", "ola", "/requests/assigned/"),
        Shot("ticket-requester", "rita", f"/t/{main_reference}/", skip_link=True),
        Shot("ticket-agent", "ola", f"/t/{main_reference}/", skip_link=True),
        Shot("ticket-handoff", "ola", "/t/FH-000001/"),
        Shot("queue", "ola", "/queue/it/"),
        Shot("request-types", "ingrid", "/manage/it/types/"),
        Shot("request-type-editor", "ingrid", "/manage/it/types/laptop/"),
        Shot("members", "ingrid", "/manage/it/members/"),
        Shot("departments", "hanne", "/manage/departments/"),
        Shot("email-delivery", "hanne", "/manage/emails/"),
        Shot("audit-log", "hanne", "/manage/audit/"),
        Shot("people", "hanne", "/manage/people/"),
        Shot("person", "hanne", f"/manage/people/{person_id}/"),
        Shot("people-import-preview", "hanne", "/manage/people/import/", _preview_import),
        Shot(
            "not-found",
            "rita",
            "/t/IT-999999/",
            status=404,
            allow=r"Failed to load resource: .* 404 \(Not Found\) \[.*/t/IT-999999/\]$",
        ),
    ]


def test_every_page_at_desktop_and_phone_width(open_page, console):
    data = seed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for who, user in [(None, None), *data["people"].items()]:
        pages[who] = open_page()
        if user is not None:
            login(pages[who], user)

    problems = []
    for width, viewport in WIDTHS.items():
        for shot in shots(data["main"], data["people"]["ola"].pk):
            if width not in shot.widths:
                continue
            page = pages[shot.who]
            page.set_viewport_size(viewport)
            console.clear()
            response = page.goto(shot.path)
            if response.status != shot.status:
                problems.append(f"{shot.name} @{width}px: HTTP {response.status}")
            if shot.prepare:
                shot.prepare(page)
            page.screenshot(path=SCREENSHOTS / f"{shot.name}-{width}.png", full_page=True)
            problems += audit(page, console, shot.name, width, allow=shot.allow)
            if shot.skip_link:
                problems += skip_link_problems(page, shot.name, width)

    _check_against_known(problems)
