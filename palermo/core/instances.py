"""Model objects from the rows of a hand-written query, as the ORM's own query would make them.

For queries of a fixed shape on the hot path (the API token and its user's roles, read on
every API request): Django builds and compiles a queryset's SQL anew each time, which cost
more CPU than running it (issue 12's HTTP benchmark). The SQL is written once, from the
models' own table and column names; each value read goes through the same converters the ORM
applies (the database's, then the field's ``from_db_value``: dates on SQLite, decryption), and
the object is made with ``Model.from_db``, so it behaves like one the ORM loaded (saves update,
deferred fields load).
"""

from __future__ import annotations

import threading

from django.db import connection


class ModelColumns:
    """Every concrete column of ``model`` under the table alias ``alias``: ``sql`` for a SELECT
    list, and :meth:`instance` for the object made from those values in a row."""

    def __init__(self, model, alias: str):
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model = model
        self.width = len(fields)
        self.attnames = [f.attname for f in fields]
        self.sql = ", ".join(f"{qn(alias)}.{qn(f.column)}" for f in fields)
        self.converters = []
        for i, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((i, found, col))

    def instance(self, row, start: int = 0):
        """The object made from ``row[start:start + width]``."""
        values = list(row[start:start + self.width])
        for i, found, col in self.converters:
            value = values[i]
            for convert in found:
                value = convert(value, col, connection)
            values[i] = value
        return self.model.from_db(connection.alias, self.attnames, values)


_local = threading.local()


def columns(model, alias: str) -> ModelColumns:
    """The :class:`ModelColumns` of ``model`` for this thread's connection, made once (a
    converter may belong to the connection's own operations object)."""
    made = _local.__dict__.setdefault("columns", {})
    key = (model, alias, connection.vendor)
    if key not in made:
        made[key] = ModelColumns(model, alias)
    return made[key]
