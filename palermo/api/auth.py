"""Bearer-token authentication for the API (``Authorization: Bearer plm_…``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from palermo.accounts.models import ApiToken
from palermo.api.ratelimit import rate_limit_hit

# How stale ``last_used_at`` may get. Writing it on every request made every API read a write
# too: on SQLite each GET took the database's one write lock, serialising readers behind each
# other and behind real writes (issue 12's HTTP benchmark). A token's last use to the minute is
# all anyone needs (to spot and revoke tokens nobody uses).
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        rate_limit_hit(token=found)  # 429 past the token's limit (palermo/api/ratelimit.py)
        return found.user
