"""How the dashboards write figures: shares with intervals, counts, durations, and the
"not enough … yet (n = …)" text that replaces every suppressed figure (page and CSV)."""

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..stats import Figure


def not_enough(figure: Figure, show_n: bool = True) -> str:
    """Why a survey figure is not shown; ``show_n`` False on anonymous surveys, whose
    small counts are hidden too."""
    if figure.hidden == "protected":
        return hidden_text()
    if not show_n:
        return _("not enough answers yet")
    return _("not enough answers yet (n = %(n)s)") % {"n": figure.n}


def hidden_text() -> str:
    return _("hidden so a smaller group can't be worked out")


def not_enough_requests(figure: Figure) -> str:
    """For figures about resolved requests (median, SLA, reopen rate): n counts requests."""
    return _("not enough resolved requests yet (n = %(n)s)") % {"n": figure.n}


def not_enough_sent(figure: Figure) -> str:
    """For the response rate: n counts the surveys sent."""
    if figure.hidden == "protected":
        return hidden_text()
    return _("not enough surveys sent yet (n = %(n)s)") % {"n": figure.n}


def number(value: float, digits: int = 0) -> str:
    """The value to ``digits`` decimals as the active language writes it (what
    ``formats.number_format`` gives)."""
    rounded = round(value, digits)
    text = str(rounded)
    if digits or "e" in text or settings.USE_THOUSAND_SEPARATOR:
        return formats.number_format(rounded, digits)
    # A whole number without grouping is written alike in every language: a dashboard
    # writes ~400 of them, and number_format looks up three locale formats for each.
    return text.partition(".")[0]


def percent(share: float) -> str:
    return _("%(value)s %%") % {"value": number(share * 100)}


def share_text(figure: Figure, show_n: bool = True) -> str:
    """'72 % (61–81 %)': a share with its 95 % interval."""
    if not figure.shown:
        return not_enough(figure, show_n)
    if figure.low is None:
        return percent(figure.value)
    return _("%(value)s %% (%(low)s–%(high)s %%)") % {
        "value": number(figure.value * 100),
        "low": number(figure.low * 100),
        "high": number(figure.high * 100),
    }


def mean_text(figure: Figure, show_n: bool = True) -> str:
    return number(figure.value, 1) if figure.shown else not_enough(figure, show_n)


def nps_text(figure: Figure, show_n: bool = True) -> str:
    if not figure.shown:
        return not_enough(figure, show_n)
    return f"{'+' if figure.value > 0 else ''}{number(figure.value)}"


def count_text(figure: Figure) -> str:
    return number(figure.value or 0)


def duration_text(seconds: float) -> str:
    """A duration as people say it: '40 min', '5 h', '2.3 days'."""
    seconds = abs(seconds)
    if seconds < 3600:
        return _("%(n)s min") % {"n": number(seconds / 60)}
    hours = seconds / 3600
    if hours < 48:
        rounded = round(hours, 1)
        digits = 0 if hours >= 10 or rounded == int(rounded) else 1
        return _("%(n)s h") % {"n": number(hours, digits)}
    return _("%(n)s days") % {"n": number(hours / 24, 1)}


def duration_figure_text(figure: Figure) -> str:
    return duration_text(figure.value) if figure.shown else not_enough_requests(figure)


def request_share_text(figure: Figure) -> str:
    return share_text(figure) if figure.shown else not_enough_requests(figure)


def sent_share_text(figure: Figure) -> str:
    return share_text(figure) if figure.shown else not_enough_sent(figure)


def period_label(bucket, unit: str) -> str:
    if unit == "month":
        return formats.date_format(bucket, "YEAR_MONTH_FORMAT")
    if unit == "quarter":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (bucket.month - 1) // 3 + 1,
            "year": bucket.year,
        }
    return _("week of %(day)s") % {"day": formats.date_format(bucket, "DATE_FORMAT")}


UNIT_NAMES = {
    "week": gettext_lazy("week"),
    "month": gettext_lazy("month"),
    "quarter": gettext_lazy("quarter"),
}
