"""The e-mails a browser test's worker wrote as .eml files, the links in them, and the
worker that writes them."""

import contextlib
import email
import re
import time
from email import policy
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.db import connection

from icsat.celery import app
from tests.queue import run_queued_tasks


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def mails_to(folder: Path, address: str) -> list[email.message.EmailMessage]:
    return [m for m in mails(folder) if address in m["To"]]


def wait_for_mail(folder: Path, address: str, subject_part: str, timeout=60.0):
    """The first e-mail to ``address`` whose subject holds ``subject_part``, once written.

    A minute: a worker on a loaded machine may take a while to start and send.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mails_to(folder, address):
            if subject_part in message["Subject"]:
                return message
        time.sleep(0.2)
    raise AssertionError(
        f"no e-mail to {address} about {subject_part!r} within {timeout} s; {_outbox_state()}"
    )


def _outbox_state() -> str:
    """What the database says about the e-mails and invitations, to tell a slow worker
    from a lost message or a failed send when a browser test waits in vain."""
    from outbox.models import Email
    from surveys.models import Invitation

    emails = list(Email.objects.values_list("pk", "template", "status", "attempts", "last_error"))
    invitations = list(Invitation.objects.values_list("pk", "status", "attempts", "last_error"))
    return f"e-mails: {emails}; invitations: {invitations}"


def survey_link(message, live_url: str) -> str:
    """The survey link of an invitation e-mail, on the live server."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    return live_url + re.search(r"http://testserver(/s/[A-Za-z0-9_-]{43}/)", body).group(1)


@contextlib.contextmanager
def celery_worker():
    """The worker's turn in a browser test, once the browser's writes are done.

    On PostgreSQL, a real worker in a thread of this process, with its own connection.
    On SQLite, this thread takes the worker's turn (tests/queue.py: the messages the
    pages published, from the real broker, run by the real tasks): the live server
    shares this thread's connection to the in-memory test database, and a worker
    thread's second connection meets SQLite's table locks ("database table is locked")
    whenever that connection is mid-transaction, which made the journeys flaky under
    load. The worker process itself is tested on PostgreSQL + Redis (tests/integration).
    """
    if connection.vendor == "sqlite":
        run_queued_tasks()
        yield None
        return
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker
