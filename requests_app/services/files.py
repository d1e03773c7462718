"""Storing uploaded files as attachments of a ticket."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile

from ..models import Attachment, Ticket, TicketEvent
from ..uploads import CheckedUpload

# A file as the form received it, paired with what check_upload found out.
UploadPair = tuple[UploadedFile, CheckedUpload]


def attachments_add(
    *, ticket: Ticket, event: TicketEvent | None, uploader, files: Iterable[UploadPair]
) -> list[Attachment]:
    """Store already-checked files on the ticket; call inside the change's transaction."""
    stored = []
    for uploaded, checked in files:
        uploaded.seek(0)
        attachment = Attachment(
            ticket=ticket,
            event=event,
            original_name=checked.name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
            uploaded_by=uploader,
        )
        attachment.file.save(checked.name, uploaded, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
