"""How the seeder fills a form field (answer specs) and the pools of values they draw from."""


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
