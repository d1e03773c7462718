"""The demo company that ``manage.py seed_demo`` builds: data only, no database access.

Departments with their request types and form fields, the people who work
there, and the words they write in tickets. The logins and the password are
here so the Makefile and the README can print the same table as the command.

Answer specs (``answers`` of a request type) say how the seeder fills a form
field; a field without one gets a default by kind (a choice picks an option,
a yes/no is mostly yes, a date lies a few weeks ahead, optional text stays
empty). Texts may name form answers and people in braces: ``{system}``,
``{first}`` (the requester's first name), ``{agent}`` (the agent's).
"""

from typing import NamedTuple

# A published demo password: printed only when DEBUG is on.
DEMO_PASSWORD = "demo1234"  # noqa: S105
EMAIL_DOMAIN = "icsat.example"
# seed_demo has run when this user exists.
MARKER_USERNAME = "hradmin"

DEMO_LOGINS: list[tuple[str, str]] = [
    ("Employee (Communications)", "employee"),
    ("Agent (IT)", "agent"),
    ("Lead (IT)", "lead"),
    ("HR admin (manages departments)", "hradmin"),
    ("Associate (contractor)", "associate"),
    ("Superuser (Django admin)", "admin"),
]
# Shown under the table: the other departments follow one pattern.
DEMO_LOGINS_NOTE = (
    "Other departments: hr.lead, fin.lead, fac.lead, leg.lead, com.lead; "
    "agents hr.agent1, fin.agent1, fac.agent1, leg.agent1, com.agent1 ..."
)

SEED = 20250614
HISTORY_DAYS = 182
REQUEST_TICKETS = 640
HANDOFF_TICKETS = 20


# --- Answer specs ----------------------------------------------------------
def pick(*values):
    """One of the values."""
    return ("pick", values)


def days(lo: int, hi: int):
    """A date lo..hi days after the request was filed (negative: before)."""
    return ("days", lo, hi)


def amount(lo: float, hi: float, decimals: int = 0):
    """A number between lo and hi, written like the form stores it."""
    return ("amount", lo, hi, decimals)


def serial(template: str, lo: int, hi: int):
    """A made-up identifier: template with {n} replaced by lo..hi."""
    return ("serial", template, lo, hi)


def month(lo: int, hi: int):
    """A month name and year, lo..hi months before the request."""
    return ("month", lo, hi)


def yes(chance: float):
    """A yes/no answer that is yes with this chance."""
    return ("yes", chance)


def upload(kind: str, name: str):
    """A small real file: kind pdf, png, csv or txt."""
    return ("file", kind, name)


def maybe(chance: float, spec):
    """The spec's answer with this chance, else no answer."""
    return ("maybe", chance, spec)


def field(name, label, kind, *, required=False, choices=(), help_text=""):
    """A form field exactly as RequestType.fields stores it."""
    return {
        "name": name,
        "label": label,
        "kind": kind,
        "required": required,
        "choices": list(choices),
        "help": help_text,
    }


CURRENCIES = ("NOK", "EUR", "USD")
COST_CENTRES = ("4100", "4200", "5100", "5300", "6100", "6300", "7200")
LOCATIONS = (
    "Oslo B1, ground floor, reception",
    "Oslo B2, 3rd floor, room 3.14",
    "Oslo B2, 2nd floor kitchen",
    "Oslo B1, 4th floor, open office east",
    "Oslo B1, 1st floor, meeting room Fjord",
    "Madrid, 2nd floor, sala Goya",
    "Madrid, 1st floor, open office",
    "Garage level -1",
)
DESKS = ("B1-4.07", "B1-4.12", "B2-3.02", "B2-3.21", "B2-2.15", "MAD-2.04", "MAD-1.11")
SUPPLIERS = (
    "Nordic Office Supply AS",
    "Telenor Norge AS",
    "Iberia Consulting S.L.",
    "Cleanpro Facility Services AS",
    "Atea AS",
    "Eventum Oslo AS",
    "Papelería Central S.A.",
    "Fjord Catering AS",
)
COUNTERPARTIES = (
    "Statkraft Energi AS",
    "Banco Meridional S.A.",
    "Northwind Logistics Ltd",
    "Helix Analytics GmbH",
    "Vestby Eiendom AS",
    "CloudNine Software Inc.",
    "Agencia Solana S.L.",
)


