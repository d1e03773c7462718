"""Adding to per-day rollup rows: atomic increments keyed by local day.

Every change is a set of increments (``+ n`` on conflict), so concurrent changes of one
department on one day never lose a count.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import IntegerField
from django.utils import timezone


def local_day(moment):
    return timezone.localdate(moment, timezone.get_default_timezone())


def monday_of(day):
    """The Monday that starts ``day``'s week: the ``day`` of its week rows."""
    return day - timedelta(days=day.weekday())


def month_of(day):
    """The first day of ``day``'s month: the ``day`` of its month rows."""
    return day.replace(day=1)


def bump(model, keys: dict, **deltas: int) -> None:
    """Add ``deltas`` to the row of ``model`` with ``keys``, creating it first if needed."""
    bump_many(model, [(keys, deltas)])


def bump_many(model, rows: list[tuple[dict, dict]]) -> None:
    """Add to many rows of ``model`` in one statement; ``rows`` are (keys, deltas) pairs.

    ``INSERT … ON CONFLICT (keys) DO UPDATE SET n = n + excluded.n`` (PostgreSQL, and
    SQLite since 3.24): each row is created at its deltas or added to, atomically, so
    concurrent changes never lose a count. Rows go in key order, so two transactions
    bumping the same rows never wait on each other in a circle.
    """
    rows = [(keys, deltas) for keys, deltas in rows if any(deltas.values())]
    if not rows:
        return
    rows.sort(key=lambda row: tuple(str(value) for value in row[0].values()))
    meta = model._meta
    quote = connection.ops.quote_name
    key_names = list(rows[0][0])
    counters = [
        field.name
        for field in meta.concrete_fields
        if isinstance(field, IntegerField)
        and not field.primary_key
        and not field.is_relation
        and field.name not in key_names
    ]
    columns = [meta.get_field(name).column for name in [*key_names, *counters]]
    params = []
    for keys, deltas in rows:
        params += [keys[name] for name in key_names]
        params += [deltas.get(name, 0) for name in counters]
    table = quote(meta.db_table)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    conflict = ", ".join(quote(meta.get_field(name).column) for name in key_names)
    add = ", ".join(
        f"{quote(column)} = {table}.{quote(column)} + excluded.{quote(column)}"
        for column in columns[len(key_names) :]
    )
    # Names come from the model's metadata, quoted by the backend; values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
        f"VALUES {', '.join([one_row] * len(rows))} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {add}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
