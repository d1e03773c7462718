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

from . import communications, facilities, finance, hr, it, legal
from .specs import amount, days, maybe, pick, yes  # noqa: F401  (demo.forms reads them here)

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


# --- Departments and request types -------------------------------------------
# One module per department, in the order the seeder creates them.
DEPARTMENTS: list[dict] = [
    hr.DEPARTMENT,
    it.DEPARTMENT,
    finance.DEPARTMENT,
    facilities.DEPARTMENT,
    legal.DEPARTMENT,
    communications.DEPARTMENT,
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
