"""Names for the few reads written in SQL by hand: those a page asks on every view whose
ORM querysets took longer to build than the database took to answer them."""

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