# --- Departments and request types -------------------------------------------
DEPARTMENTS: list[dict] = [
    {
        "name": "HR",
        "slug": "hr",
        "prefix": "HR",
        "reopen_days": 7,
        "weight": 15,
        "description": (
            "People matters from hiring to leaving: contracts, leave, benefits, certificates "
            "and onboarding. We answer within two working days. Anything about your health "
            "or a conflict at work can also go straight to your HR partner in person."
        ),
        "questions": [
            "Could you send us the signed form? A photo or a scan is fine.",
            "Which date should this take effect from?",
            "Has your manager approved this? Please ask them to confirm here.",
            "Could you confirm your employee number? It is at the top of your payslip.",
        ],
        "notes": [
            "Checked in the HR system: contract details match.",
            "Payroll needs this before the 20th to make this month's run.",
            "Same question came up last quarter; reusing the template from then.",
            "Manager confirmed by phone.",
        ],
        "types": [
            {
                "name": "Parental leave paperwork",
                "slug": "parental-leave",
                "sla_hours": 72,
                "weight": 2,
                "description": (
                    "Forms for parental leave: NAV employer form, payroll changes and your "
                    "return date. Send it at least four weeks before the leave starts."
                ),
                "fields": [
                    field(
                        "start_date",
                        "Start date",
                        "date",
                        required=True,
                        help_text="First day of leave",
                    ),
                    field(
                        "end_date", "End date", "date", required=True, help_text="Last day of leave"
                    ),
                    field(
                        "leave_type",
                        "Leave type",
                        "choice",
                        required=True,
                        choices=[
                            "Full-time parental leave",
                            "Graded (part-time) leave",
                            "Partner's quota",
                            "Unpaid leave extension",
                        ],
                    ),
                    field(
                        "notes",
                        "Notes",
                        "textarea",
                        help_text="Anything we should know, e.g. holiday you take first",
                    ),
                ],
                "answers": {
                    "start_date": days(21, 60),
                    "end_date": days(120, 330),
                    "notes": maybe(
                        0.5,
                        pick(
                            "I'd like to take my remaining holiday right before the leave.",
                            "My partner takes the first ten weeks; I take the rest.",
                            "I plan to work 60 % during the graded period.",
                            "Please send the NAV form to my private e-mail as well.",
                        ),
                    ),
                },
                "titles": [
                    "Parental leave from {start_date}",
                    "{leave_type} paperwork",
                    ("Partner's quota: forms for NAV", {"leave_type": "Partner's quota"}),
                    (
                        "Graded leave after the baby arrives",
                        {"leave_type": "Graded (part-time) leave"},
                    ),
                ],
                "details": [
                    "Our baby is due in a couple of months and I would like to get the paperwork "
                    "in order early.",
                    "Please register my leave and let me know what I need to send to NAV.",
                    "My manager knows and has approved the dates.",
                ],
                "resolutions": [
                    "Leave registered in the HR system and payroll adjusted. The NAV employer "
                    "form has been sent; you will get a copy by e-mail.",
                    "All paperwork done: your leave and return date are registered and your "
                    "manager has been informed. Congratulations!",
                ],
            },
            {
                "name": "Benefits enrolment",
                "slug": "benefits",
                "sla_hours": 120,
                "weight": 2,
                "description": (
                    "Join or change a company benefit: pension top-up, health insurance, gym "
                    "subsidy, phone and broadband or the e-bike scheme."
                ),
                "fields": [
                    field(
                        "benefit",
                        "Benefit",
                        "choice",
                        required=True,
                        choices=[
                            "Pension top-up",
                            "Health insurance",
                            "Gym subsidy",
                            "Phone and broadband",
                            "E-bike scheme",
                        ],
                    ),
                    field("effective_from", "Effective from", "date", required=True),
                    field(
                        "dependants",
                        "Family members to include",
                        "number",
                        help_text="Only for health insurance",
                    ),
                    field("notes", "Notes", "textarea"),
                ],
                "answers": {
                    "effective_from": days(10, 45),
                    "dependants": maybe(0.4, amount(1, 4)),
                },
                "titles": [
                    "Enrolment: {benefit}",
                    "{benefit} from {effective_from}",
                    ("Add my family to the health insurance", {"benefit": "Health insurance"}),
                    ("Sign me up for the gym subsidy", {"benefit": "Gym subsidy"}),
                ],
                "details": [
                    "I just passed my probation period and would like to join.",
                    "Could you tell me what this costs me per month, if anything?",
                    "",
                ],
                "resolutions": [
                    "You are enrolled from the date you asked for; it shows on your next payslip.",
                    "Registered with the provider. Welcome letter and terms are on their way.",
                ],
            },
            {
                "name": "Employment certificate",
                "slug": "employment-certificate",
                "sla_hours": 48,
                "weight": 2,
                "agent_file": (0.5, "pdf", "employment-certificate.pdf"),
                "description": (
                    "A signed confirmation of your employment for a bank, a landlord or the "
                    "immigration authorities, in English, Norwegian or Spanish."
                ),
                "fields": [
                    field(
                        "purpose",
                        "Purpose",
                        "choice",
                        required=True,
                        choices=[
                            "Bank or mortgage",
                            "Visa or residence permit",
                            "Rental agreement",
                            "Other",
                        ],
                    ),
                    field(
                        "language",
                        "Language",
                        "choice",
                        required=True,
                        choices=["English", "Norwegian", "Spanish"],
                    ),
                    field("include_salary", "Include salary", "yes_no"),
                    field(
                        "addressed_to",
                        "Addressed to",
                        "text",
                        help_text="Leave empty for 'To whom it may concern'",
                    ),
                ],
                "answers": {
                    "include_salary": yes(0.6),
                    "addressed_to": maybe(
                        0.4,
                        pick(
                            "DNB Bank ASA",
                            "UDI",
                            "Santander España",
                            "Obos Boligutleie",
                        ),
                    ),
                },
                "titles": [
                    "Employment certificate for {purpose}",
                    "Certificate of employment in {language}",
                ],
                "details": [
                    "The bank needs it by the end of the week, if possible.",
                    "Please include my start date and position.",
                    "",
                ],
                "resolutions": [
                    "Certificate signed and attached here as a PDF.",
                    "Done: the signed certificate is attached and the original is in your "
                    "internal mail.",
                ],
            },
            {
                "name": "New hire onboarding",
                "slug": "onboarding",
                "sla_hours": 120,
                "weight": 1.5,
                "description": (
                    "Hiring managers: tell us about a new colleague so the contract, payroll "
                    "and first-day plan are ready when they arrive."
                ),
                "fields": [
                    field("new_hire", "Name of the new hire", "text", required=True),
                    field("start_date", "Start date", "date", required=True),
                    field("job_title", "Job title", "text", required=True),
                    field(
                        "contract",
                        "Contract",
                        "choice",
                        required=True,
                        choices=[
                            "Permanent",
                            "Temporary",
                            "Internship",
                            "Consultant",
                        ],
                    ),
                    field(
                        "needs_equipment",
                        "Needs a laptop and phone",
                        "yes_no",
                        help_text="We pass it on to IT",
                    ),
                ],
                "answers": {
                    "new_hire": pick(
                        "Kristine Aas",
                        "Mateo Jiménez",
                        "Ella Robinson",
                        "Sindre Holm",
                        "Paula Romero",
                        "Jack Morris",
                        "Thea Lie",
                        "Diego Herrera",
                    ),
                    "job_title": pick(
                        "Accountant",
                        "Software developer",
                        "Office coordinator",
                        "Legal counsel",
                        "Communications adviser",
                        "HR adviser",
                        "Service desk technician",
                    ),
                    "start_date": days(14, 60),
                    "needs_equipment": yes(0.9),
                },
                "titles": [
                    "Onboarding {new_hire}, starting {start_date}",
                    "New starter: {new_hire} ({job_title})",
                ],
                "details": [
                    "Offer signed yesterday. Could you prepare the contract and the first-week "
                    "plan?",
                    "This replaces a position that was vacant since spring.",
                ],
                "resolutions": [
                    "Contract sent for signing, payroll set up and IT has the equipment order. "
                    "The first-day plan is in your inbox.",
                    "All set for the first day: badge, laptop and buddy arranged.",
                ],
            },
        ],
    },
    {
        "name": "IT",
        "slug": "it",
        "prefix": "IT",
        "reopen_days": 7,
        "weight": 35,
        "description": (
            "Laptops, phones, accounts, access and software. If you cannot work at all, "
            "choose 'Password or account problem' or call the service desk on ext. 4400."
        ),
        "questions": [
            "Could you send a screenshot of the error message?",
            "What is the asset tag of your laptop? It's on the sticker underneath (ICS-L-...).",
            "Is your manager OK with this? Please ask them to confirm here.",
            "When would suit you for a short remote session? We need about 15 minutes.",
        ],
        "notes": [
            "Licence pool has 3 seats left.",
            "Escalated to the SAP basis team.",
            "Known issue with the latest Windows update, see KB 221.",
            "User is in the Madrid office; shipping from Oslo stock.",
            "Checked the logs: three failed sign-ins from the user's own laptop.",
        ],
        "types": [
            {
                "name": "Access request",
                "slug": "access",
                "sla_hours": 24,
                "weight": 3,
                "associates": True,
                "description": (
                    "Access to a system or a shared drive. Your manager must approve access "
                    "above read-only."
                ),
                "fields": [
                    field(
                        "system",
                        "System",
                        "choice",
                        required=True,
                        choices=[
                            "SAP",
                            "Salesforce",
                            "GitHub",
                            "VPN",
                            "Shared drive",
                        ],
                    ),
                    field(
                        "access_level",
                        "Access level",
                        "choice",
                        required=True,
                        choices=["read", "write", "admin"],
                    ),
                    field("needed_by", "Needed by", "date"),
                    field("manager_approved", "Manager approved", "yes_no", required=True),
                    field("justification", "What you need it for", "textarea"),
                ],
                "answers": {
                    "needed_by": maybe(0.7, days(1, 14)),
                    "manager_approved": yes(0.85),
                    "justification": maybe(
                        0.7,
                        pick(
                            "I'm joining the month-end closing team.",
                            "Working on the new customer portal project.",
                            "Need to upload the weekly sales reports.",
                            "Working from home two days a week from now on.",
                            "Taking over the supplier invoices from a colleague on leave.",
                        ),
                    ),
                },
                "titles": [
                    "{system} access ({access_level})",
                    "Need {access_level} access to {system}",
                    "Access to {system} for a new project",
                ],
                "details": [
                    "Hi, I need this to start on my new tasks next week.",
                    "Same access as my colleague in the team, please.",
                    "",
                ],
                "resolutions": [
                    "Access granted. It can take 15 minutes to show up; sign out and in again if "
                    "you don't see it.",
                    "Added you to the right group in {system}. Let us know if anything is missing.",
                ],
            },
            {
                "name": "Laptop or equipment",
                "slug": "equipment",
                "sla_hours": 120,
                "weight": 2.5,
                "description": (
                    "New or replacement laptop, screen, docking station, headset or mobile "
                    "phone. Standard models are in stock; anything else takes about two weeks."
                ),
                "fields": [
                    field(
                        "item",
                        "Item",
                        "choice",
                        required=True,
                        choices=[
                            "Laptop",
                            "Monitor",
                            "Docking station",
                            "Headset",
                            "Keyboard and mouse",
                            "Mobile phone",
                        ],
                    ),
                    field(
                        "reason",
                        "Reason",
                        "choice",
                        required=True,
                        choices=[
                            "New starter",
                            "Broken",
                            "Too old or slow",
                            "Extra equipment",
                        ],
                    ),
                    field("needed_by", "Needed by", "date"),
                    field(
                        "deliver_to",
                        "Deliver to",
                        "text",
                        help_text="Building and desk, e.g. B2-3.14",
                    ),
                ],
                "answers": {
                    "needed_by": maybe(0.6, days(3, 21)),
                    "deliver_to": maybe(0.8, pick(*DESKS)),
                },
                "titles": [
                    "New {item}",
                    "{item} replacement",
                    (
                        "Laptop keeps freezing, need a new one",
                        {"item": "Laptop", "reason": "Too old or slow"},
                    ),
                    ("Headset broken", {"item": "Headset", "reason": "Broken"}),
                    (
                        "Second monitor for my desk",
                        {"item": "Monitor", "reason": "Extra equipment"},
                    ),
                ],
                "details": [
                    "The current one is more than four years old and very slow.",
                    "It stopped working after the last update.",
                    "For a new colleague who starts on Monday.",
                    "",
                ],
                "resolutions": [
                    "Your new {item} is ready for pick-up at the IT desk on the ground floor.",
                    "Delivered to your desk and set up. The old device has been wiped and "
                    "recycled.",
                ],
            },
            {
                "name": "Software installation",
                "slug": "software",
                "sla_hours": 48,
                "weight": 2,
                "description": (
                    "Software that is not in the Company Portal app. We check the licence and "
                    "security first; most requests are done within two days."
                ),
                "fields": [
                    field("software", "Software", "text", required=True),
                    field("licence_needed", "Needs a paid licence", "yes_no"),
                    field(
                        "computer",
                        "Computer",
                        "text",
                        required=True,
                        help_text="Asset tag on the sticker, e.g. ICS-L-0412",
                    ),
                ],
                "answers": {
                    "software": pick(
                        "Visual Studio Code",
                        "Adobe Acrobat Pro",
                        "Power BI Desktop",
                        "Python 3.12",
                        "Figma",
                        "Tableau",
                        "Zoom",
                        "DBeaver",
                        "Notepad++",
                    ),
                    "licence_needed": yes(0.4),
                    "computer": serial("ICS-L-{n}", 100, 980),
                },
                "titles": [
                    "Install {software}",
                    "{software} on my laptop",
                    "Licence for {software}",
                ],
                "details": [
                    "Need it for the reporting project.",
                    "My colleagues in the team already use it.",
                    "",
                ],
                "resolutions": [
                    "{software} is installed; restart your laptop once before using it.",
                    "Pushed through the Company Portal. You'll find it in the start menu.",
                ],
            },
            {
                "name": "Password or account problem",
                "slug": "account",
                "sla_hours": 4,
                # Too frequent to survey: people would get a survey every other week.
                "survey_opt_out": True,
                "weight": 3,
                "associates": True,
                "description": (
                    "Locked out, forgotten password or a new phone for sign-in codes. For the "
                    "fastest help, leave a phone number where we can call you."
                ),
                "fields": [
                    field(
                        "account",
                        "Account",
                        "choice",
                        required=True,
                        choices=[
                            "Windows login",
                            "E-mail",
                            "SAP",
                            "Salesforce",
                            "VPN",
                            "Other",
                        ],
                    ),
                    field(
                        "problem",
                        "Problem",
                        "choice",
                        required=True,
                        choices=[
                            "Forgotten password",
                            "Account locked",
                            "New phone for MFA",
                            "Cannot sign in",
                        ],
                    ),
                    field(
                        "phone",
                        "Phone",
                        "text",
                        help_text="Where we can call you if you cannot read e-mail",
                    ),
                ],
                "answers": {"phone": maybe(0.6, serial("+47 9{n}", 1000000, 9999999))},
                "titles": [
                    "{account}: {problem}",
                    "Can't sign in to {account}",
                    ("Locked out of my account", {"problem": "Account locked"}),
                    ("New phone, MFA codes don't work", {"problem": "New phone for MFA"}),
                ],
                "details": [
                    "It says my password has expired but the reset link doesn't work.",
                    "I tried three times and now it is locked.",
                    "Urgent, I have a customer meeting in an hour.",
                    "",
                ],
                "resolutions": [
                    "Account unlocked and a temporary password sent by SMS.",
                    "Reset the MFA registration; you can add the new phone at the next sign-in.",
                    "Fixed over the phone together with the user.",
                ],
            },
            {
                "name": "Network or printer problem",
                "slug": "network",
                "sla_hours": 8,
                "weight": 1.5,
                "description": (
                    "Wi-Fi, wired network, printers and meeting room screens that don't work."
                ),
                "fields": [
                    field(
                        "what",
                        "What doesn't work",
                        "choice",
                        required=True,
                        choices=[
                            "Wi-Fi",
                            "Wired network",
                            "Printer",
                            "Meeting room screen",
                        ],
                    ),
                    field("location", "Where", "text", required=True),
                    field("since", "Since", "date"),
                ],
                "answers": {"location": pick(*LOCATIONS), "since": maybe(0.5, days(-3, 0))},
                "titles": [
                    "{what} not working: {location}",
                    "Problem with the {what}",
                ],
                "details": [
                    "Several of us have the same problem.",
                    "It worked fine yesterday.",
                    "",
                ],
                "resolutions": [
                    "Replaced a faulty access point; the Wi-Fi is stable again.",
                    "Printer driver updated and the queue cleared.",
                    "Loose cable behind the screen; reconnected and tested.",
                ],
            },
        ],
    },
    {
        "name": "Finance",
        "slug": "finance",
        "prefix": "FIN",
        "reopen_days": 7,
        "weight": 17,
        "description": (
            "Expenses, supplier invoices, purchase orders and payroll questions. Payments run "
            "on Tuesdays and Thursdays; requests approved by Monday noon make the Tuesday run."
        ),
        "questions": [
            "Could you confirm the cost centre? The one given is closed.",
            "The receipt is hard to read; could you upload a clearer copy?",
            "Which project should this be booked on?",
            "We need your manager's approval for amounts above 5 000 NOK.",
        ],
        "notes": [
            "Booked on the project account.",
            "Supplier not in the register yet; asked purchasing to add it.",
            "Exchange rate from the date of the receipt used.",
            "Duplicate invoice? Checked: the other one was a credit note.",
        ],
        "types": [
            {
                "name": "Expense reimbursement",
                "slug": "expense",
                "sla_hours": 120,
                "weight": 3,
                "description": (
                    "Get money back for work expenses you paid yourself. Attach the receipt; "
                    "foreign currency is converted at the rate of the receipt's date."
                ),
                "fields": [
                    field("amount", "Amount", "number", required=True),
                    field("currency", "Currency", "choice", required=True, choices=CURRENCIES),
                    field("receipt", "Receipt", "file", required=True),
                    field(
                        "cost_centre",
                        "Cost centre",
                        "text",
                        required=True,
                        help_text="Four digits, e.g. 4100",
                    ),
                    field("expense_date", "Date of the expense", "date"),
                ],
                "answers": {
                    "amount": amount(85, 9800, 2),
                    "currency": pick("NOK", "NOK", "NOK", "EUR", "EUR", "USD"),
                    "receipt": upload("pdf", "receipt.pdf"),
                    "cost_centre": pick(*COST_CENTRES),
                    "expense_date": days(-30, -1),
                },
                "titles": [
                    ("Taxi and hotel, client visit in Bergen", {"currency": "NOK"}),
                    ("Conference fee and travel", {}),
                    ("Team dinner after the release", {}),
                    ("Train tickets Oslo-Trondheim", {"currency": "NOK"}),
                    ("Flights to the Madrid office", {"currency": "EUR"}),
                    "Expenses {amount} {currency}",
                ],
                "details": [
                    "Receipt attached.",
                    "Paid with my private card because the company card was blocked.",
                    "Approved by my manager beforehand.",
                    "",
                ],
                "resolutions": [
                    "Approved and paid in the next payment run.",
                    "Reimbursed: the money will be in your account within three working days.",
                ],
            },
            {
                "name": "Invoice approval",
                "slug": "invoice",
                "sla_hours": 72,
                "weight": 2,
                "associates": True,
                "description": (
                    "A supplier invoice that needs approval or has a question. Attach the "
                    "invoice if it did not come through the invoice mailbox."
                ),
                "fields": [
                    field("supplier", "Supplier", "text", required=True),
                    field("invoice_number", "Invoice number", "text", required=True),
                    field("amount", "Amount", "number", required=True),
                    field("currency", "Currency", "choice", required=True, choices=CURRENCIES),
                    field("due_date", "Due date", "date", required=True),
                    field("invoice", "Invoice", "file"),
                ],
                "answers": {
                    "supplier": pick(*SUPPLIERS),
                    "invoice_number": serial("INV-{n}", 1000, 9999),
                    "amount": amount(1200, 185000, 2),
                    "currency": pick("NOK", "NOK", "EUR", "USD"),
                    "due_date": days(7, 30),
                    "invoice": maybe(0.5, upload("pdf", "invoice.pdf")),
                },
                "titles": [
                    "Approve invoice {invoice_number} from {supplier}",
                    "Invoice {invoice_number}: {supplier}",
                ],
                "details": [
                    "The goods were delivered last week, OK to pay.",
                    "The amount is higher than agreed; please hold until I've checked.",
                    "",
                ],
                "resolutions": [
                    "Approved and scheduled for payment on the due date.",
                    "Put on hold and the supplier asked for a credit note.",
                ],
            },
            {
                "name": "Purchase order",
                "slug": "purchase-order",
                "sla_hours": 96,
                "weight": 1.5,
                "description": "Buy goods or services from a supplier with an approved budget.",
                "fields": [
                    field("supplier", "Supplier", "text", required=True),
                    field(
                        "items",
                        "What to buy",
                        "textarea",
                        required=True,
                        help_text="Items, quantities and unit prices",
                    ),
                    field("total", "Total", "number", required=True),
                    field("currency", "Currency", "choice", required=True, choices=CURRENCIES),
                    field("cost_centre", "Cost centre", "text", required=True),
                    field("budget_approved", "Budget approved", "yes_no", required=True),
                ],
                "answers": {
                    "supplier": pick(*SUPPLIERS),
                    "total": amount(2500, 240000, 2),
                    "cost_centre": pick(*COST_CENTRES),
                    "budget_approved": yes(0.9),
                },
                "titles": [
                    (
                        "Ergonomic chairs for the Madrid office",
                        {
                            "items": "6 x ergonomic office chair, model Flex Pro",
                            "currency": "EUR",
                        },
                    ),
                    (
                        "Catering for the customer day",
                        {
                            "items": "Lunch and coffee for 60 people",
                            "supplier": "Fjord Catering AS",
                        },
                    ),
                    (
                        "Printer paper and toner",
                        {
                            "items": "40 boxes A4 paper, 12 toner cartridges",
                            "supplier": "Nordic Office Supply AS",
                        },
                    ),
                    (
                        "Consultancy hours for the ERP upgrade",
                        {
                            "items": "120 hours of SAP consultancy",
                            "supplier": "Iberia Consulting S.L.",
                        },
                    ),
                    (
                        "Laptops for new starters",
                        {
                            "items": "5 x standard laptop with docking station",
                            "supplier": "Atea AS",
                        },
                    ),
                ],
                "details": ["Quote attached to the e-mail from the supplier.", ""],
                "resolutions": [
                    "PO issued and sent to the supplier.",
                    "PO approved; the supplier confirmed delivery in two weeks.",
                ],
            },
            {
                "name": "Payroll question",
                "slug": "payroll",
                "sla_hours": 48,
                "weight": 1.5,
                "description": "Salary, tax deduction, overtime, holiday pay and allowances.",
                "fields": [
                    field(
                        "topic",
                        "Topic",
                        "choice",
                        required=True,
                        choices=[
                            "Salary payment",
                            "Tax deduction",
                            "Overtime",
                            "Holiday pay",
                            "Travel allowance",
                        ],
                    ),
                    field("pay_period", "Pay period", "text", help_text="e.g. March 2025"),
                    field("details", "Details", "textarea"),
                ],
                "answers": {"pay_period": month(0, 2)},
                "titles": [
                    "Question about {topic}",
                    "{topic} for {pay_period}",
                    ("Overtime missing on my payslip", {"topic": "Overtime"}),
                ],
                "details": [
                    "The amount looks lower than usual.",
                    "I worked two weekends in a row and can't see it on the payslip.",
                    "",
                ],
                "resolutions": [
                    "Corrected; the difference is paid with next month's salary.",
                    "Checked: the amount is right. The explanation is in the reply above.",
                ],
            },
        ],
    },
    {
        "name": "Facilities",
        "slug": "facilities",
        "prefix": "FAC",
        "reopen_days": 7,
        "weight": 15,
        "description": (
            "Buildings, rooms and the things in them: repairs, meeting rooms, desk moves, "
            "access cards and parking. In an emergency (water leak, fire door, anyone hurt) "
            "call reception on ext. 1000 first."
        ),
        "questions": [
            "Which room exactly? The number is on the sign next to the door.",
            "Could you send a photo of the problem?",
            "Is the morning or the afternoon better for the technician to come by?",
            "How many people are you expecting?",
        ],
        "notes": [
            "Ordered the part from the supplier, 3-5 days.",
            "Landlord's responsibility; reported to Vestby Eiendom.",
            "Cleaning crew informed.",
            "Same issue on the 4th floor last month.",
        ],
        "types": [
            {
                "name": "Repair or maintenance",
                "slug": "repair",
                "sla_hours": 48,
                "weight": 3,
                "description": "Something broken, leaking, too hot, too cold or too dark.",
                "fields": [
                    field(
                        "location",
                        "Location",
                        "text",
                        required=True,
                        help_text="Building, floor and room, e.g. Oslo B2, 3rd floor, 3.14",
                    ),
                    field(
                        "issue",
                        "Issue",
                        "choice",
                        required=True,
                        choices=[
                            "Heating or ventilation",
                            "Lighting",
                            "Plumbing",
                            "Door or lock",
                            "Furniture",
                            "Other",
                        ],
                    ),
                    field(
                        "urgency",
                        "Urgency",
                        "choice",
                        required=True,
                        choices=["Low", "Medium", "High (safety issue)"],
                    ),
                    field("details", "What happened", "textarea"),
                ],
                "answers": {
                    "location": pick(*LOCATIONS),
                    "urgency": pick("Low", "Medium", "Medium", "High (safety issue)"),
                },
                "titles": [
                    "{issue}: {location}",
                    ("Radiator cold in the meeting room", {"issue": "Heating or ventilation"}),
                    (
                        "Leaking tap in the kitchen",
                        {"issue": "Plumbing", "location": "Oslo B2, 2nd floor kitchen"},
                    ),
                    ("Flickering lights above my desk", {"issue": "Lighting"}),
                    (
                        "Stairwell door doesn't close",
                        {"issue": "Door or lock", "urgency": "High (safety issue)"},
                    ),
                    ("Broken office chair", {"issue": "Furniture", "urgency": "Low"}),
                ],
                "details": [
                    "Started this morning.",
                    "It has been like this for a few days now.",
                    "",
                ],
                "resolutions": [
                    "Fixed by the technician this afternoon.",
                    "Part replaced; everything works again.",
                    "The landlord's service partner repaired it.",
                ],
            },
            {
                "name": "Meeting room setup",
                "slug": "meeting-room",
                "sla_hours": 24,
                "weight": 2,
                "description": "Furniture, equipment and catering for a meeting or workshop.",
                "fields": [
                    field(
                        "room",
                        "Room",
                        "choice",
                        required=True,
                        choices=[
                            "Fjord (12 people)",
                            "Glacier (6 people)",
                            "Aurora (30 people)",
                            "Canteen",
                        ],
                    ),
                    field("date", "Date", "date", required=True),
                    field("start_time", "Start time", "text", help_text="e.g. 09:30"),
                    field("attendees", "Attendees", "number"),
                    field(
                        "layout",
                        "Layout",
                        "choice",
                        choices=["Boardroom", "Classroom", "Theatre", "U-shape"],
                    ),
                    field("catering", "Catering", "yes_no"),
                ],
                "answers": {
                    "date": days(2, 21),
                    "start_time": pick("08:30", "09:00", "10:00", "12:30", "13:00", "14:00"),
                    "attendees": amount(4, 30),
                    "catering": yes(0.5),
                },
                "titles": [
                    "Setup for {room} on {date}",
                    (
                        "Board meeting in Fjord",
                        {"room": "Fjord (12 people)", "layout": "Boardroom"},
                    ),
                    ("All-hands in the canteen", {"room": "Canteen", "layout": "Theatre"}),
                    ("Workshop with a customer", {"room": "Aurora (30 people)"}),
                ],
                "details": [
                    "We need a projector and two flip charts.",
                    "Coffee and fruit, please.",
                    "",
                ],
                "resolutions": [
                    "Room is set up and catering ordered.",
                    "All booked; the projector remote is at reception.",
                ],
            },
            {
                "name": "Desk move",
                "slug": "desk-move",
                "sla_hours": 120,
                "weight": 1.5,
                "description": "Moving a person or a team to another desk or floor.",
                "fields": [
                    field("from_desk", "From desk", "text", required=True),
                    field("to_desk", "To desk", "text", required=True),
                    field("move_date", "Move date", "date", required=True),
                    field("boxes", "Moving boxes needed", "number"),
                    field("move_it_equipment", "Move screens and docking station", "yes_no"),
                ],
                "answers": {
                    "from_desk": pick(*DESKS),
                    "to_desk": pick(*DESKS),
                    "move_date": days(5, 30),
                    "boxes": maybe(0.6, amount(1, 8)),
                    "move_it_equipment": yes(0.7),
                },
                "titles": ["Desk move {from_desk} to {to_desk}", "Moving to {to_desk}"],
                "details": ["Joining the project team on the other floor.", ""],
                "resolutions": [
                    "Moved; boxes are at the new desk.",
                    "Done, and IT reconnected the screens.",
                ],
            },
            {
                "name": "Access card or parking",
                "slug": "access-card",
                "sla_hours": 48,
                "weight": 1.5,
                "associates": True,
                "description": (
                    "New, lost or broken access cards, visitor cards and parking permits."
                ),
                "fields": [
                    field(
                        "request",
                        "Request",
                        "choice",
                        required=True,
                        choices=[
                            "New access card",
                            "Lost or broken card",
                            "Parking permit",
                            "Visitor card",
                        ],
                    ),
                    field("registration", "Car registration", "text", help_text="Only for parking"),
                    field("valid_from", "Valid from", "date"),
                ],
                "answers": {
                    "registration": maybe(0.4, serial("EL {n}", 10000, 99999)),
                    "valid_from": maybe(0.6, days(1, 14)),
                },
                "titles": [
                    "{request}",
                    ("Lost my access card", {"request": "Lost or broken card"}),
                    ("Parking permit for my electric car", {"request": "Parking permit"}),
                ],
                "details": ["", "I start at the Oslo office next week."],
                "resolutions": [
                    "Card ready for pick-up at reception.",
                    "Permit registered for your car.",
                ],
            },
        ],
    },
    {
        "name": "Legal",
        "slug": "legal",
        "prefix": "LEG",
        "reopen_days": 14,
        "weight": 7,
        "description": (
            "Contracts, NDAs, data protection and anything that could bind the company or make "
            "it liable. Send contracts early: a standard review takes about a week."
        ),
        "questions": [
            "Could you send the latest version from the counterparty? The draft has changed.",
            "Who will sign on our side?",
            "Is there a deadline we must keep, e.g. a tender date?",
        ],
        "notes": [
            "Limitation of liability clause is unusual; flag to the lead.",
            "Standard template works here; only the annex needs changes.",
            "Personal data involved: a data processing agreement is needed too.",
        ],
        "types": [
            {
                "name": "Contract review",
                "slug": "contract-review",
                "sla_hours": 120,
                "weight": 3,
                "description": (
                    "Review of a contract before signing: suppliers, customers, consultants, "
                    "leases and licences. Attach the draft."
                ),
                "fields": [
                    field("counterparty", "Counterparty", "text", required=True),
                    field(
                        "contract_type",
                        "Contract type",
                        "choice",
                        required=True,
                        choices=[
                            "Supplier agreement",
                            "Customer agreement",
                            "Consultancy",
                            "Lease",
                            "Software licence",
                        ],
                    ),
                    field(
                        "contract_value", "Contract value", "number", help_text="Total value in NOK"
                    ),
                    field("deadline", "Deadline", "date", required=True),
                    field("contract", "The contract", "file", required=True),
                ],
                "answers": {
                    "counterparty": pick(*COUNTERPARTIES),
                    "contract_value": maybe(0.8, amount(50000, 4500000)),
                    "deadline": days(5, 30),
                    "contract": upload("pdf", "contract-draft.pdf"),
                },
                "titles": [
                    "Review {contract_type} with {counterparty}",
                    "{counterparty}: {contract_type}, sign by {deadline}",
                ],
                "details": [
                    "Their standard terms; we have not negotiated anything yet.",
                    "Second round: they accepted most of our changes.",
                    "",
                ],
                "resolutions": [
                    "Reviewed; comments are in the attached mark-up and it is OK to sign with "
                    "those changes.",
                    "Approved for signing. Liability cap agreed at 12 months' fees.",
                ],
            },
            {
                "name": "NDA request",
                "slug": "nda",
                "sla_hours": 48,
                "weight": 2,
                "associates": True,
                "description": (
                    "A confidentiality agreement before sharing or receiving information."
                ),
                "fields": [
                    field("counterparty", "Counterparty", "text", required=True),
                    field(
                        "nda_type",
                        "Type",
                        "choice",
                        required=True,
                        choices=[
                            "Mutual",
                            "One-way (we disclose)",
                            "One-way (they disclose)",
                        ],
                    ),
                    field("purpose", "Purpose", "textarea", required=True),
                    field("signatory", "Signatory on our side", "text"),
                ],
                "answers": {
                    "counterparty": pick(*COUNTERPARTIES),
                    "purpose": pick(
                        "Discussing a possible integration of our systems.",
                        "Sharing pricing for a tender.",
                        "A pilot project with their analytics team.",
                        "Due diligence for a possible partnership.",
                    ),
                    "signatory": maybe(
                        0.6, pick("Henrik Johansen", "Magnus Larsen", "Charlotte Hughes")
                    ),
                },
                "titles": ["NDA with {counterparty}", "{nda_type} NDA: {counterparty}"],
                "details": ["The first meeting is next Tuesday.", ""],
                "resolutions": [
                    "NDA sent for e-signing on our standard template.",
                    "Signed by both parties; copy in the contract archive.",
                ],
            },
            {
                "name": "Data protection question",
                "slug": "data-protection",
                "sla_hours": 72,
                "weight": 1.5,
                "description": (
                    "Personal data in a new system, requests from data subjects and possible "
                    "breaches. A possible breach: report it at once, the 72-hour clock runs."
                ),
                "fields": [
                    field(
                        "topic",
                        "Topic",
                        "choice",
                        required=True,
                        choices=[
                            "New system with personal data",
                            "Request from a data subject",
                            "Possible data breach",
                            "Data processing agreement",
                        ],
                    ),
                    field("sensitive", "Involves sensitive personal data", "yes_no"),
                    field("details", "Details", "textarea", required=True),
                ],
                "answers": {
                    "sensitive": yes(0.3),
                    "details": pick(
                        "We want to start using a new survey tool that stores e-mail addresses.",
                        "A former customer asks for a copy of all data we hold about them.",
                        "A spreadsheet with customer contacts was e-mailed to the wrong person.",
                        "The new payroll provider needs a data processing agreement.",
                    ),
                },
                "titles": [
                    "{topic}",
                    ("E-mail sent to the wrong recipient", {"topic": "Possible data breach"}),
                    (
                        "Access request from a former customer",
                        {"topic": "Request from a data subject"},
                    ),
                ],
                "details": [""],
                "resolutions": [
                    "Assessed and documented in the processing register.",
                    "Answered the data subject within the deadline.",
                    "DPA signed with the provider.",
                ],
            },
        ],
    },
    {
        "name": "Communications",
        "slug": "communications",
        "prefix": "COM",
        "reopen_days": 7,
        "weight": 11,
        "description": (
            "Intranet news, events, design and social media. Two weeks' notice for events and "
            "design work helps us do it well."
        ),
        "questions": [
            "Do you have photos we can use, or should we book the photographer?",
            "Who should be quoted in the article?",
            "Could you send the logo in a higher resolution?",
        ],
        "notes": [
            "Fits in the newsletter next Thursday.",
            "Design team busy until Friday; pencilled in for Monday.",
            "Check with Legal before publishing the customer's name.",
        ],
        "types": [
            {
                "name": "Intranet article",
                "slug": "intranet-article",
                "sla_hours": 72,
                "weight": 2.5,
                "description": (
                    "News for colleagues on the intranet front page or in the newsletter."
                ),
                "fields": [
                    field("headline", "Headline", "text", required=True),
                    field("publish_date", "Publish on", "date", required=True),
                    field(
                        "audience",
                        "Audience",
                        "choice",
                        required=True,
                        choices=[
                            "All staff",
                            "Oslo office",
                            "Madrid office",
                            "Managers",
                        ],
                    ),
                    field("draft", "Draft text", "file"),
                    field("has_images", "We have images", "yes_no"),
                ],
                "answers": {
                    "headline": pick(
                        "New canteen menu from Monday",
                        "Welcome to our new colleagues in Finance",
                        "Summer party: save the date",
                        "Our new customer portal is live",
                        "Record results in the customer survey",
                        "Madrid office moves to a new floor",
                    ),
                    "publish_date": days(2, 14),
                    "draft": maybe(0.4, upload("txt", "article-draft.txt")),
                    "has_images": yes(0.5),
                },
                "titles": ["Intranet article: {headline}", "News: {headline}"],
                "details": ["Draft attached; feel free to shorten it.", ""],
                "resolutions": [
                    "Published on the front page.",
                    "Scheduled for the date you asked for.",
                ],
            },
            {
                "name": "Event support",
                "slug": "event-support",
                "sla_hours": 120,
                "weight": 2,
                "description": (
                    "Invitations, photography, streaming or the full package for an event."
                ),
                "fields": [
                    field("event_name", "Event", "text", required=True),
                    field("event_date", "Date", "date", required=True),
                    field("attendees", "Expected attendees", "number"),
                    field(
                        "support",
                        "Support needed",
                        "choice",
                        required=True,
                        choices=[
                            "Invitations and sign-up",
                            "Photography",
                            "Live streaming",
                            "Full event package",
                        ],
                    ),
                    field("venue", "Venue", "text"),
                ],
                "answers": {
                    "event_name": pick(
                        "Customer day",
                        "Quarterly all-hands",
                        "Summer party",
                        "Partner breakfast",
                        "Graduate welcome day",
                    ),
                    "event_date": days(14, 60),
                    "attendees": amount(20, 250),
                    "venue": maybe(
                        0.6,
                        pick(
                            "Canteen", "Aurora room", "Hotel Continental", "Madrid office terrace"
                        ),
                    ),
                },
                "titles": ["Support for {event_name}", "{support} for {event_name}"],
                "details": ["Budget is approved.", ""],
                "resolutions": [
                    "Invitations sent and the sign-up page is live.",
                    "Photographer booked; photos will be shared the day after.",
                ],
            },
            {
                "name": "Design request",
                "slug": "design",
                "sla_hours": 168,
                "weight": 2,
                "description": "Presentations, posters, roll-ups, graphics and infographics.",
                "fields": [
                    field(
                        "deliverable",
                        "Deliverable",
                        "choice",
                        required=True,
                        choices=[
                            "Presentation template",
                            "Poster",
                            "Roll-up banner",
                            "Social media graphics",
                            "Infographic",
                        ],
                    ),
                    field("deadline", "Deadline", "date", required=True),
                    field("brief", "Brief", "textarea", required=True),
                    field("reference", "Reference image", "file"),
                ],
                "answers": {
                    "deadline": days(7, 30),
                    "brief": pick(
                        "For the customer day; should match the new brand colours.",
                        "Simple and readable from a distance.",
                        "Five slides explaining the new travel policy.",
                        "Key figures from the annual report.",
                    ),
                    "reference": maybe(0.3, upload("png", "reference.png")),
                },
                "titles": ["{deliverable} for the team", "New {deliverable}"],
                "details": [""],
                "resolutions": [
                    "Final files are in the shared drive under Design/Delivered.",
                    "Delivered; print order placed for the roll-up.",
                ],
            },
            {
                "name": "Social media post",
                "slug": "social",
                "sla_hours": 48,
                "weight": 1,
                "description": "A post on the company's LinkedIn, Instagram or Facebook pages.",
                "fields": [
                    field(
                        "channel",
                        "Channel",
                        "choice",
                        required=True,
                        choices=["LinkedIn", "Instagram", "Facebook"],
                    ),
                    field("post_date", "Post on", "date"),
                    field("text", "Suggested text", "textarea", required=True),
                ],
                "answers": {
                    "post_date": maybe(0.7, days(1, 10)),
                    "text": pick(
                        "We're hiring! Join our IT team in Oslo.",
                        "Proud to welcome 12 graduates this autumn.",
                        "Thanks to everyone who joined our customer day.",
                    ),
                },
                "titles": ["Post on {channel}", "{channel} post"],
                "details": [""],
                "resolutions": ["Posted.", "Scheduled in the publishing tool."],
            },
        ],
    },
]


