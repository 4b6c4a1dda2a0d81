"""Rate limits per API token: ``PALERMO_API_RATE_LIMIT`` requests in each fixed window of
``PALERMO_API_RATE_WINDOW_SECONDS`` (600 in 60 seconds by default), then 429 with
``Retry-After`` (seconds to the next window).

The counter is a database row per token and window (``api.RateWindow``), incremented with one
``UPDATE … SET count = count + 1 … RETURNING count``: every worker process and every server counts in the same
place, and increments never get lost (a cache's get-then-set could). Django's local-memory cache
would count per process; the database cache has no atomic increment either. The cost is one
small write statement per request.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from palermo.api.errors import RateLimited
from palermo.api.models import RateWindow


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "PALERMO_API_RATE_LIMIT", 600)),
            int(getattr(settings, "PALERMO_API_RATE_WINDOW_SECONDS", 60)))


def _increment(token_id: int, start: dt.datetime) -> int | None:
    """``count + 1`` on the token's row for the window, in one statement; the new count, or None
    when there is no row yet. ``UPDATE … RETURNING`` (SQLite ≥ 3.35, PostgreSQL) is one round
    trip and, on SQLite, one short hold of the write lock: the get-or-create, update and re-read
    this replaced were three statements in a transaction on every API request (issue 12's read
    benchmark)."""
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET count = count + 1 WHERE token_id = %s AND window_start = %s RETURNING count",
                    [token_id, connection.ops.adapt_datetimefield_value(start)])
        row = cur.fetchone()
    return None if row is None else int(row[0])


def rate_limit_hit(*, token, now: dt.datetime | None = None) -> None:
    """Count one request for ``token``; raise ``RateLimited`` past the limit."""
    limit, window = _limits()
    if limit <= 0:
        return  # 0 turns the limit off
    now = now or timezone.now()
    start = dt.datetime.fromtimestamp(math.floor(now.timestamp() / window) * window, tz=dt.UTC)
    count = _increment(token.pk, start)
    if count is None:  # the window's first request: its row, and the token's older windows go
        try:
            with transaction.atomic():
                RateWindow.objects.create(token_id=token.pk, window_start=start, count=1)
                RateWindow.objects.filter(token_id=token.pk, window_start__lt=start).delete()
            count = 1
        except IntegrityError:  # another worker made the row first: count on it
            count = _increment(token.pk, start) or 1
    if count > limit:
        retry_after = max(1, math.ceil((start + dt.timedelta(seconds=window) - now).total_seconds()))
        raise RateLimited(f"More than {limit} requests in {window} seconds with this token: "
                          f"try again in {retry_after} seconds", retry_after=retry_after)
