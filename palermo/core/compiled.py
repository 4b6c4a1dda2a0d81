"""Querysets compiled to SQL once per shape, then run with each request's values.

Django builds and compiles a queryset's SQL anew on every request: for the API's case list that
was more CPU than the database spent answering it (issue 12's HTTP benchmark). A list's query
has few shapes (which filters are set, how many organisations the user's scope names), and
within a shape only the values change. :func:`compiled_values` builds the queryset once per
shape with *placeholder* values, compiles it, finds each placeholder among the compiled
parameters, and keeps the SQL; each later request puts its own values where the placeholders
were. The rows are converted as the ORM converts them (the compiler's own converters).

It refuses (returns None, and the caller uses the ORM as before) whenever it cannot prove the
substitution exact: a placeholder the compiled parameters do not hold as given (the ORM changed
the value, as ``icontains`` wraps it in ``%``), a placeholder in the SQL text itself, a query
Django finds empty, or a shape past :data:`MAX_SHAPES`. So a value can only ever stand where
the ORM itself put the value it replaces.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

#: Shapes kept per thread and kind of query; past this, new shapes use the ORM.
MAX_SHAPES = 512

_REFUSED = object()
_local = threading.local()
_counter = itertools.count(1)


@dataclass(frozen=True)
class Compiled:
    sql: str
    slots: tuple  # per parameter: (True, name, index) from the request's values, or (False, constant)
    names: tuple[str, ...]  # the result's columns
    converters: tuple  # (column, converters, expression), as the compiler applies them

    def params(self, values: dict) -> list:
        out = []
        for slot in self.slots:
            if slot[0]:
                value = values[slot[1]]
                out.append(value[slot[2]] if slot[2] is not None else value)
            else:
                out.append(slot[1])
        return out

    def page(self, values: dict, *, start: int, stop: int) -> list[dict]:
        """The rows from ``start`` to ``stop`` (as ``queryset[start:stop]``), as dicts."""
        with connection.cursor() as cur:
            cur.execute(f"{self.sql} LIMIT %s OFFSET %s", [*self.params(values), stop - start, start])
            return self.rows(cur)

    def count(self, values: dict) -> int:
        """How many rows the query selects (as ``queryset.count()``)."""
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM ({self.sql}) palermo_counted", self.params(values))
            return int(cur.fetchone()[0])

    def rows(self, cursor) -> list[dict]:
        found = cursor.fetchall()
        if self.converters:
            found = [list(row) for row in found]
            for row in found:
                for i, convs, expression in self.converters:
                    value = row[i]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[i] = value
        return [dict(zip(self.names, row, strict=True)) for row in found]


def _placeholder(value, name: str):
    """A value of the same type as ``value`` that no real value or constant equals."""
    n = next(_counter)
    if isinstance(value, bool):
        raise TypeError(f"{name}: a boolean changes a query's shape; put it in the key")
    if isinstance(value, int):
        return -(10**15) - n
    if isinstance(value, str):
        return f"\x00palermo-placeholder-{n}"
    raise TypeError(f"{name}: only strings and integers (or lists of them) can be placeholders")


def _compile(values: dict, build: Callable) -> Compiled | None:
    placeholders: dict = {}  # placeholder -> (name, index)
    stand_in = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            items = []
            for i, item in enumerate(value):
                p = _placeholder(item, name)
                placeholders[p] = (name, i)
                items.append(p)
            stand_in[name] = type(value)(items)
        else:
            p = _placeholder(value, name)
            placeholders[p] = (name, None)
            stand_in[name] = p
    built = build(stand_in)
    compiler = built.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    slots, seen = [], set()
    for param in params:
        try:
            hit = placeholders.get(param)
        except TypeError:  # unhashable: a constant
            hit = None
        if hit is not None:
            slots.append((True, *hit))
            seen.add(param)
        else:
            slots.append((False, param))
    if len(seen) != len(placeholders) or any(str(p) in sql for p in placeholders):
        return None
    query = built.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    if len(names) != len(compiler.select):
        return None
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    return Compiled(sql=sql, slots=tuple(slots), names=tuple(names),
                    converters=tuple((i, tuple(convs), expr) for i, (convs, expr) in converters.items()))


def compiled_values(kind: str, shape: tuple, values: dict, build: Callable) -> Compiled | None:
    """The SQL of ``build(values)`` (a ``.values()`` queryset, not sliced) for this ``shape``,
    compiled once per thread's connection; None when it cannot be (use the ORM).

    ``shape`` must hold everything that changes the query's structure but is not in ``values``
    (which filters are set, a boolean, the length of each list in ``values``); ``values`` holds
    only strings, integers and lists of them, each a value the ORM passes to the database
    unchanged."""
    shapes = _local.__dict__.setdefault("shapes", {})
    key = (kind, connection.vendor, shape, tuple((k, len(v) if isinstance(v, list | tuple) else None)
                                                 for k, v in sorted(values.items())))
    found = shapes.get(key)
    if found is None:
        if len(shapes) >= MAX_SHAPES:
            return None
        found = shapes[key] = _compile(values, build) or _REFUSED
    return None if found is _REFUSED else found