# --- People -----------------------------------------------------------------
class Person(NamedTuple):
    username: str
    first_name: str
    last_name: str
    department: str | None  # home department prefix
    role: str | None = None  # "lead" or "agent" of the home department
    language: str = "en"
    is_associate: bool = False
    hr_admin: bool = False
    superuser: bool = False


PEOPLE: list[Person] = [
    Person("hr.lead", "Ingrid", "Hansen", "HR", "lead", "nb"),
    Person("hr.agent1", "Lucía", "Fernández", "HR", "agent", "es"),
    Person("hr.agent2", "Emma", "Thompson", "HR", "agent"),
    Person("hradmin", "Solveig", "Nilsen", "HR", hr_admin=True),
    Person("marte.berg", "Marte", "Berg", "HR", language="nb"),
    Person("carlos.ruiz", "Carlos", "Ruiz", "HR"),
    Person("olivia.bennett", "Olivia", "Bennett", "HR"),
    Person("lead", "Henrik", "Johansen", "IT", "lead"),
    Person("agent", "Sofía", "Martínez", "IT", "agent"),
    Person("it.agent2", "James", "Carter", "IT", "agent"),
    Person("it.agent3", "Kari", "Olsen", "IT", "agent", "nb"),
    Person("lars.andersen", "Lars", "Andersen", "IT"),
    Person("daniel.romero", "Daniel", "Romero", "IT", language="es"),
    Person("chloe.walker", "Chloe", "Walker", "IT"),
    Person("nora.pedersen", "Nora", "Pedersen", "IT"),
    Person("fin.lead", "Magnus", "Larsen", "FIN", "lead"),
    Person("fin.agent1", "Isabel", "García", "FIN", "agent", "es"),
    Person("fin.agent2", "Thomas", "Wright", "FIN", "agent"),
    Person("silje.karlsen", "Silje", "Karlsen", "FIN", language="nb"),
    Person("pablo.moreno", "Pablo", "Moreno", "FIN"),
    Person("hannah.price", "Hannah", "Price", "FIN"),
    Person("erik.solberg", "Erik", "Solberg", "FIN"),
    Person("fac.lead", "Ole", "Bakken", "FAC", "lead"),
    Person("fac.agent1", "Miguel", "Torres", "FAC", "agent"),
    Person("fac.agent2", "Sarah", "Mitchell", "FAC", "agent"),
    Person("astrid.haugen", "Astrid", "Haugen", "FAC", language="nb"),
    Person("javier.navarro", "Javier", "Navarro", "FAC", language="es"),
    Person("george.evans", "George", "Evans", "FAC"),
    Person("sigrid.moe", "Sigrid", "Moe", "FAC"),
    Person("leg.lead", "Charlotte", "Hughes", "LEG", "lead"),
    Person("leg.agent1", "Kjersti", "Moen", "LEG", "agent"),
    Person("leg.agent2", "Alejandro", "Díaz", "LEG", "agent"),
    Person("ida.lunde", "Ida", "Lunde", "LEG"),
    Person("rebecca.hall", "Rebecca", "Hall", "LEG"),
    Person("andres.vega", "Andrés", "Vega", "LEG"),
    Person("com.lead", "Tone", "Halvorsen", "COM", "lead"),
    Person("com.agent1", "Laura", "Sánchez", "COM", "agent"),
    Person("com.agent2", "Oliver", "Grant", "COM", "agent"),
    Person("employee", "Sophie", "Clarke", "COM"),
    Person("jonas.eriksen", "Jonas", "Eriksen", "COM"),
    Person("carmen.ortiz", "Carmen", "Ortiz", "COM"),
    Person("william.foster", "William", "Foster", "COM"),
    Person("mia.strand", "Mia", "Strand", "COM"),
    Person("admin", "Kristian", "Lie", "IT", superuser=True),
    Person("associate", "Peter", "Novak", None, is_associate=True),
    Person("associate2", "Ana", "Castillo", None, language="es", is_associate=True),
]

