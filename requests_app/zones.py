"""Time zones a person may choose: the IANA zones of the installed tz database.

A person's zone (``Employee.time_zone``) is one of these names or empty, which means the
site's ``TIME_ZONE``. Pages activate it per request (``middleware``) and the outbox when it
renders that person's e-mails; the dashboards keep counting whole days in the site's zone.
"""

import zoneinfo
from datetime import date, datetime, time, tzinfo
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

# The zones people live in; the rest of the database is aliases kept for old systems
# (US/Eastern, EST5EDT, Etc/GMT+5, posixrules ...), which would only lengthen the list.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@lru_cache(maxsize=1)
def selectable_zones() -> frozenset[str]:
    """Every name a person may choose: UTC and the regional zones, aliases left out."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name == "UTC" or name.split("/", 1)[0] in REGIONS
    ) | {settings.TIME_ZONE}


def is_selectable(name: str) -> bool:
    return name in selectable_zones()


def zone_named(name: str) -> tzinfo:
    """The zone called ``name``; the site's for an empty or unknown name (never raises)."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_default_timezone()


def zone_of(user) -> tzinfo:
    """The zone a person sees times in: their own, else the site's."""
    employee = getattr(user, "employee", None)
    return zone_named(getattr(employee, "time_zone", "") or "")


def _offset(zone: tzinfo, now: datetime) -> str:
    minutes = int(now.astimezone(zone).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_choices(*, now: datetime | None = None) -> list:
    """The select's choices grouped by region, each labelled with its offset today."""
    now = now or timezone.now()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(selectable_zones()):
        region, _sep, place = name.partition("/")
        # The place alone ("New Salem", not "North Dakota/New Salem"): under its region
        # heading it is clear enough, and it fits a phone's select.
        city = (place or region).rsplit("/", 1)[-1].replace("_", " ")
        label = f"{city} ({_offset(zoneinfo.ZoneInfo(name), now)})"
        groups.setdefault(region if place else "", []).append((name, label))
    choices: list = list(groups.pop("", []))
    choices.extend((region, options) for region, options in groups.items())
    return choices


def site_today() -> date:
    """Today in the site's time zone: the day the dashboards end on, due dates and ages count
    in, and actions take effect by."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def site_midnight(day: date) -> datetime:
    """The start of ``day`` in the site's time zone: where the dashboards' periods, weeks
    and windows begin and end."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())
