"""The cost of a page of ``GET /api/v1/cases`` does not grow with the page (issue 12's read
benchmark): a fixed number of queries whatever the page size or the number of cases, and the
rate limit counted in one statement. Counts, never times."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from palermo.accounts.models import ApiToken
from palermo.api import ratelimit
from palermo.api.models import RateWindow
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db


class Queries:
    """Every statement run inside the block. An execute wrapper, not ``CaptureQueriesContext``:
    the test client's ``request_started`` signal empties ``connection.queries``."""

    def __enter__(self):
        self.sql: list[str] = []
        self._cm = connection.execute_wrapper(self._wrap)
        self._cm.__enter__()
        return self

    def _wrap(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)

    def __len__(self):
        return len(self.sql)


def _page_queries(api, **params) -> list[str]:
    api.get("/cases", page_size=1)  # the token's first use and the rate window's first row are behind us
    with Queries() as q:
        resp = api.get("/cases", **params)
    assert resp.status_code == 200, resp.content
    return q.sql


def test_a_page_costs_the_same_queries_whatever_its_size(world):
    for i in range(6):
        world.case(exploitation_types=["labour", "sexual"] if i % 2 else ["criminal"])
    api = Api(world.decider)
    small = _page_queries(api, page_size=1)
    large = _page_queries(api, page_size=50)
    assert len(api.get("/cases", page_size=50).json()["items"]) == 6
    assert len(small) == len(large), "\n".join(large)
    # the token with the user's roles, the rate limit, the page with its exploitation types, the count
    assert len(large) <= 4, "\n".join(large)
    filtered = _page_queries(api, page_size=50, nation="england", age_group="adult", status="referred")
    assert len(filtered) == len(large)


def test_more_cases_cost_no_more_queries(world):
    world.case()
    api = Api(world.decider)
    one = _page_queries(api, page_size=50)
    for _ in range(5):
        world.case(exploitation_types=["labour", "sexual"])
    assert len(_page_queries(api, page_size=50)) == len(one)


def test_the_rate_limit_counts_a_request_in_one_statement(world):
    api = Api(world.responder)
    api.get("/cases")
    with Queries() as q:
        assert api.get("/cases").status_code == 200
    on_windows = [s for s in q.sql if RateWindow._meta.db_table in s]
    assert len(on_windows) == 1 and on_windows[0].lstrip().upper().startswith("UPDATE"), on_windows
    assert RateWindow.objects.get().count == 2


def test_a_window_row_made_by_another_worker_first_is_counted_on(world, monkeypatch):
    """Two workers see no row for a new window; the second one's insert fails on the unique
    constraint and it counts on the first one's row: no request goes uncounted."""
    token, _ = ApiToken.issue(world.responder)
    now = dt.datetime(2026, 12, 2, 9, 0, 10, tzinfo=dt.UTC)
    ratelimit.rate_limit_hit(token=token, now=now)  # the other worker's row (count 1)
    real = ratelimit._increment
    calls = []

    def stale_first(token_id, start):
        calls.append(start)
        return None if len(calls) == 1 else real(token_id, start)  # it looked before the row existed

    monkeypatch.setattr(ratelimit, "_increment", stale_first)
    ratelimit.rate_limit_hit(token=token, now=now)
    assert len(calls) == 2
    assert RateWindow.objects.get(token=token).count == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint the fallback relies on
        RateWindow.objects.create(token=token, window_start=calls[0], count=1)
