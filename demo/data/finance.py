"""Finance: the department, its request types (forms and answers)
and what its agents write."""

from .specs import (
    COST_CENTRES,
    CURRENCIES,
    SUPPLIERS,
    amount,
    days,
    field,
    maybe,
    month,
    pick,
    serial,
    upload,
    yes,
)

DEPARTMENT: dict = {
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
}
