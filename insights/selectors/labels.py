"""The names a department dashboard's breakdowns show, read in one statement.

Every view of the dashboard names the request types, the customer departments and the
agents of its breakdowns: three ORM querysets took longer to build than the database took
to answer them (~1 ms a view at 1M), so the three reads are one ``UNION ALL`` by hand.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model

from icsat.sql import quoted_names
from requests_app.content import translation_keys
from requests_app.models import Department, RequestType

# Each part's columns: the English name and its translations, or a person's three names.
_PERSON = ("first_name", "last_name", "username")


@dataclass(frozen=True)
class BreakdownLabels:
    """Rows by id: a request type's or department's name columns (``name``, ``name_es``,
    …, as ``requests_app.content.translated`` reads them); an agent's three names."""

    request_types: dict[int, dict[str, str]] = field(default_factory=dict)
    departments: dict[int, dict[str, str]] = field(default_factory=dict)
    agents: dict[int, dict[str, str]] = field(default_factory=dict)


def breakdown_labels(
    request_type_ids: list[int], department_ids: list[int], agent_ids: list[int]
) -> BreakdownLabels:
    """The labels of these request types, departments and agents: one query, none when
    all three are empty."""
    asked: list[tuple[type[Model], tuple[str, ...], list[int]]] = [
        (RequestType, translation_keys("name"), request_type_ids),
        (Department, translation_keys("name"), department_ids),
        (get_user_model(), _PERSON, agent_ids),
    ]
    parts = [(kind, model, columns, ids) for kind, (model, columns, ids) in enumerate(asked) if ids]
    if not parts:
        return BreakdownLabels()
    width = max(len(columns) for _kind, _model, columns, _ids in parts)
    statements, params = [], []
    for kind, model, columns, ids in parts:
        names = quoted_names(model)
        selected = [names[column] for column in columns] + ["NULL"] * (width - len(columns))
        placeholders = ", ".join(["%s"] * len(ids))
        statements.append(
            f"SELECT {kind}, {names['id']}, {', '.join(selected)} "  # noqa: S608 (names from the models)
            f"FROM {names['table']} WHERE {names['id']} IN ({placeholders})"
        )
        params += list(ids)
    found: list[dict[int, dict[str, str]]] = [{}, {}, {}]
    columns_of = {kind: columns for kind, _model, columns, _ids in parts}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        for kind, pk, *values in cursor.fetchall():
            found[kind][pk] = dict(zip(columns_of[kind], values, strict=False))
    return BreakdownLabels(request_types=found[0], departments=found[1], agents=found[2])
