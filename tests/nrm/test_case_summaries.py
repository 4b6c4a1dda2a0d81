"""The API's case list reads plain rows (``case_summaries``) instead of model instances, for speed
(issue 12's HTTP benchmark). It must answer exactly what ``case_summary`` answers for each case,
whatever the case's state, and lists must still hold each case once when filtered by an
exploitation type (an EXISTS, not a join, so no DISTINCT is needed)."""

import datetime as dt

import pytest
from django.utils import timezone

from palermo.nrm.presenters import case_summaries, case_summary
from palermo.nrm.selectors import CaseFilters, case_list_for_user
from tests.factories import referral_payload
from tests.nrm.test_api import Api

pytestmark = pytest.mark.django_db


def _cases(world):
    today = timezone.localdate()
    world.case(exploitation_types=["sexual", "labour", "criminal"])  # referred, three types, not in code order
    world.case(under_18="not_sure", age_at_exploitation="child", local_authority="HILLINGDON", consent="not_required")
    positive = world.case(received_on=(today - dt.timedelta(days=60)).isoformat())
    world.rg(positive)  # recovery period: a conclusive grounds decision possible from a date
    negative = world.case(exploitation_types=["criminal"])
    world.review(world.rg(negative, outcome="negative"))  # rg_negative: reconsideration window
    world.case(person={**referral_payload()["person"], "date_of_birth": None, "dob_precision": "unknown",
                       "claimed_age": 30})


def test_case_summaries_equal_case_summary_for_every_case(world):
    _cases(world)
    today = timezone.localdate()
    qs = case_list_for_user(user=world.decider)
    expected = [case_summary(c, today) for c in qs]
    assert len(expected) == 5
    assert {e["status"] for e in expected} >= {"referred", "recovery_period", "rg_negative"}
    assert case_summaries(qs, today) == expected
    assert case_summaries(qs, today, start=1, stop=3) == expected[1:3]


def test_filtering_by_exploitation_type_lists_each_case_once(world):
    world.case(exploitation_types=["labour", "sexual"])
    world.case(exploitation_types=["labour"])
    world.case(exploitation_types=["sexual"])
    qs = case_list_for_user(user=world.decider, filters=CaseFilters(exploitation_type="labour"))
    assert qs.count() == 2 and len(list(qs)) == 2
    body = Api(world.decider).get("/cases", exploitation_type="sexual").json()
    assert body["count"] == 2 and len({i["id"] for i in body["items"]}) == 2


def test_a_token_records_its_last_use_to_the_minute_without_writing_on_every_request(world):
    """The API's reads do not write: ``last_used_at`` is refreshed at most once a minute."""
    from palermo.accounts.models import ApiToken

    api = Api(world.decider)
    assert api.get("/cases").status_code == 200
    token = ApiToken.objects.get(user=world.decider)
    first = token.last_used_at
    assert first is not None
    assert api.get("/cases").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first  # not rewritten within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    assert api.get("/cases").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=2)
