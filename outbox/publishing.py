"""Publishing a task without letting a down or hanging broker slow the request.

The database row is the truth and the dispatchers (beat, every 30–60 s) hand out every due
row nobody was asked to send, so a message is only a shortcut. A request (or a task) hands
its message to this process's publisher thread and waits at most
``ICSAT_BROKER_PUBLISH_WAIT`` seconds (50 ms in production) for the broker to take it; if it
takes longer, the caller is told False and leaves the row to the dispatcher. While the thread
is still busy with a message older than the wait (a hanging broker), later callers are told
False at once, without waiting; after the broker refused a message, nothing is tried for
``ICSAT_BROKER_RETRY_AFTER`` seconds. So an outage costs one request at most the wait, and the
others nothing. A message the thread publishes after its caller stopped waiting (a slow
first connection, say) only doubles the dispatcher's: every task claims its row before
sending, so nothing goes out twice.

The log says once that the broker refused (with the reason, no traceback) and once that it
takes messages again.

A change that asks for several tasks at once (a resolve: the requester's e-mail and the
survey invitation) publishes them after commit with ``publish_on_commit``: those due now
travel as one message (``outbox.tasks.run_messages``), which costs the request one publish
instead of one per task.
"""

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Messages waiting for the thread; more than this means the broker is not keeping up.
BACKLOG = 1000


@dataclass
class _Message:
    name: str
    kwargs: dict
    eta: datetime | None
    countdown: int | None
    done: Future = field(default_factory=Future)


class Publisher:
    def __init__(self) -> None:
        self._queue: queue.Queue[_Message] = queue.Queue(maxsize=BACKLOG)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._resting_until = 0.0  # monotonic: no message is tried before
        self._busy_since: float | None = None  # monotonic: the thread's message began
        self._down = False  # told the log the broker stopped answering

    def publish(self, name: str, kwargs: dict, *, eta=None, countdown=None) -> bool:
        """True when the broker took the message within the wait; False when the caller
        should leave its row to the dispatcher."""
        now, wait = time.monotonic(), settings.ICSAT_BROKER_PUBLISH_WAIT
        if now < self._resting_until:
            return False
        busy_since = self._busy_since
        if busy_since is not None and now - busy_since > wait:
            return False  # stuck on an earlier message: this one would wait behind it
        message = _Message(name, kwargs, eta, countdown)
        self._start()
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self._rest(f"more than {BACKLOG} messages wait for the broker")
            return False
        try:
            return message.done.result(timeout=wait)
        except FutureTimeout:
            return False

    def _start(self) -> None:
        with self._lock:
            # A forked worker (gunicorn, Celery's prefork) has no thread of its parent's.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="icsat-broker-publisher", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            self._busy_since = time.monotonic()
            try:
                # retry=False: a refused connection fails now, not after Celery's retries.
                current_app.send_task(
                    message.name,
                    kwargs=message.kwargs,
                    eta=message.eta,
                    countdown=message.countdown,
                    retry=False,
                )
            except Exception as error:  # the broker's errors are many kinds; all mean "later"
                message.done.set_result(False)
                self._rest(f"{type(error).__name__}: {error}")
            else:
                message.done.set_result(True)
                self._answered()
            finally:
                self._busy_since = None
                self._queue.task_done()

    def _rest(self, reason: str) -> None:
        with self._lock:
            self._resting_until = time.monotonic() + settings.ICSAT_BROKER_RETRY_AFTER
            if self._down:
                return
            self._down = True
        logger.warning(
            "The broker did not take a message (%s); due rows are left to the dispatcher "
            "and new messages wait %s s before the next try.",
            reason,
            settings.ICSAT_BROKER_RETRY_AFTER,
        )

    def _answered(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("The broker takes messages again.")

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every handed message was tried; False if still busy at ``timeout``."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def reset(self) -> None:
        """Forget an outage (tests that point the app at another broker)."""
        with self._lock:
            self._resting_until = 0.0
            self._down = False


publisher = Publisher()


def publish(name: str, kwargs: dict, *, eta=None, countdown=None) -> bool:
    """Publish task ``name`` by name (services sit below tasks and do not import them);
    see the module's docstring."""
    return publisher.publish(name, kwargs, eta=eta, countdown=countdown)


# The task that runs the messages one commit published together (outbox/tasks.py).
RUN_MESSAGES = "outbox.tasks.run_messages"


@dataclass
class _AfterCommit:
    name: str
    kwargs: dict
    eta: datetime | None
    refused: Callable[[], None]


class _CommitMessages:
    """The messages asked for inside one transaction, published when it commits."""

    def __init__(self, savepoints: list[str]) -> None:
        self.messages: list[_AfterCommit] = []
        self.savepoints = savepoints  # the (nested) atomic block that asked first
        self.published = False

    def publish(self) -> None:
        self.published = True
        now = timezone.now()
        due = [m for m in self.messages if m.eta is None or m.eta <= now]
        later = [m for m in self.messages if m.eta is not None and m.eta > now]
        if len(due) > 1:
            together = {"messages": [[m.name, m.kwargs] for m in due]}
            if not publisher.publish(RUN_MESSAGES, together):
                for message in due:
                    message.refused()
            due = []
        for message in due + later:
            if not publisher.publish(message.name, message.kwargs, eta=message.eta):
                message.refused()


_this_thread = threading.local()


def publish_on_commit(
    name: str, kwargs: dict, *, refused: Callable[[], None], eta: datetime | None = None
) -> None:
    """Publish task ``name`` once the current transaction commits (at once outside one),
    with the commit's other messages that are due now; ``refused()`` runs if the broker did
    not take it, to leave the caller's row to the dispatcher."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        if not publisher.publish(name, kwargs, eta=eta):
            refused()
        return
    pending: _CommitMessages | None = getattr(_this_thread, "pending", None)
    # Still this block's? A rolled-back transaction (or savepoint) drops its callback from
    # the connection's list, and its messages with it; another (nested) block gets its own,
    # as Django runs each block's callbacks (and tests capture them) apart.
    if (
        pending is None
        or pending.published
        or pending.savepoints != connection.savepoint_ids
        or not any(
            callback == pending.publish
            for _savepoints, callback, _robust in connection.run_on_commit
        )
    ):
        pending = _CommitMessages(list(connection.savepoint_ids))
        _this_thread.pending = pending
        transaction.on_commit(pending.publish, robust=True)
    pending.messages.append(_AfterCommit(name, kwargs, eta, refused))
