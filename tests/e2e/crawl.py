"""The crawl the browser tests share: a realistic company (``seed``) and every page of icsat
(``shots``), each with the person who sees it and how to bring it into the state to show.

test_screenshots photographs and audits each page; test_accessibility runs axe-core on each
page as every role that reaches it, in every language.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from outbox.models import Email
from requests_app.models import Ticket
from requests_app.services import departments as department_services
from requests_app.services import tickets as svc
from requests_app.services.closing import tickets_close_resolved
from surveys.services.editor import survey_save
from tests import factories

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


TRANSLATED_QUESTIONS = [
    {
        **factories.DEFAULT_QUESTIONS[0],
        "text_es": "¿Qué tan satisfecho está?",
        "text_nb": "Hvor fornøyd er du?",
    },
    {**factories.DEFAULT_QUESTIONS[1], "text_nb": "Ble det løst på første forsøk?"},
    {
        **factories.DEFAULT_QUESTIONS[2],
        "text_es": "¿Qué fue lo más importante?",
        "text_nb": "Hva betydde mest?",
        "choices_es": ["Rapidez", "Amabilidad", "Resultado"],
        "choices_nb": ["Fart", "Vennlighet", "Resultat"],
    },
    {**factories.DEFAULT_QUESTIONS[3], "text_nb": "Noe annet?"},
]


def seed() -> dict:
    """Four departments, seven request types with fields, ~20 tickets, replies, notes, files,
    a survey with invitations in every state, people of every role (an associate too)."""
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
    ali = factories.associate(username="ali", first_name="Ali", last_name="Karimi")
    # Before the requests: resolving one invites its requester to this survey.
    survey = survey_save(
        actor=hanne,
        name="After every request",
        is_default=True,
        delay_minutes=0,
        reminder_hours=48,
        expires_days=14,
        min_days_between=0,
        sample_percent=100,
        intro="Two minutes of your time.",
        # Norwegian in full, Spanish in part: the pages show readers' languages and the
        # fallback to English.
        intro_translations={"nb": "To minutter av din tid."},
        questions=TRANSLATED_QUESTIONS,
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
    _request(ali, card, "Visitor card for the audit week", data={"start": "2026-09-07"})
    invitation, token, failed = _survey_states(rita=rita, tor=tor)
    _email_trouble(main, rita=rita, ola=ola, ingrid=ingrid, failed_invitation=failed)
    _configure(hanne, ingrid, anne, facilities, software)
    theme = _themes(ingrid, main.department)
    action, answered_token = _actions(
        it=it, ingrid=ingrid, facilities=facilities, hanne=hanne, rita=rita, access=access, ola=ola
    )
    return {
        "people": {"rita": rita, "ali": ali, "ola": ola, "ingrid": ingrid, "hanne": hanne},
        "main": main.reference,
        "survey": survey.pk,
        "invitation": invitation,
        "token": token,
        "theme": theme,
        # tor's low score on the request IT resolved opened it (named survey)
        "follow_up": _follow_up_of_low_score(),
        "action": action,
        "answered_token": answered_token,
    }


def _themes(lead, department) -> int:
    """IT's comment themes (one retired); returns the first one's id for its editor."""
    from loop.services.themes import theme_create, theme_update

    first = theme_create(
        actor=lead,
        department=department,
        name="Slow laptop delivery",
        name_es="Entrega lenta de portátiles",
        name_nb="Treg levering av bærbare",
    )
    theme_create(actor=lead, department=department, name="Unclear forms")
    old = theme_create(actor=lead, department=department, name="Printer queue")
    theme_update(actor=lead, theme=old, is_active=False)
    return first.pk


def _follow_up_of_low_score() -> int:
    from loop.models import FollowUp

    return FollowUp.objects.get().pk


def _survey_states(*, rita, tor) -> tuple[int, str, int]:
    """The resolved requests' invitations as a worker and their recipients leave them: one
    answered with a low score (its department's leads are notified), one waiting for an
    answer, one that failed and one being retried.

    Returns the waiting invitation's id, its link's token and the failed invitation's id.
    """
    from surveys.models import Invitation
    from surveys.services.responses import response_submit
    from surveys.tokens import new_token

    now = timezone.now()
    invitations = Invitation.objects.order_by("pk")
    answered, retrying, failed = invitations.filter(recipient=tor)[:3]
    waiting = invitations.get(recipient=rita)
    token, digest = new_token()
    invitations.filter(pk__in=[answered.pk, waiting.pk]).update(
        status=Invitation.Status.SENT, sent_at=now, attempts=1, token_hash=digest
    )
    headline = answered.version.questions.get(is_headline=True)
    response_submit(invitation_id=answered.pk, raw_answers={headline.pk: "2"}, revision=None)
    invitations.filter(pk=retrying.pk).update(
        attempts=2, send_after=now + timedelta(minutes=10), last_error="TimeoutError: timed out"
    )
    invitations.filter(pk=failed.pk).update(
        status=Invitation.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: {'tor@example.com': (550, b'5.1.1 User unknown')}",
    )
    return waiting.pk, token, failed.pk


def _email_trouble(ticket, *, rita, ola, ingrid, failed_invitation) -> None:
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
            {"owner_kind": "survey_invitation", "owner_id": failed_invitation},
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


def _actions(*, it, ingrid, facilities, hanne, rita, access, ola) -> tuple[int, str]:
    """ "You said, we did": two published IT actions (one in Norwegian too), an IT draft and
    a Facilities action; and an IT survey Rita answered, whose thank-you page shows IT's.

    Returns the first IT action's id and the link token of Rita's answered invitation (hers:
    a link speaks its recipient's language, which the sweeps set through her).
    """
    from loop.services.actions import action_publish, action_save
    from surveys.models import Invitation
    from surveys.services.responses import response_submit
    from surveys.tokens import new_token

    today = timezone.localdate()
    period = {"heard_from": today - timedelta(days=90), "heard_to": today - timedelta(days=30)}
    first = action_save(
        actor=ingrid,
        department=it,
        figure="resolution",
        effective_on=today - timedelta(days=14),
        heard="New laptops took two weeks or more to arrive, and people waited without news.",
        heard_nb="Nye bærbare PC-er tok to uker eller mer, og folk ventet uten å høre noe.",
        changed="We keep ten laptops of each model in stock and write to you the day yours ships.",
        changed_nb="Vi har ti bærbare PC-er av hver modell på lager og skriver til deg samme dag.",
        **period,
    )
    second = action_save(
        actor=ingrid,
        department=it,
        figure="csat",
        effective_on=today - timedelta(days=3),
        heard="Access requests were hard to fill in: nobody knew which manager approves.",
        changed="The access form names the approving manager for you.",
        changed_es="El formulario de acceso indica qué responsable aprueba.",
        **period,
    )
    action_save(
        actor=ingrid,
        department=it,
        figure="nps",
        effective_on=today,
        heard="Password resets take too long.",
        changed="Self-service password resets (draft).",
        **period,
    )
    card = action_save(
        actor=hanne,
        department=facilities,
        figure="csat",
        effective_on=today - timedelta(days=7),
        heard="Lost access cards took a week to replace.",
        changed="Reception replaces a lost card the same day.",
        **period,
    )
    for action in (first, second, card):
        action_publish(actor=hanne if action is card else ingrid, action_id=action.pk)
    ticket = _request(
        rita,
        access,
        "GitHub access for the budget scripts",
        status=Status.RESOLVED,
        worker=ola,
        data={"system": "GitHub", "manager": "Tor Andresen"},
    )
    answered = Invitation.objects.get(ticket=ticket)
    token, digest = new_token()
    Invitation.objects.filter(pk=answered.pk).update(
        status=Invitation.Status.SENT, sent_at=timezone.now(), attempts=1, token_hash=digest
    )
    headline = answered.version.questions.get(is_headline=True)
    response_submit(invitation_id=answered.pk, raw_answers={headline.pk: "4"}, revision=None)
    return first.pk, token


# --- the pages --------------------------------------------------------------------------
# The preparations find buttons and labels by their text in the language the test has
# active (translation.override), so they work on the page in es and nb too.


def _submit_empty_request(page):
    page.get_by_role("button", name=_("Send request")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        _("Please correct the fields marked below; everything you typed is kept.")
    )


def _open_colleague_options(page):
    page.get_by_role("combobox", name=_("Colleague")).press_sequentially("an")
    expect(page.locator("#colleague-options [role=option]").first).to_be_visible()


def _open_mobile_menu(page):
    page.get_by_role("button", name=_("Toggle navigation")).click()
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name=_("Manage")).click()
    expect(page.locator(".dropdown-menu")).to_be_visible()


IMPORT_CSV = (
    "email;first_name;last_name;home_department;language;associate;roles\n"
    "new.person@example.com;Nina;Nilsen;IT;nb;no;IT:agent\n"
    "ola@example.com;Ola;Nordmann;Finance;nb;no;IT:agent\n"
    "bad-address;X;Y;Atlantis;fr;maybe;IT:boss\n"
)


def _preview_import(page):
    page.get_by_label(_("CSV file")).set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}
    )
    page.get_by_role("button", name=_("Preview"), exact=True).click()
    expect(
        page.get_by_role("heading", name=_("Preview: nothing is changed until you apply it"))
    ).to_be_visible()


def _submit_empty_action(page):
    page.get_by_role("button", name=_("Save draft")).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()


def _lock_out(page):
    """Fail to sign in until the lockout page shows (an unknown name: no one else is locked)."""
    paused = page.get_by_role("heading", name=_("Sign-in paused"))
    for _attempt in range(settings.ICSAT_LOGIN_FAILURE_LIMIT):
        if paused.count():
            return
        page.get_by_label(_("Username")).fill("nobody-in-particular")
        page.get_by_label(_("Password")).fill("wrong-password")
        page.get_by_role("button", name=_("Sign in"), exact=True).click()
    expect(paused).to_be_visible()


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


def shots(data: dict) -> list[Shot]:
    """Every page of icsat, with the person of ``seed()`` who sees it."""
    main = data["main"]
    survey, invitation = data["survey"], data["invitation"]
    return [
        Shot("login", None, "/accounts/login/"),
        Shot(
            "login-locked-out",
            None,
            "/accounts/login/",
            _lock_out,
            allow=r"Failed to load resource: .* 429 \(Too Many Requests\) \[.*/accounts/login/\]$",
        ),
        Shot("password-reset", None, "/accounts/password_reset/"),
        Shot("survey-by-link", None, f"/s/{data['token']}/"),
        Shot("home", "ola", "/"),
        Shot("home-associate", "ali", "/"),
        Shot("home-menu-open", "ingrid", "/", _open_mobile_menu, widths=(375,)),
        Shot("new-request-departments", "rita", "/requests/new/"),
        Shot("new-request-types", "rita", "/requests/new/it/"),
        Shot("new-request-form-error", "rita", "/requests/new/it/laptop/", _submit_empty_request),
        Shot("handoff-options-open", "rita", "/requests/handoff/", _open_colleague_options),
        Shot("profile", "rita", "/account/"),
        Shot("my-requests", "rita", "/requests/mine/"),
        Shot("assigned-to-me", "ola", "/requests/assigned/"),
        Shot("ticket-requester", "rita", f"/t/{main}/", skip_link=True),
        Shot("ticket-agent", "ola", f"/t/{main}/", skip_link=True),
        Shot("ticket-handoff", "ola", "/t/FH-000001/"),
        Shot("surveys-waiting", "rita", "/surveys/waiting/"),
        Shot("survey-answer", "rita", f"/surveys/waiting/{invitation}/"),
        Shot("survey-thanks-actions", None, f"/s/{data['answered_token']}/"),
        Shot("department-actions", "rita", "/departments/it/you-said-we-did/"),
        Shot("action-page", "rita", f"/departments/it/you-said-we-did/{data['action']}/"),
        Shot("action-editor", "ingrid", "/manage/it/actions/"),
        Shot("action-new-error", "ingrid", "/manage/it/actions/new/", _submit_empty_action),
        Shot("action-edit", "ingrid", f"/manage/it/actions/{data['action']}/"),
        Shot("notifications", "ingrid", "/notifications/"),
        Shot("queue", "ola", "/queue/it/"),
        Shot("my-feedback", "ola", "/surveys/my-feedback/"),
        Shot("request-types", "ingrid", "/manage/it/types/"),
        Shot("request-type-editor", "ingrid", "/manage/it/types/laptop/"),
        Shot("request-type-new", "ingrid", "/manage/it/types/new/"),
        Shot("members", "ingrid", "/manage/it/members/"),
        Shot("department-dashboard", "ingrid", "/surveys/dashboard/it/"),
        Shot("themes", "ingrid", "/manage/it/themes/"),
        Shot("theme-editor", "ingrid", f"/manage/it/themes/{data['theme']}/"),
        Shot("follow-ups", "ingrid", "/manage/it/follow-ups/"),
        Shot("follow-up", "ingrid", f"/follow-ups/{data['follow_up']}/"),
        Shot("my-follow-ups", "ingrid", "/follow-ups/"),
        Shot("organisation-dashboard", "hanne", "/surveys/dashboard/"),
        Shot("departments", "hanne", "/manage/departments/"),
        Shot("department-editor", "hanne", "/manage/departments/it/"),
        Shot("department-new", "hanne", "/manage/departments/new/"),
        Shot("surveys", "hanne", "/surveys/manage/"),
        Shot("survey-editor", "hanne", f"/surveys/manage/{survey}/"),
        Shot("survey-new", "hanne", "/surveys/manage/new/"),
        Shot("survey-preview", "hanne", f"/surveys/manage/{survey}/preview/"),
        Shot("survey-delivery", "hanne", "/surveys/manage/invitations/"),
        Shot("email-delivery", "hanne", "/manage/emails/"),
        Shot("audit-log", "hanne", "/manage/audit/"),
        Shot("people", "hanne", "/manage/people/"),
        Shot("person", "hanne", f"/manage/people/{data['people']['ola'].pk}/"),
        Shot("people-import-preview", "hanne", "/manage/people/import/", _preview_import),
        Shot("provisioning", "hanne", "/manage/scim/"),
        Shot(
            "not-found",
            "rita",
            "/t/IT-999999/",
            status=404,
            allow=r"Failed to load resource: .* 404 \(Not Found\) \[.*/t/IT-999999/\]$",
        ),
    ]


# --- who sees what, in which language ------------------------------------------------------

BROWSER_LOCALES = {"en": "en-GB", "es": "es-ES", "nb": "nb-NO"}
ROLES = {  # who in seed() plays each role
    None: "signed out",
    "rita": "employee",
    "ali": "associate",
    "ola": "agent",
    "ingrid": "lead",
    "hanne": "HR admin",
}


def choose_language(page, language: str) -> None:
    """Pick ``language`` in the form under the person's name, as they would."""
    page.locator(".nav-account-menu > summary").click()
    with page.expect_navigation():
        page.locator("#nav-language").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)


def signed_in_views(open_page, login) -> tuple[dict, dict, list]:
    """The crawl's data, a signed-in page per person, and every (shot, who) pair of the pages
    each person (and nobody signed in) reaches. Who reaches which page does not depend on
    the language: asked once, without rendering."""
    data = seed()
    crawl = shots(data)
    people = data["people"]
    pages = {who: open_page() for who in people}
    for who, user in people.items():
        login(pages[who], user)
    pages[None] = open_page()
    views = [
        (shot, who)
        for who in [*people, None]
        for shot in seen_by(crawl, who)
        if reaches(pages[who], shot)
    ]
    pages[None].context.close()
    assert {who for _shot, who in views} == set(ROLES), "a role reaches no page: signed in?"
    return data, pages, views


def seen_by(crawl, who) -> list:
    """The views of the crawl that ``who`` may reach: every plain page (once) and the states
    of pages that their own person brings about; signed-out pages only signed out."""
    seen, paths = [], set()
    for shot in crawl:
        if shot.prepare:
            if shot.who == who:
                seen.append(shot)
        elif shot.path not in paths and (shot.who is not None or who is None):
            paths.add(shot.path)
            seen.append(shot)
    return seen


def reaches(page, shot) -> bool:
    """Does the page open for this person (not a redirect to sign in, a refusal or a 404)?"""
    return page.request.get(shot.path, max_redirects=0).status == shot.status
