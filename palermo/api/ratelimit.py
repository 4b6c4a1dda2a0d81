"""Rate limits per API token: ``PALERMO_API_RATE_LIMIT`` requests in each fixed window of
``PALERMO_API_RATE_WINDOW_SECONDS`` (600 in 60 seconds by default), then 429 with
``Retry-After`` (seconds to the next window).

The counter is a database row per token and window (``api.RateWindow``), incremented with one
``UPDATE … SET count = count + 1``: every worker process and every server counts in the same
place, and increments never get lost (a cache's get-then-set could). Django's local-memory cache
would count per process; the database cache has no atomic increment either. The cost is one
small write per request, as ``ApiToken.last_used_at`` already is.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from palermo.api.errors import RateLimited
from palermo.api.models import RateWindow


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "PALERMO_API_RATE_LIMIT", 600)),
            int(getattr(settings, "PALERMO_API_RATE_WINDOW_SECONDS", 60)))


def rate_limit_hit(*, token, now: dt.datetime | None = None) -> None:
    """Count one request for ``token``; raise ``RateLimited`` past the limit."""
    limit, window = _limits()
    if limit <= 0:
        return  # 0 turns the limit off
    now = now or timezone.now()
    start = dt.datetime.fromtimestamp(math.floor(now.timestamp() / window) * window, tz=dt.UTC)
    with transaction.atomic():
        row, created = RateWindow.objects.get_or_create(token=token, window_start=start)
        if created:
            RateWindow.objects.filter(token=token, window_start__lt=start).delete()
        RateWindow.objects.filter(pk=row.pk).update(count=F("count") + 1)
        count = RateWindow.objects.values_list("count", flat=True).get(pk=row.pk)
    if count > limit:
        retry_after = max(1, math.ceil((start + dt.timedelta(seconds=window) - now).total_seconds()))
        raise RateLimited(f"More than {limit} requests in {window} seconds with this token: "
                          f"try again in {retry_after} seconds", retry_after=retry_after)
