"""The query planner's statistics, refreshed after a bulk write.

PostgreSQL plans each query from its statistics of each table (``pg_statistic``), which autovacuum
refreshes once enough rows have changed and its next round comes (a minute by default). Straight
after a national migration — a million referrals in one transaction — the statistics still
describe the tables as they were: the planner took an authority's 6,340 cases for 1, and the
case list's page query ran 18 ms instead of under 2 (``benchmarks/http_api.py --postgres``). So
the bulk writers ask for ``ANALYZE`` of what they wrote, once they have committed. SQLite's
planner needs no statistics to use its indexes; there ``PRAGMA optimize`` lets it gather any it
judges worth having.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

logger = logging.getLogger(__name__)

#: Rows written below which autovacuum's own round is soon enough.
BULK_ROWS = 1000


def planner_statistics_refresh(models) -> None:
    """Refresh the planner's statistics of ``models``' tables (and their history tables). Never
    raises: a write that committed is not undone by a failed ``ANALYZE`` (logged)."""
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            tables.append(history.model._meta.db_table)
    try:  # in a savepoint of its own when called inside a transaction: a failure there undoes nothing else
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in dict.fromkeys(tables)))
            elif connection.vendor == "sqlite":
                cur.execute("PRAGMA optimize")
    except Exception:  # noqa: BLE001 - statistics are an optimisation, the data is written
        logger.exception("Refreshing the planner's statistics after a bulk write failed")
