"""Bearer-token authentication for the API (``Authorization: Bearer plm_…``)."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from palermo.accounts.models import ApiToken
from palermo.api.ratelimit import rate_limit_hit


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        rate_limit_hit(token=found)  # 429 past the token's limit (palermo/api/ratelimit.py)
        return found.user
