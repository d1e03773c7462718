"""What the audit tests read back from the log."""

from audit.models import AuditEntry


def only_entry(**filters) -> AuditEntry:
    """The one audit row matching ``filters``; fails if there are none or more."""
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def identity(entry: AuditEntry) -> tuple:
    """Who did which kind of change to what: (kind, actor, object type, object id)."""
    return (entry.kind, entry.actor, entry.object_type, entry.object_id)
