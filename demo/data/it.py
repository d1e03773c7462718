"""IT: the department, its request types (forms and answers)
and what its agents write."""

from .specs import DESKS, LOCATIONS, days, field, maybe, pick, serial, yes

DEPARTMENT: dict = {
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
                "Delivered to your desk and set up. The old device has been wiped and recycled.",
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
}
