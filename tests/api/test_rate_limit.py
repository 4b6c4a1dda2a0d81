"""Rate limits per token: past PALERMO_API_RATE_LIMIT requests in a window, 429 with
Retry-After; other tokens and the next window are not affected."""

import datetime as dt

import pytest

from palermo.accounts.models import ApiToken
from palermo.api.errors import RateLimited
from palermo.api.ratelimit import rate_limit_hit
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db


def test_the_request_after_the_limit_is_429_with_retry_after(world, settings):
    settings.PALERMO_API_RATE_LIMIT = 3
    settings.PALERMO_API_RATE_WINDOW_SECONDS = 3600
    api = Api(world.responder)
    for _ in range(3):
        assert api.get("/cases").status_code == 200
    resp = api.get("/cases")
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(resp["Retry-After"]) <= 3600
    # another token (even the same user's) has its own count
    assert Api(world.responder).get("/cases").status_code == 200


def test_the_next_window_starts_afresh(world, settings):
    settings.PALERMO_API_RATE_LIMIT = 2
    settings.PALERMO_API_RATE_WINDOW_SECONDS = 60
    token, _ = ApiToken.issue(world.responder)
    now = dt.datetime(2026, 12, 2, 9, 0, 10, tzinfo=dt.UTC)
    rate_limit_hit(token=token, now=now)
    rate_limit_hit(token=token, now=now)
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(token=token, now=now)
    assert refused.value.retry_after == 50
    rate_limit_hit(token=token, now=now + dt.timedelta(seconds=50))


def test_zero_turns_the_limit_off(world, settings):
    settings.PALERMO_API_RATE_LIMIT = 0
    token, _ = ApiToken.issue(world.responder)
    for _ in range(5):
        rate_limit_hit(token=token)
