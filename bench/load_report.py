"""The load test's figures and its Markdown (bench/load.py runs, this counts and writes).

Every request the locust users made (bench/locustfile.py's samples), gunicorn's access log
and the runner's measurements become per-page percentiles for the whole run and after the
ramp-up, each request's wait for a free worker, a timeline, the targets with their verdicts,
and LOAD.md.
"""

import contextlib
import json
import statistics
from collections import Counter
from pathlib import Path

from bench.load_breakdown import TIMED

# Every page the users request, in table order (the names the locustfile gives them).
PAGES = [
    "login page",
    "sign-in POST",
    "home",
    "my requests",
    "ticket page (requester)",
    "new request: departments",
    "new request: types",
    "new request form",
    "new request POST",
    "agent queue",
    "ticket page (agent)",
    "resolve POST",
    "survey page",
    "survey answer POST",
    "survey thanks",
    "department dashboard",
    "department dashboard CSV",
    "organisation view",
]


TARGET_USERS = 100


TARGET_P95_MS = 200


# --- Figures -----------------------------------------------------------------------------
def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 1))
    return ordered[int(rank) - 1]


def _page_figures(rows: list, seconds: float) -> dict:
    times = sorted(r[3] for r in rows)
    return {
        "requests": len(rows),
        "per_s": round(len(rows) / seconds, 2) if seconds else None,
        "errors": sum(1 for r in rows if r[4]),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(times[-1], 1) if times else None,
    }


def statistics_of(samples: dict) -> dict:
    """Per page and overall, for the whole run and for its steady part (after the last
    sign-in finished: the sign-ins of the ramp-up hash passwords, which is slow by design)."""
    rows = samples["samples"]
    marks = samples["marks"]
    started, stopped = marks.get("started"), marks.get("stopped")
    seconds = (stopped - started) if started and stopped else None
    sign_ins = [r[0] + r[3] / 1000 for r in rows if r[1] == "sign-in POST"]
    steady_from = max(sign_ins) if sign_ins else started
    steady = [r for r in rows if r[0] >= steady_from]
    steady_seconds = (stopped - steady_from) if stopped and steady_from else None
    errors = Counter((r[1], r[4]) for r in rows if r[4])
    names = [*PAGES, *sorted({r[1] for r in rows} - set(PAGES))]
    return {
        "seconds": round(seconds, 1) if seconds else None,
        "spawned_after_s": round(marks["spawned"] - started, 1) if "spawned" in marks else None,
        "steady_from_s": round(steady_from - started, 1) if started and steady_from else None,
        "overall": _page_figures(rows, seconds),
        "pages": {
            name: _page_figures([r for r in rows if r[1] == name], seconds) for name in names
        },
        "steady_overall": _page_figures(steady, steady_seconds),
        "steady_pages": {
            name: _page_figures([r for r in steady if r[1] == name], steady_seconds)
            for name in names
        },
        "errors": [
            {"page": page, "error": error, "count": count}
            for (page, error), count in errors.most_common()
        ],
    }


def server_times(run_dir: Path, samples: dict) -> dict:
    """Per page: gunicorn's own time (its access log) and, request by request, the time at
    the user beyond it — the wait in the listen queue for a free worker, and loopback."""
    served: dict[str, float] = {}
    path = run_dir / "access.log"
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            _page, _status, micros, request_id = [*line.split("\t"), "", "", ""][:4]
            if request_id and micros.isdigit():
                served[request_id] = int(micros) / 1000
    per_page: dict[str, list[tuple[float, float]]] = {}
    for row in samples["samples"]:
        if len(row) > 5 and row[5] in served:
            inside = served[row[5]]
            per_page.setdefault(row[1], []).append((inside, max(0.0, row[3] - inside)))
    every = [pair for pairs in per_page.values() for pair in pairs]
    figures = {}
    for page, pairs in [*((p, per_page.get(p, [])) for p in PAGES), ("all pages", every)]:
        if not pairs:
            continue
        inside = sorted(i for i, _ in pairs)
        waits = sorted(w for _, w in pairs)
        total = sum(inside) + sum(waits)
        figures[page] = {
            "requests": len(pairs),
            "p50_ms": round(percentile(inside, 0.5), 1),
            "p95_ms": round(percentile(inside, 0.95), 1),
            "p99_ms": round(percentile(inside, 0.99), 1),
            "wait_p50_ms": round(percentile(waits, 0.5), 1),
            "wait_p95_ms": round(percentile(waits, 0.95), 1),
            "wait_share": round(sum(waits) / total, 3) if total else None,
        }
    return figures


