"""Simulated time for the demo: when things happen, and which real stamps stand for them.

The services stamp the real time. The seed records which real moments belong to
which simulated moment (Clock) and rewrites the stamps afterwards, so the
history spans six months; Calendar picks the simulated moments.
"""

import random
from bisect import bisect_right
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from datetime import time as clock_time
from unittest import mock

from django.utils import timezone

from demo import data as demo

# When people file requests during the day (local time).
OFFICE_HOURS = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
OFFICE_HOUR_WEIGHTS = (1, 5, 9, 10, 8, 5, 8, 8, 7, 4, 1)
# When staff pick up work left from the evening or the weekend: mostly early.
WORKING_HOURS = (8, 9, 10, 11, 12, 13, 14, 15, 16)
WORKING_HOUR_WEIGHTS = (8, 9, 7, 5, 3, 4, 3, 3, 2)


class Calendar:
    """Simulated moments before the demo's now: office hours, working days, delays."""

    def __init__(self, *, now: datetime, rng: random.Random):
        self.now = now
        self.rng = rng

    def working(self, moment: datetime) -> datetime:
        """The moment, or some time on the next working day if it falls outside 08-17."""
        local = timezone.localtime(moment)
        if local.weekday() < 5 and 8 <= local.hour < 17:
            return moment
        day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        hour = self.rng.choices(WORKING_HOURS, WORKING_HOUR_WEIGHTS)[0]
        start = datetime.combine(day, clock_time(hour), tzinfo=local.tzinfo)
        return start + timedelta(minutes=self.rng.uniform(0, 60))

    def later(self, moment: datetime, lo_hours: float, hi_hours: float, *, work=True):
        later = moment + timedelta(hours=self.rng.uniform(lo_hours, hi_hours))
        return self.working(later) if work else later

    def minutes(self, moment: datetime, lo: int, hi: int) -> datetime:
        return moment + timedelta(minutes=self.rng.randint(lo, hi))

    def filed_at(self) -> datetime:
        """When someone files a request: mostly office hours on weekdays, more lately."""
        rng = self.rng
        tz = timezone.get_current_timezone()
        for _attempt in range(20):
            # More requests lately: the service desk caught on over the months.
            age = timedelta(days=demo.HISTORY_DAYS * rng.random() ** 1.35)
            day = timezone.localdate(self.now - age)
            if rng.random() < 0.92:
                if day.weekday() >= 5:
                    continue
                hour = rng.choices(OFFICE_HOURS, OFFICE_HOUR_WEIGHTS)[0]
            else:
                hour = rng.randrange(24)
            moment = datetime.combine(day, clock_time(hour), tzinfo=tz) + timedelta(
                minutes=rng.uniform(0, 60)
            )
            if moment < self.now - timedelta(minutes=5):
                return moment
        return self.now - timedelta(minutes=rng.uniform(5, 120))


class Clock:
    """Which real moments (stamped by the services) stand for which simulated moments."""

    def __init__(self):
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        self._simulated: list[datetime] = []

    @contextmanager
    def at(self, simulated: datetime):
        start = timezone.now()
        yield
        self._starts.append(start)
        self._ends.append(timezone.now())
        self._simulated.append(simulated)

    def simulated(self, real: datetime | None) -> datetime | None:
        if real is None:
            return None
        i = bisect_right(self._starts, real) - 1
        if i < 0 or real > self._ends[i]:
            raise RuntimeError(f"seed_demo: no simulated time for the stamp {real.isoformat()}")
        return self._simulated[i]

    def reset(self):
        self._starts.clear()
        self._ends.clear()
        self._simulated.clear()


@contextmanager
def given_timestamps(*fields):
    """bulk_create keeps the simulated times given for these auto_now_add fields."""
    with ExitStack() as stack:
        for model, name in fields:
            stack.enter_context(
                mock.patch.object(model._meta.get_field(name), "auto_now_add", False)
            )
        yield