# How often a person files requests, relative to a plain employee's 1.
REQUESTER_WEIGHTS = {"employee": 4, "associate": 2, "admin": 0}


# --- What people write --------------------------------------------------------
FIRST_REPLIES = [
    "Hi {first}, thanks for your request. I'm on it and will get back to you shortly.",
    "Hi {first}, I've picked this up and will let you know as soon as it's done.",
    "Thanks {first}. This is with me now; expect an update within the day.",
    "Hello {first}, got it. I'll check a couple of things and come back to you.",
    "Hi {first}, thanks for the details, that helps. Working on it.",
]
FOLLOW_UPS = [
    "Quick update: this is in progress and I expect to finish it tomorrow.",
    "Still working on it; waiting for the supplier to confirm.",
    "Almost there, one last check and it's done.",
    "Sorry for the wait, we've had a busy week. It's next in line.",
]
REQUESTER_ANSWERS = [
    "Sure, here it is.",
    "Yes, my manager approved it this morning.",
    "Yes, that's right. Thanks for checking!",
    "Any day next week works for me, preferably before 11.",
    "Attached. Let me know if you need anything else.",
    "I've asked my manager to confirm here.",
    "Good question: it's cost centre 4100.",
]
REQUESTER_CHASERS = [
    "Any news on this? It's getting a bit urgent.",
    "Just checking in: is there anything you need from me?",
    "Hi, could you give me an estimate of when this will be done?",
]
THANKS = [
    "Thanks a lot, works perfectly!",
    "Great, thank you!",
    "Confirmed, all good on my side.",
    "Thank you for the quick help.",
    "Tusen takk!",
    "¡Muchas gracias!",
]
REOPEN_REASONS = [
    "Sorry, it's not quite right yet: it worked for a day and now the problem is back.",
    "I only got part of what I asked for.",
    "This doesn't seem to be done; I still see the old version.",
    "The change didn't reach my account. Could you check again?",
]
REOPEN_REPLIES = [
    "Sorry about that, looking at it again now.",
    "Thanks for telling us. I'll sort out the rest today.",
]
CANCEL_REASONS = [
    "Not needed any more; sorted it out with my manager.",
    "Filed this by mistake, sorry.",
    "Plans changed. I'll send a new request if it comes up again.",
    "Duplicate of another request.",
    "",
]
NO_REPLY_RESOLUTION = (
    "Resolving this since we haven't heard back. Reopen it or send a new request if you "
    "still need help."
)
AGENT_FILE_REPLIES = [
    "Here you go, see the attached file.",
    "Attached is what you asked for.",
]

