"""Child rows folded into one column of their parent's query.

``joined_rows`` is a correlated subquery in a list's page query that reads a few child rows of
each listed row (a referral's exploitation types), so the list reads them with its page rather
than in a query of their own: each query is a round trip, and on PostgreSQL a parse, plan and
execute on a server that shares the machine's cores with the workers (issue 12's HTTP
benchmark). It is SQL written once, not an ORM subquery: Django compiling a ``Subquery`` of a
``Concat`` of a ``Cast`` each time cost more CPU than the query it saved (measured with
``benchmarks/http_cpu.py``).

The rows come back as ``"<id>:<value>"`` pairs, split and put back in ``id`` order by
:func:`joined_values`: SQLite before 3.44 cannot order an aggregate's input.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL

SEPARATOR = "\x1f"  # ASCII unit separator: never in a code or an id


def joined_rows(model, *, on: str, outer, column: str) -> RawSQL:
    """An expression for the page query of ``outer``'s model: ``column`` of the rows of
    ``model`` whose ``on`` column equals the outer row's ``outer`` (a field of the query's base
    table, which Django never aliases), as one string for :func:`joined_values`; NULL when there
    are none."""
    qn = connection.ops.quote_name
    agg = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    c = "palermo_joined"
    sql = (f"(SELECT {agg}(CAST({c}.{qn(model._meta.pk.column)} AS TEXT) || ':' || {c}.{qn(column)}, %s) "
           f"FROM {qn(model._meta.db_table)} {c} "
           f"WHERE {c}.{qn(on)} = {qn(outer.model._meta.db_table)}.{qn(outer.column)})")
    return RawSQL(sql, [SEPARATOR], output_field=TextField())


def joined_values(joined: str | None) -> list[str]:
    """The values of a :func:`joined_rows` column, in the rows' ``id`` order."""
    if not joined:
        return []
    pairs = (p.split(":", 1) for p in joined.split(SEPARATOR))
    return [value for _, value in sorted(pairs, key=lambda p: int(p[0]))]
