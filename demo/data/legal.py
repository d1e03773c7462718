"""Legal: the department, its request types (forms and answers)
and what its agents write."""

from .specs import COUNTERPARTIES, amount, days, field, maybe, pick, upload, yes

DEPARTMENT: dict = {
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
                field("contract_value", "Contract value", "number", help_text="Total value in NOK"),
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
            "description": ("A confidentiality agreement before sharing or receiving information."),
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
}