HANDOFFS = [
    (
        "Signed agreement for the archive",
        "Hi {colleague}, here is the signed copy of the supplier agreement for the archive.",
        [("pdf", "signed-agreement.pdf")],
    ),
    (
        "Budget figures for the forecast",
        "As promised, the numbers for the next forecast. Shout if anything looks off.",
        [("csv", "budget-forecast.csv")],
    ),
    (
        "Photos from the kick-off",
        "Two of the best photos from Monday's kick-off, for the newsletter.",
        [("png", "kickoff-1.png"), ("png", "kickoff-2.png")],
    ),
    (
        "Floor plan for the Madrid office",
        "Here's the floor plan with the new desk numbers.",
        [("png", "madrid-floor-plan.png")],
    ),
    (
        "Minutes from Tuesday's meeting",
        "Minutes attached. Could you check the action points for your team?",
        [("txt", "minutes.txt")],
    ),
    (
        "Timesheet export",
        "The timesheet export you asked for, last month only.",
        [("csv", "timesheets.csv")],
    ),
    (
        "Travel receipts",
        "Receipts from the Bergen trip, for the project accounting.",
        [("pdf", "receipts-bergen.pdf")],
    ),
    (
        "Draft press release",
        "First draft of the press release. Comments welcome before Thursday.",
        [("txt", "press-release-draft.txt")],
    ),
    (
        "Logo files for the roll-up",
        "The partner's logo in the best resolution they had.",
        [("png", "partner-logo.png")],
    ),
    (
        "Customer list for the invitation",
        "The list of customers to invite to the customer day.",
        [("csv", "customer-invitations.csv")],
    ),
    (
        "Signed NDA",
        "The signed NDA came back from the counterparty today.",
        [("pdf", "nda-signed.pdf")],
    ),
    (
        "Training material",
        "Slides from the security awareness training, as a PDF.",
        [("pdf", "security-training.pdf")],
    ),
]
HANDOFF_REPLIES = [
    "Got it, thanks!",
    "Thanks {first}, I'll have a look this afternoon.",
    "Received, thank you.",
]
HANDOFF_RESOLUTIONS = [
    "Received and filed.",
    "Thanks, saved to the team drive.",
    "All good, I have what I need.",
]

