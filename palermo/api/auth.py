"""Bearer-token authentication for the API (``Authorization: Bearer plm_…``)."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from palermo.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user
