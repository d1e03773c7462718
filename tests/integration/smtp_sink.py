"""A minimal SMTP server for the integration tests (aiosmtpd is not a dependency).

It speaks just enough SMTP for Django's SMTP backend (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT) and keeps every message whose DATA it accepted with a
final 250 in ``delivered``. It can hold the first message after its DATA has
arrived and before its 250, so a test can kill the sender in that window.

SMTP semantics the sink follows (RFC 5321): a mail transaction is complete
only when the server has received the whole DATA (up to the lone ".") AND
answered it with 250 — only then has the server taken responsibility for the
message, and only then does the client consider it sent. A connection that
closes before that is treated as RSET (§3.8): the pending transaction is
cancelled and nothing is delivered; a client that lost the connection treats
it as a temporary failure and must send again. So a message whose sender died
before the 250 was never delivered; it is kept in ``cut_off`` only so a test
can prove the kill really landed mid-send.
"""

import re
import select
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes = field(repr=False)

    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


def _address(command: str) -> str:
    match = re.search(r"<([^>]*)>", command)
    return match.group(1) if match else command.split(":", 1)[-1].strip()


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())
        self.wfile.flush()

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink
        try:
            self._session(sink)
        except OSError:
            return  # the client vanished mid-command: nothing pending survives

    def _session(self, sink: "SmtpSink") -> None:
        self.reply("220 sink ESMTP ready")
        mail_from, recipients = None, []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return  # closed without QUIT: as RSET, the pending transaction is dropped
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink", "250-8BITMIME", "250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                mail_from, recipients = _address(command), []
                self.reply("250 OK")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 MAIL first")
                    continue
                recipients.append(_address(command))
                self.reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("503 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data, complete = self._read_data()
                received = Received(mail_from, recipients, data)
                if not complete:
                    sink._record(sink.cut_off, received)
                    return
                hold = sink._take_hold(data)
                if hold and not self._client_stays(sink, hold):
                    # DATA arrived but the sender died before our 250: not delivered.
                    sink._record(sink.cut_off, received)
                    return
                sink._record(sink.delivered, received)
                self.reply("250 OK queued")
                mail_from, recipients = None, []
            elif verb == "RSET":
                mail_from, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> tuple[bytes, bool]:
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return b"".join(lines), False
            if line in (b".\r\n", b".\n"):
                return b"".join(lines), True
            lines.append(line[1:] if line.startswith(b"..") else line)

    def _client_stays(self, sink: "SmtpSink", seconds: float) -> bool:
        """Wait before the 250; False as soon as the client closes its end."""
        sink.holding.set()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not sink._stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if not readable:
                continue
            try:
                if not self.connection.recv(1, socket.MSG_PEEK):
                    return False
            except OSError:
                return False
            time.sleep(0.05)
        return True


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False


class SmtpSink:
    """``with SmtpSink(hold_first_seconds=30) as sink: ...`` on 127.0.0.1:``sink.port``.

    ``hold_matching=b"..."``: hold the first message whose data holds those bytes.
    """

    def __init__(self, *, hold_first_seconds: float = 0, hold_matching: bytes = b"", port: int = 0):
        self.hold_first_seconds = hold_first_seconds
        # Hold the first message whose data holds these bytes (any message when empty).
        self.hold_matching = hold_matching
        self.delivered: list[Received] = []
        self.cut_off: list[Received] = []
        self.holding = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._held = False
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def __enter__(self) -> "SmtpSink":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _take_hold(self, data: bytes) -> float:
        with self._lock:
            if self._held or not self.hold_first_seconds or self.hold_matching not in data:
                return 0
            self._held = True
            return self.hold_first_seconds

    def _record(self, into: list, received: Received) -> None:
        with self._lock:
            into.append(received)


class SilentSmtp:
    """A mail server that accepts connections and never says a word (not even its 220).

    ``with SilentSmtp() as silent: ...`` on 127.0.0.1:``silent.port``; ``connections``
    counts who knocked. A client waits until its own timeout, and nothing is delivered.
    """

    def __init__(self):
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0), reuse_port=False)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(connection)  # held open, silent, until the server stops

    def __enter__(self) -> "SilentSmtp":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for connection in self._open:
            connection.close()
        self._listener.close()