# Files attached to a request or a reply that has no file field for it.
EXTRA_FILES = {
    "HR": [("pdf", "signed-form.pdf"), ("pdf", "birth-certificate.pdf")],
    "IT": [("png", "screenshot.png"), ("png", "error-message.png")],
    "FIN": [("pdf", "quote.pdf"), ("csv", "cost-breakdown.csv")],
    "FAC": [("png", "photo.png"), ("png", "floor-plan.png")],
    "LEG": [("pdf", "counterparty-comments.pdf"), ("txt", "notes.txt")],
    "COM": [("png", "photo.png"), ("txt", "text-draft.txt")],
}


# --- Satisfaction surveys -------------------------------------------------------
# Question kinds and choices as stored in surveys.models.Question.
CSAT, NPS, YES_NO, CHOICE, TEXT = "csat_1_5", "nps_0_10", "yes_no", "choice", "text"
MATTERED_MOST = ["Speed", "Friendliness", "Getting it right", "Keeping me informed"]

# Every demo survey has the same timing. One minute after a resolve: in `make run` the
# e-mail reaches var/mail within about a minute (beat's dispatcher runs every minute).
SURVEY_TIMING = {
    "delay_minutes": 1,
    "reminder_hours": 48,
    "expires_days": 14,
    # 0 asks after every resolved request, so the demo can be tried again and again;
    # a real company would keep the default of one survey per person every 14 days.
    "min_days_between": 0,
    "sample_percent": 100,
}
# "departments" are prefixes; the default survey covers every other department.
SURVEYS: list[dict] = [
    {
        "key": "default",
        "name": "After your request",
        "is_default": True,
        "anonymous": False,
        "departments": [],
        "intro": "Your request is done. Tell us in under a minute how it went.",
        "questions": [
            {
                "kind": CSAT,
                "text": "How satisfied are you with how your request was handled?",
                "required": True,
                "is_headline": True,
            },
            {"kind": YES_NO, "text": "Was it solved the first time?"},
            {"kind": CHOICE, "text": "What mattered most?", "choices": MATTERED_MOST},
            {"kind": TEXT, "text": "Anything we could do better?"},
        ],
    },
    {
        "key": "it",
        "name": "IT service desk",
        "is_default": False,
        "anonymous": False,
        "departments": ["IT"],
        "intro": "IT resolved your request. A few quick questions, and a comment if you like.",
        "questions": [
            {
                "kind": NPS,
                "text": "How likely are you to recommend IT's help to a colleague?",
                "required": True,
                "is_headline": True,
            },
            {"kind": CSAT, "text": "How satisfied are you with the solution?"},
            {"kind": TEXT, "text": "What is the main reason for your score?"},
        ],
    },
    {
        "key": "hr",
        "name": "HR (anonymous)",
        "is_default": False,
        "anonymous": True,
        "departments": ["HR"],
        "intro": (
            "HR handles personal matters, so this survey is anonymous: your answers are never "
            "shown with your name or your request."
        ),
        "questions": [
            {
                "kind": CSAT,
                "text": "How satisfied are you with the help you got from HR?",
                "required": True,
                "is_headline": True,
            },
            {"kind": YES_NO, "text": "Was it solved the first time?"},
            {"kind": TEXT, "text": "Anything HR could do better?"},
        ],
    },
]
# Some weeks ago IT asked whether requests were solved the first time: version 2.
IT_SURVEY_V2_DAYS_AGO = 50
IT_SURVEY_V2_QUESTIONS: list[dict] = [
    {
        "kind": NPS,
        "text": "How likely are you to recommend IT's help to a colleague?",
        "required": True,
        "is_headline": True,
    },
    {"kind": CSAT, "text": "How satisfied are you with the solution?"},
    {"kind": YES_NO, "text": "Was it solved the first time?"},
    {"kind": TEXT, "text": "What could IT do better next time?"},
]

# Share of invitations answered, per department (Legal's customers rarely answer).
SURVEY_ANSWER_RATES = {"HR": 0.38, "IT": 0.38, "FIN": 0.36, "FAC": 0.4, "LEG": 0.26, "COM": 0.38}
# Satisfaction 1..5 before the penalties for a missed SLA, a slow or a reopened request.
CSAT_WEIGHTS = {
    "HR": (2, 4, 9, 33, 52),
    "IT": (3, 4, 7, 28, 58),
    "FIN": (3, 6, 13, 36, 42),
    "FAC": (8, 12, 20, 30, 30),
    "LEG": (2, 5, 12, 36, 45),
    "COM": (2, 4, 9, 33, 52),
}
# Likelihood to recommend 0..10, given how satisfied the person was (1..5).
NPS_WEIGHTS = {
    5: (0, 0, 0, 0, 0, 0, 0, 5, 15, 35, 45),
    4: (0, 0, 0, 0, 0, 0, 6, 24, 38, 24, 8),
    3: (0, 0, 0, 0, 10, 25, 35, 25, 5, 0, 0),
    2: (0, 10, 20, 30, 25, 15, 0, 0, 0, 0, 0),
    1: (35, 30, 20, 15, 0, 0, 0, 0, 0, 0, 0),
}
# Failed deliveries, for the HR admin's delivery monitor: one night the SMTP relay was down.
SURVEY_DELIVERY_ERRORS = [
    "SMTPServerDisconnected: Connection unexpectedly closed",
    "SMTPDataError: (451, b'4.3.0 Mail server temporarily rejected message.')",
]

