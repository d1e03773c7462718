"""Gunicorn hooks for the load test: where each request's time in its worker went.

Loaded with ``gunicorn -c bench/load_breakdown.py`` by bench/load_stack.py (never by the
deployed app). For every request a worker serves it appends one JSON line to
``$ICSAT_LOAD_BREAKDOWN_DIR/breakdown-<pid>.jsonl``: the load test's request id; the wall
time and the CPU time of the worker process while serving it (the difference is time the
process waited: for the database, or for a core on a busy host); ``preempted``, the times the
kernel took its core away mid-request (this kernel keeps no run-queue times); the collector's
passes that fell in it; the SQL statements and their time; and a few named parts of the
dashboards' work, timed by wrapping their functions (nested parts overlap: ``decisions
shared`` includes ``deciding``).
"""

import gc
import json
import os
import resource
import sys
import time

# What is timed, by name, in LOAD.md's column order: (module, function). Every module of the
# project that bound the function under the same name gets the wrapper, so calls through
# ``from x import f`` count.
TIMED = {
    "deciding": ("insights.scorecards.protection", "_protect_answers"),
    "decisions shared": ("insights.scorecards.shared_decisions", "shared_each"),
    "answer rows": ("insights.scorecards.survey_counts", "entries"),
    "medians": ("insights.selectors.medians", "resolution_median_estimates"),
    "rendering": ("django.template.backends.django", "Template.render"),
}

_state: dict = {"installed": False, "gc_ms": 0.0, "gc_full": 0, "gc_started": 0.0}
_parts: dict[str, list] = {}
_sql = [0, 0.0]


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _state["gc_started"] = time.perf_counter()
    else:
        _state["gc_ms"] += (time.perf_counter() - _state["gc_started"]) * 1000
        if info.get("generation") == 2:
            _state["gc_full"] += 1


def _timed(name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            part = _parts.setdefault(name, [0, 0.0])
            part[0] += 1
            part[1] += (time.perf_counter() - started) * 1000

    wrapper.__wrapped__ = function
    return wrapper


def _count_sql(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _sql[0] += 1
        _sql[1] += (time.perf_counter() - started) * 1000


def _install() -> None:
    import importlib

    from django.db import connection

    for name, (module_name, attribute) in TIMED.items():
        module = importlib.import_module(module_name)
        owner_name, _, function_name = attribute.rpartition(".")
        if owner_name:
            owner = getattr(module, owner_name)
            setattr(owner, function_name, _timed(name, getattr(owner, function_name)))
            continue
        original = getattr(module, function_name)
        wrapper = _timed(name, original)
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").startswith(("insights", "requests_app", "surveys")):
                for key, value in list(vars(loaded).items()):
                    if value is original:
                        setattr(loaded, key, wrapper)
    connection.execute_wrappers.append(_count_sql)
    gc.callbacks.append(_on_gc)
    _state["installed"] = True
    _state["file"] = open(  # noqa: SIM115 (open for the worker's life, closed at its exit)
        os.path.join(os.environ["ICSAT_LOAD_BREAKDOWN_DIR"], f"breakdown-{os.getpid()}.jsonl"),
        "a",
        buffering=1,
    )


def pre_request(worker, req):
    if not _state["installed"]:
        _install()
    _parts.clear()
    _sql[:] = [0, 0.0]
    _state.update(gc_ms=0.0, gc_full=0)
    _state["wall"] = time.perf_counter()
    _state["cpu"] = time.process_time()
    _state["preempted"] = resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw


def post_request(worker, req, environ, resp):
    wall_ms = (time.perf_counter() - _state["wall"]) * 1000
    cpu_ms = (time.process_time() - _state["cpu"]) * 1000
    preempted = resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw - _state["preempted"]
    headers = dict(req.headers)
    line = {
        "request": headers.get("X-LOAD-REQUEST", ""),
        "page": headers.get("X-LOAD-PAGE", ""),
        "pid": os.getpid(),
        "wall_ms": round(wall_ms, 2),
        "cpu_ms": round(cpu_ms, 2),
        "preempted": preempted,
        "gc_ms": round(_state["gc_ms"], 2),
        "gc_full": _state["gc_full"],
        "sql": _sql[0],
        "sql_ms": round(_sql[1], 2),
        "parts": {name: [calls, round(ms, 2)] for name, (calls, ms) in _parts.items()},
    }
    _state["file"].write(json.dumps(line) + "\n")