BREAKDOWN_PAGES = ("organisation view", "department dashboard")


def breakdown(run_dir: Path, pages: tuple[str, ...] = BREAKDOWN_PAGES) -> dict:
    """Per page: what the usual request (at or below the median of its time in the worker) and
    the slow one (at or above the p95) spent their time on, from bench/load_breakdown.py's
    lines: means per request, so the two slices compare part by part."""
    lines = []
    for path in sorted(run_dir.glob("breakdown-*.jsonl")):
        for text in path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(text))
    figures: dict[str, dict] = {}
    for page in [*pages, "all pages"]:
        rows = sorted(
            (r for r in lines if page == "all pages" or r.get("page") == page),
            key=lambda r: r["wall_ms"],
        )
        if len(rows) < 20:
            continue
        walls = [r["wall_ms"] for r in rows]
        median, p95 = percentile(walls, 0.5), percentile(walls, 0.95)
        figures[page] = {
            "usual": _slice_means([r for r in rows if r["wall_ms"] <= median]),
            "slow": _slice_means([r for r in rows if r["wall_ms"] >= p95]),
        }
    return figures


def _slice_means(rows: list[dict]) -> dict:
    count = len(rows)

    def mean(values) -> float:
        return round(sum(values) / count, 1)

    return {
        "requests": count,
        "wall_ms": mean(r["wall_ms"] for r in rows),
        "cpu_ms": mean(r["cpu_ms"] for r in rows),
        "off_cpu_ms": mean(r["wall_ms"] - r["cpu_ms"] for r in rows),
        "preempted": mean(r["preempted"] for r in rows),
        "sql_ms": mean(r["sql_ms"] for r in rows),
        "sql": mean(r["sql"] for r in rows),
        "gc_ms": mean(r["gc_ms"] for r in rows),
        "gc_full_share": round(sum(1 for r in rows if r["gc_full"]) / count, 3),
        "parts_ms": {part: mean(r["parts"].get(part, [0, 0.0])[1] for r in rows) for part in TIMED},
        "decided": mean(r["parts"].get("deciding", [0, 0.0])[0] for r in rows),
    }


def timeline(samples: dict, watch: list[dict], every: float = 30) -> list[dict]:
    """Per ``every`` seconds of the load: requests/s, p50 and p95 of all pages, and the
    machine (1-minute load average, CPU busy) over the same stretch."""
    rows = samples["samples"]
    started = samples["marks"].get("started")
    if not rows or not started:
        return []
    windows = []
    end = max(r[0] for r in rows)
    at = started
    while at <= end:
        inside = sorted(r[3] for r in rows if at <= r[0] < at + every)
        machine = [w for w in watch if at < w["t"] <= at + every]
        busy = [w["cpu_busy"] for w in machine if w["cpu_busy"] is not None]
        if inside:
            windows.append(
                {
                    "from_s": round(at - started),
                    "per_s": round(len(inside) / every, 1),
                    "p50_ms": round(percentile(inside, 0.5), 1),
                    "p95_ms": round(percentile(inside, 0.95), 1),
                    "load1": round(machine[-1]["load"][0], 2) if machine else None,
                    "cpu_busy": round(statistics.mean(busy), 2) if busy else None,
                }
            )
        at += every
    return windows


# --- Targets and Markdown ------------------------------------------------------------------
def _missed(value: float, target: float, unit: str) -> str:
    return "met" if value <= target else f"missed by {value - target:,.1f} {unit}".rstrip()