# Comments by tone ("good" for 4-5, "ok" for 3, "bad" for 1-2) and language.
SURVEY_COMMENTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "good": [
            "Quick and friendly, thank you!",
            "Solved before I had finished my coffee.",
            "Clear explanation of what was done. Much appreciated.",
            "Everything worked straight away.",
            "Very helpful, and kept me posted the whole way.",
            "Great service as always.",
        ],
        "ok": [
            "Fine in the end, but it took a few days longer than I expected.",
            "OK, though I had to explain the problem twice.",
            "Got what I needed. A short status update along the way would have helped.",
            "Solved, but the form was confusing: I wasn't sure which type to pick.",
        ],
        "bad": [
            "Took over a week and nobody told me what was going on.",
            "I had to chase this three times.",
            "The problem came back the next day.",
            "Closed without asking me whether it actually worked.",
            "Still not working properly. Very frustrating when you have a deadline.",
            "Nobody replied until I called.",
        ],
    },
    "nb": {
        "good": [
            "Rask og hyggelig hjelp, tusen takk!",
            "Alt fungerte med en gang.",
            "Veldig god service, som alltid.",
            "Godt forklart hva som ble gjort.",
        ],
        "ok": [
            "Greit nok, men det tok litt lengre tid enn jeg trodde.",
            "Løst til slutt, men jeg måtte forklare problemet to ganger.",
        ],
        "bad": [
            "Jeg måtte purre flere ganger.",
            "Problemet kom tilbake dagen etter.",
            "Ingen sa fra hva som skjedde på over en uke.",
        ],
    },
    "es": {
        "good": [
            "¡Rápido y muy amable, gracias!",
            "Todo funcionó a la primera.",
            "Muy buen servicio, como siempre.",
            "Me explicaron claramente lo que hicieron.",
        ],
        "ok": [
            "Bien al final, pero tardó más de lo que esperaba.",
            "Resuelto, aunque tuve que explicar el problema dos veces.",
        ],
        "bad": [
            "Tuve que insistir varias veces.",
            "El problema volvió al día siguiente.",
            "Nadie me informó de nada durante una semana.",
        ],
    },
}
# English comments about one department's work, mixed in with the general ones.
DEPARTMENT_COMMENTS: dict[str, dict[str, list[str]]] = {
    "IT": {
        "good": [
            "The new laptop was ready the next morning, with everything installed.",
            "Access worked the minute I got the message.",
            "Fixed in a ten-minute remote session. Brilliant.",
        ],
        "bad": [
            "The VPN still drops every afternoon.",
            "Waited three days for a licence that takes five minutes to assign.",
        ],
    },
    "HR": {
        "good": [
            "Got the certificate the same day, thanks!",
            "Very clear answers about parental leave, and kind too.",
        ],
        "bad": ["I sent the same form twice because the first one got lost."],
    },
    "FIN": {
        "good": ["Reimbursed faster than ever."],
        "bad": [
            "The expense was rejected without telling me why.",
            "Got an answer, but only after I chased it twice.",
        ],
    },
    "FAC": {
        "good": ["The meeting room was set up perfectly."],
        "bad": [
            "The heating in our corner is still not fixed.",
            "The desk move happened a week later than agreed.",
            "The technician came while I was away and nobody let me know.",
        ],
    },
    "LEG": {
        "good": ["Thorough review, and the comments were easy to follow."],
        "bad": ["The contract review took longer than the deal."],
    },
    "COM": {
        "good": [
            "The article looks great on the intranet.",
            "Lovely design, exactly what we needed.",
        ],
        "bad": ["The post went out a day late."],
    },
}
