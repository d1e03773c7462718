"""For the few reads written in SQL by hand (those a page asks on every view whose ORM
querysets took longer to build than the database took to answer them): the names they
use, and the values they read back as each database gives them."""

from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import Model


def quoted_names(model: type[Model]) -> dict[str, str]:
    """The model's columns by field name and its table under "table", quoted for the
    database: written from the model's metadata, so a renamed column is renamed here too."""
    quote = connection.ops.quote_name
    meta = model._meta
    names = {field.name: quote(field.column) for field in meta.concrete_fields if field.column}
    names["table"] = quote(meta.db_table)
    return names


def as_date(value) -> date:
    """A day as the database gives it from a statement written by hand: a date, a midnight
    (PostgreSQL's ``DATE_TRUNC``, in the connection's UTC) or ISO text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def as_moment(value) -> datetime:
    """A moment as the database gives it from a statement written by hand: aware
    (PostgreSQL) or naive UTC text (SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
