"""HR: the department, its request types (forms and answers)
and what its agents write."""

from .specs import amount, days, field, maybe, pick, yes

DEPARTMENT: dict = {
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
                field("end_date", "End date", "date", required=True, help_text="Last day of leave"),
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
                "Offer signed yesterday. Could you prepare the contract and the first-week plan?",
                "This replaces a position that was vacant since spring.",
            ],
            "resolutions": [
                "Contract sent for signing, payroll set up and IT has the equipment order. "
                "The first-day plan is in your inbox.",
                "All set for the first day: badge, laptop and buddy arranged.",
            ],
        },
    ],
}