def targets(result: dict) -> list[dict]:
    """Each target with its value and verdict, for the whole run and after the ramp-up
    ("steady": from the last sign-in on)."""
    spawned = result.get("spawned_after_s") is not None
    users_verdict = (
        "met"
        if result["users"] >= TARGET_USERS and spawned
        else f"missed by {TARGET_USERS - result['users']} users"
    )
    rows = [{"target": f"{TARGET_USERS} concurrent users", "value": f"{result['users']} users"}]
    rows[0].update(verdict=users_verdict, steady_value="", steady_verdict="")
    for page, figures in result["pages"].items():
        if not figures["requests"]:
            continue
        steady = result["steady_pages"].get(page, {})
        rows.append(
            {
                "target": f"{page}: p95 ≤ {TARGET_P95_MS} ms",
                "value": f"{figures['p95_ms']:,.1f} ms",
                "verdict": _missed(figures["p95_ms"], TARGET_P95_MS, "ms"),
                "steady_value": f"{steady['p95_ms']:,.1f} ms" if steady.get("requests") else "–",
                "steady_verdict": _missed(steady["p95_ms"], TARGET_P95_MS, "ms")
                if steady.get("requests")
                else "–",
            }
        )
    for key, label in (("overall", ""), ("steady_overall", "steady_")):
        errors = result[key]["errors"]
        value = f"{errors} of {result[key]['requests']:,} requests"
        verdict = "met" if errors == 0 else f"missed by {errors}"
        if not label:
            rows.append({"target": "0 errors", "value": value, "verdict": verdict})
        else:
            rows[-1].update(steady_value=value, steady_verdict=verdict)
    surveys = result["surveys"]
    once = surveys["due"] > 0 and surveys["lost"] == 0 and surveys["duplicates"] == 0
    rows.append(
        {
            "target": "every survey delivered once",
            "value": f"{surveys['delivered_once']} of {surveys['due']} once; "
            f"{surveys['lost']} lost, {surveys['duplicates']} duplicates",
            "verdict": "met"
            if once
            else ("not tested (no survey fell due)" if not surveys["due"] else "missed"),
            "steady_value": "",
            "steady_verdict": "",
        }
    )
    return rows


def _ms(value) -> str:
    return "–" if value is None or value != value else f"{value:,.0f}"


def _units(value, speed) -> str:
    return "–" if value is None or value != value else f"{value / speed:.1f}"


def _loadavg(values) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def web_workers_text(workers: int, threads: int = 1) -> str:
    """Gunicorn's workers as the report and the runner's log name them."""
    if threads > 1:
        return f"{workers} gthread workers × {threads} threads"
    return f"{workers} sync workers, one request each"


def render(result: dict) -> str:
    machine, speed = result["machine"], result["calibration"]["python_ms"]
    seed_info, surveys, during = result["seed"], result["surveys"], result["load_during"]
    web = web_workers_text(result["web_workers"], result.get("web_threads", 1))
    reused = "reused" if seed_info.get("reused") else f"seeded now in {seed_info['seconds']:.0f} s"
    users = ", ".join(f"{name} {n}" for name, n in sorted(result["locust_users"].items()))
    lines = [
        "# icsat load test",
        "",
        "Written by `bench/load.py` (see bench/README.md); do not edit by hand. The analysis",
        "at the end is bench/load_analysis.md, written by a person from this run's figures.",
        "",
        "## The run",
        "",
        f"- Machine: {machine['cpu']}, {machine['nproc']} cores, {machine['memory_gb']} GB; "
        f"Python {machine['python']}. Shared: other work ran on it too (see the load average).",
        f"- Stack, all on loopback: gunicorn with {web} "
        "(`--no-control-socket`), production settings (`icsat.settings`, DEBUG off, plain http: "
        "no HTTPS redirect, cookies not Secure-only, via the environment), 2 Celery worker "
        "processes × 2 threads and beat, PostgreSQL, Redis, the project's SMTP sink.",
        _code_line(result.get("code")),
        f"- Database `{result['db']}`: {seed_info['tickets']:,} tickets from bench/seed.py "
        f"({reused}). For the run every survey asks at once and after every resolve "
        "(delay 0, no 'asked recently' rule); the seed's values were put back afterwards.",
        f"- Users: {result['users']} (locust {_locust_version()}, headless, FastHttpUser), "
        "started at "
        f"{result['spawn_rate']:g}/s: all running after {result['spawned_after_s']} s, the last "
        f"sign-in done at {result['steady_from_s']} s; {result['seconds']} s of load; think time "
        f"{result['think_seconds'][0]:g}–{result['think_seconds'][1]:g} s between pages. "
        f"Users by kind: {users}.",
        f"- Load average (1/5/15 min): before {_loadavg(result['load_before'])}; during the load "
        f"the 1-minute average was {during['load1_mean']} on average and {during['load1_max']} "
        f"at most (machine CPU busy {during['cpu_busy_mean']:.0%} on average); at the end of the "
        f"load {_loadavg(during['at_end'])}; after everything stopped "
        f"{_loadavg(result['load_after'])}.",
        "- CPU seconds used during the load: "
        + ", ".join(f"{name} {s}" for name, s in result["cpu_seconds"].items())
        + ".",
        f"- Machine speed check (bench/run.py: a pure-Python loop; 200 × `SELECT 1`), before → "
        f"after: {speed:.1f} → {result['calibration_after']['python_ms']:.1f} ms and "
        f"{result['calibration']['select1_ms']:.1f} → "
        f"{result['calibration_after']['select1_ms']:.1f} ms. 'In speed-check units' below is a "
        "time divided by the loop's time before the run.",
        "- Phases of the run (s): "
        + ", ".join(f"{name} {s:g}" for name, s in result["phases_s"].items())
        + f"; process groups left after stopping: {result['orphan_process_groups']}.",
        "",
        "## Targets",
        "",
        "The p95 verdicts for the whole run, and after the ramp-up (from the last sign-in: "
        "see the pages after the ramp-up below).",
        "",
        "| target | whole run | verdict | after the ramp-up | verdict |",
        "|---|---|---|---|---|",
        *(
            f"| {t['target']} | {t['value']} | {t['verdict']} | {t['steady_value']} "
            f"| {t['steady_verdict']} |"
            for t in result["targets"]
        ),
        "",
        "## Pages, the whole run",
        "",
        "Milliseconds from the request sent to the whole answer read, at the locust user; "
        "percentiles by nearest rank over every request of the page.",
        "",
        "| page | requests | per s | errors | p50 | p95 | p99 | max | p95 in speed-check units |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name, f):
        return (
            f"| {name} | {f['requests']:,} | {f['per_s'] or 0:.2f} | {f['errors']} | "
            f"{_ms(f['p50_ms'])} | {_ms(f['p95_ms'])} | {_ms(f['p99_ms'])} | {_ms(f['max_ms'])} "
            f"| {_units(f['p95_ms'], speed)} |"
        )

    lines += [row(name, f) for name, f in result["pages"].items()]
    lines += [
        row("**all pages**", result["overall"]),
        "",
        f"## Pages after the ramp-up (from {result['steady_from_s']} s, the last sign-in)",
        "",
        "| page | requests | per s | errors | p50 | p95 | p99 | max | p95 in speed-check units |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(name, f) for name, f in result["steady_pages"].items() if f["requests"]]
    lines += [row("**all pages**", result["steady_overall"])]
    if result.get("server_pages"):
        lines += [
            "",
            "## Where a request's time was spent: in gunicorn, or waiting for it",
            "",
            "Gunicorn's own time for each request (its access log, `%(D)s`: from the worker "
            "taking the request to the answer written, matched to the user's request by an id "
            "header) and the rest of the time at the user: the wait in the listen queue for a "
            f"free worker ({web}) and loopback.",
            "",
            "| page | in gunicorn p50 | p95 | p99 | waiting p50 | waiting p95 "
            "| share of all the page's time spent waiting |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for page, f in result["server_pages"].items():
            share = f"{f['wait_share']:.0%}" if f["wait_share"] is not None else "–"
            lines.append(
                f"| {page} | {_ms(f['p50_ms'])} | {_ms(f['p95_ms'])} | {_ms(f['p99_ms'])} "
                f"| {_ms(f['wait_p50_ms'])} | {_ms(f['wait_p95_ms'])} | {share} |"
            )
    if result.get("breakdown"):
        lines += [
            "",
            "## Inside gunicorn: where the usual and the slow requests' time went",
            "",
            "Each request's time in its worker (bench/load_breakdown.py's gunicorn hooks), split "
            "into the worker's CPU and the rest (waiting for the database's answers, or for a "
            "core: *preempted* is how often the kernel took the core away mid-request); the SQL "
            "statements' time at the client; the collector's passes; and parts of the dashboards' "
            "work (*deciding* the hidden cells, inside *decisions shared*; the *answer rows* read; "
            "the *medians*; *rendering* the templates). Means per request of the usual requests "
            "(at or below the page's median time in the worker) and of the slow ones (at or "
            "above its p95).",
            "",
            "| page | requests | time in worker | CPU | not on CPU | preempted | SQL (statements) "
            "| collector (share with a full pass) | "
            + " | ".join(f"{part} (departments)" if part == "deciding" else part for part in TIMED)
            + " |",
            "|---|" + "---:|" * (7 + len(TIMED)),
        ]
        for page, slices in result["breakdown"].items():
            for label, f in (("usual", slices["usual"]), ("slow", slices["slow"])):
                parts = {part: _ms(ms) for part, ms in f["parts_ms"].items()}
                parts["deciding"] += f" ({f['decided']})"
                lines.append(
                    f"| {page}, {label} | {f['requests']:,} | {_ms(f['wall_ms'])} "
                    f"| {_ms(f['cpu_ms'])} | {_ms(f['off_cpu_ms'])} | {f['preempted']} "
                    f"| {_ms(f['sql_ms'])} ({f['sql']}) | {_ms(f['gc_ms'])} "
                    f"({f['gc_full_share']:.0%}) | " + " | ".join(parts.values()) + " |"
                )
    if result.get("timeline"):
        lines += [
            "",
            "## Over time",
            "",
            "Every 30 s of the load: requests per second and all pages' p50/p95 at the user, "
            "with the machine's 1-minute load average at the end of the stretch and its CPU busy "
            "share (every process on the machine, this run's and others').",
            "",
            "| from (s) | requests/s | p50 | p95 | load average (1 min) | CPU busy |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for w in result["timeline"]:
            busy = f"{w['cpu_busy']:.0%}" if w["cpu_busy"] is not None else "–"
            lines.append(
                f"| {w['from_s']} | {w['per_s']} | {_ms(w['p50_ms'])} | {_ms(w['p95_ms'])} "
                f"| {w['load1'] if w['load1'] is not None else '–'} | {busy} |"
            )
    lines += ["", "## Errors", ""]
    if result["errors"]:
        lines += [f"- {e['page']}: {e['error']} (× {e['count']})" for e in result["errors"]]
    else:
        lines.append("None: every request got the status its page should answer.")
    if result["log_errors"]:
        lines += ["", "In the logs of the stack (the first of each):", ""]
        for name, found in result["log_errors"].items():
            lines.append(f"- {name}: {found['tracebacks']} traceback(s)")
            lines += ["", "```", *(block for block in found["first"]), "```", ""]
    else:
        lines += ["", "No traceback or ERROR line in the logs of gunicorn, the workers or beat."]
    latency = surveys["resolve_to_email_s"]
    lines += [
        "",
        "## Surveys: every resolve's survey delivered once",
        "",
        f"- Tickets resolved in the run: {surveys['tickets_resolved']}; invitations: "
        f"{surveys['invitations']}; resolved without one: "
        f"{surveys['resolved_without_invitation'] or 'none'}.",
        f"- Fell due: {surveys['due']}; survey e-mail exactly once at the sink: "
        f"{surveys['delivered_once']}; lost: {surveys['lost']}"
        + (f" ({', '.join(surveys['lost_references'])})" if surveys["lost"] else "")
        + f"; duplicates: {surveys['duplicates']}"
        + (f" ({', '.join(surveys['duplicate_references'])})" if surveys["duplicates"] else "")
        + ".",
        f"- Invitation statuses at the check: {surveys['statuses']}.",
        f"- The workers drained in {surveys['grace']['seconds']} s after the load stopped "
        f"(limit {surveys['grace']['limit']:.0f} s), then "
        f"{surveys['grace']['duplicate_wait']:g} s more for late duplicates.",
        "- Resolve → survey e-mail at the sink: "
        + (
            f"p50 {latency['p50']} s, p95 {latency['p95']} s, max {latency['max']} s."
            if latency
            else "none arrived."
        ),
        f"- Other survey e-mails (the seed's own invitations that fell due): "
        f"{surveys['other_survey_emails']}; all e-mails at the sink: "
        f"{result['emails_at_sink']:,}.",
    ]
    if result.get("unloaded"):
        missed = {
            t["target"].split(": p95")[0] for t in result["targets"] if "missed" in t["verdict"]
        }
        lines += [
            "",
            "## Each page unloaded",
            "",
            "After the run, in the runner's process through Django's test client (production "
            "settings, the stack stopped): median of 10 after 2 warm-ups; SQL is the time of "
            "the page's queries, the rest is Python (views, forms, templates). IT's pages, "
            "12 months on the dashboards, the busiest requester.",
            "",
            "| page | unloaded median | SQL queries | SQL | the rest | loaded p95 ÷ unloaded |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for page, f in result["unloaded"].items():
            loaded = result["pages"].get(page, {}).get("p95_ms")
            ratio = f"{loaded / f['median_ms']:.1f}×" if loaded and f["median_ms"] else "–"
            lines.append(
                f"| {page} | {f['median_ms']:,.1f} | {f['queries']} | {f['sql_ms']:,.1f} | "
                f"{f['rest_ms']:,.1f} | {ratio} |"
            )
        hot = [(page, f) for page, f in result["unloaded"].items() if page in missed]
        hot = [(page, f) for page, f in hot if f["hot_spots"]]
        if hot:
            lines += [
                "",
                "Where the time goes in the pages that missed their target: the project's "
                "functions that take the most of one request under cProfile (cumulative, "
                "leaving out what wraps the whole request; cProfile slows Python down, so "
                "the shares matter more than the milliseconds).",
                "",
            ]
            for page, f in hot:
                spots = "; ".join(f"`{s['function']}` {s['share']:.0%}" for s in f["hot_spots"])
                lines.append(f"- {page}: {spots}")
    return "\n".join(lines) + "\n"


def _code_line(code: dict | None) -> str:
    if not code:
        return "- Code: not recorded."
    changed = code["changed"]
    beside = (
        f", with {len(changed)} file(s) changed in the working tree: "
        + ", ".join(f"`{name}`" for name in changed)
        if changed
        else ", nothing changed in the working tree"
    )
    return f"- Code: commit {code['commit']}{beside}."


def _locust_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("locust")
    except PackageNotFoundError:
        return "?"


def render_summary(result: dict) -> str:
    overall = result["overall"]
    lines = [
        f"{result['users']} users, {result['seconds']} s: {overall['requests']:,} requests, "
        f"{overall['per_s']} /s, p50/p95/p99 {overall['p50_ms']}/{overall['p95_ms']}/"
        f"{overall['p99_ms']} ms, {overall['errors']} errors",
        *(f"  {t['target']}: {t['value']} — {t['verdict']}" for t in result["targets"]),
    ]
    return "\n".join(lines)
