"""One open connection to the mail server per worker thread, instead of one per e-mail.

Opening an SMTP connection (TCP, greeting, EHLO, STARTTLS and login where configured) and
closing it cost more than sending a short message over it, so a worker thread keeps its
connection open between e-mails. It is opened again after an error, after ``IDLE_SECONDS``
without use (below the idle timeouts of common mail servers), and when the mail settings
changed. A server that dropped a connection while it sat idle refuses the next message
at its first command (MAIL FROM), before it received anything: that message is sent once
more over a new connection; any other error is the caller's, as before.
"""

import contextlib
import copy
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import mailers

IDLE_SECONDS = 20


class _ThreadConnection(threading.local):
    connection = None
    used_at = 0.0
    config = None


_state = _ThreadConnection()


def send_message(message) -> None:
    """Send one message over this thread's connection; raises what the backend raises."""
    reused = _open()
    try:
        _state.connection.send_messages([message])
    except smtplib.SMTPServerDisconnected:
        close()
        if not reused:
            raise
        _open()
        try:
            _state.connection.send_messages([message])
        except Exception:
            close()
            raise
    except Exception:
        close()
        raise
    _state.used_at = time.monotonic()


def _open() -> bool:
    """This thread's connection, open; True if it was open already."""
    config = settings.MAILERS
    if _state.connection is not None and (
        _state.config != config or time.monotonic() - _state.used_at > IDLE_SECONDS
    ):
        close()
    if _state.connection is not None:
        return True
    connection = mailers.default
    connection.open()
    _state.connection, _state.config = connection, copy.deepcopy(config)
    _state.used_at = time.monotonic()
    return False


def close() -> None:
    """Close this thread's connection, if any (errors closing it are of no interest)."""
    connection, _state.connection = _state.connection, None
    if connection is not None:
        with contextlib.suppress(Exception):  # already broken: nothing to tell
            connection.close()
