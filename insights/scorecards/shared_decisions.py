"""Decisions about a department's survey counts shared by every web process through the
site's cache (``settings.CACHES``: Redis when there is one, else files under var/).

Each process keeps what it decided under the department's stamps (``survey_counts``). But
after an answer every web process would decide the department's hidden cells again from
the same rows, the dearest part of a dashboard. So the first to decide puts its decision
in the cache and the others read it.

The cache key is a digest of the rows the decision was made from, of everything else it
depends on and of the code that decides; not the stamps. A database that is recreated or
restored from a backup starts its stamps again, but equal digests mean equal rows, so a
process only ever reads the decision of exactly the rows it holds.
"""

import functools
import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Long enough for every web process to read a decision after an answer (or after a
# restart), short enough that a busy site's decisions do not pile up in Redis.
TIMEOUT = 3600
# After the cache fails, this process decides alone for a while rather than wait on a
# down or hanging cache at every page.
PAUSE_AFTER_FAILURE = 30.0
_PREFIX = "insights:decided:"

_paused_until = 0.0
_pause_lock = threading.Lock()


def shared_each[K, T](
    rows: Mapping[K, object], depends_on: tuple, decide: Callable[[object], T]
) -> dict[K, T]:
    """``decide(rows[name])`` for each name, a pure function of those rows and of
    ``depends_on`` (plain values with a stable ``repr``: dates, strings, numbers), as any
    web process decided it: read from the cache when one already did, else decided here
    and put there. One round trip to the cache to read and one to write, however many."""
    keys = {name: cache_key(one, depends_on) for name, one in rows.items()}
    found = _get_many(set(keys.values()))
    out: dict[K, T] = {}
    new: dict[str, T] = {}
    for name, key in keys.items():
        value = found.get(key, new.get(key))
        if value is None:
            value = new[key] = decide(rows[name])
        out[name] = value
    if new:
        _set_many(new)
    return out


def cache_key(rows: object, depends_on: tuple) -> str:
    digest = hashlib.sha256(_code_digest())
    digest.update(repr(depends_on).encode())
    # Equal rows read the same way pickle to equal bytes. Rows that are equal but built
    # apart (kept and read again, added in another order) may not: then a process decides
    # for itself, which is slower but never wrong.
    digest.update(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    return _PREFIX + digest.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    """The insights code's: a process of another release never reads this one's decisions
    (its classes may differ, or what it hides)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "migrations" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.digest()


def _get_many(keys: set[str]) -> dict:
    if _paused() or not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:  # any failure of an optional cache: decide here instead
        _pause("read")
        return {}


def _set_many(values: dict) -> None:
    if _paused():
        return
    try:
        cache.set_many(values, TIMEOUT)
    except Exception:  # as in _get_many
        _pause("write")


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause(what: str) -> None:
    global _paused_until
    with _pause_lock:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
    logger.warning(
        "Could not %s shared decisions in the cache; deciding in this process for %d s",
        what,
        PAUSE_AFTER_FAILURE,
        exc_info=True,
    )
