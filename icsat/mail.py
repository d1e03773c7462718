"""An e-mail backend that writes each message as one .eml file.

The default for development and demos: a person can open var/mail/*.eml in a
mail client or a text editor and see exactly what would have been sent.
"""

import threading
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def __init__(self, *, directory: str, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            tmp = self.directory / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes())
            # Rename, so a reader never sees a half-written message.
            tmp.rename(self.directory / name)
            sent += 1
        return sent
