"""The disclosure search alone, on a seeded bench database: what it decides, and its cost.

    .venv/bin/python -m bench.decisions --db icsat_bench_load_100k --save var/decisions.json
    (change the search)
    .venv/bin/python -m bench.decisions --db icsat_bench_load_100k --compare var/decisions.json

Reads every department's rows once per range (7, 14, 30, 90, 180, 365 and 730 days ending
tomorrow), then decides each department's protection (``_protect_answers``) for k 3, 5 and 10
and every trend unit, and writes what was decided (every table's hidden cells and why, its
cubes and their directions, the trend's unit) as JSON. ``--compare`` says which decisions
differ from a saved run: a change meant to make the search cheaper must differ in none, or
pages would hide other cells than before. ``--time`` also times the decisions at k 3 and 5
(the least of three passes), in this process; on a shared host whose speed moves within
minutes, compare instruction counts instead::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python -m bench.decisions --db icsat_bench_load_100k --only-decide
    (and once more with --only-read: the difference is the decisions' instructions)
"""

import argparse
import json
import sys
import time
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

RANGES_DAYS = (7, 14, 30, 90, 180, 365, 730)
THRESHOLDS = (3, 5, 10)
UNITS = (None, "week", "month")


def _cases(split_at: date | None = None):
    """(days, department id, rows, start, end) for every department with answers; with
    ``split_at``, each department's rows read in two parts, the days before it and the
    others, and added together (as a page does after an answer: see open_from)."""
    from django.utils import timezone

    from insights.scorecards.survey_counts import read_answers
    from requests_app.models import Department

    end = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    department_ids = list(Department.objects.order_by("pk").values_list("pk", flat=True))
    cases = []
    for days in RANGES_DAYS:
        start = end - timedelta(days=days)
        read = read_answers(start, end, department_ids, split_at or date.max)
        for department_id, rows in sorted(read.items()):
            cases.append((days, department_id, rows, start, end))
    return cases


def _plain(value):
    """What was decided, as JSON: suppressions by their states, cubes and directions."""
    from insights.disclosure import Suppression

    if isinstance(value, Suppression):
        return {
            "state": sorted([repr(key), state] for key, state in value.state.items()),
            "cubes": [repr(cube) for cube in value.cubes],
            "directions": sorted([repr(cube), d] for cube, d in value.directions.items()),
        }
    if isinstance(value, Mapping):
        return {repr(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return repr(value)


def decide_all(cases) -> dict[str, object]:
    from insights.scorecards.protection import _protect_answers

    decided = {}
    for k in THRESHOLDS:
        for unit in UNITS:
            for days, department_id, rows, start, end in cases:
                key = f"k={k} unit={unit} days={days} department={department_id}"
                decided[key] = _plain(_protect_answers(rows, start, end, unit, k))
    return decided


def time_decisions(cases, passes: int = 3) -> float:
    """The least of ``passes`` times of deciding every case at k 3 and 5, in ms."""
    from insights.scorecards.protection import _protect_answers

    times = []
    for _ in range(passes):
        started = time.perf_counter()
        for k in (3, 5):
            for _days, _department_id, rows, start, end in cases:
                _protect_answers(rows, start, end, None, k)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="icsat_bench_load_100k", help="a seeded bench database")
    parser.add_argument("--save", type=Path, help="write what was decided here (JSON)")
    parser.add_argument("--compare", type=Path, help="say which decisions differ from this file")
    parser.add_argument("--time", action="store_true", help="time the decisions at k 3 and 5")
    parser.add_argument(
        "--split-at",
        type=date.fromisoformat,
        help="read each department's rows in two parts at this day (a month's first) and add them",
    )
    parser.add_argument("--only-read", action="store_true", help="read the rows and stop")
    parser.add_argument(
        "--only-decide", action="store_true", help="read, decide once at k 3 and 5, and stop"
    )
    args = parser.parse_args(argv)

    from bench import seed

    seed.setup_django(args.db)
    cases = _cases(args.split_at)
    if args.only_read:
        return 0
    if args.only_decide:
        time_decisions(cases, passes=1)
        return 0
    decided = decide_all(cases)
    print(f"{len(decided)} decisions ({len(cases)} department-ranges)")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(decided, sort_keys=True))
    status = 0
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = sorted(
            key for key in before.keys() | decided.keys() if before.get(key) != decided.get(key)
        )
        print(f"differ from {args.compare}: {len(differ)}")
        for key in differ[:20]:
            print(f"  {key}")
        status = 1 if differ else 0
    if args.time:
        print(f"decisions at k 3 and 5, least of 3 passes: {time_decisions(cases):.0f} ms")
    return status


if __name__ == "__main__":
    sys.exit(main())
