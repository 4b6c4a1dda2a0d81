"""The case list's cost does not grow with the page: a fixed number of queries whatever the
number of cases, and no decryption of a value the list never shows (issue 12's hot path).
These count work, never time."""

import traceback

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.core import crypto
from tests.factories import referral_payload
from tests.nrm.test_api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def decryptions(monkeypatch):
    calls = []
    real = crypto.decrypt

    def counting(value, *a, **kw):
        stack = "".join(traceback.format_stack(limit=14))
        if "django_otp" not in stack:  # the signed-in user's own second-factor secret, once a request
            calls.append(stack)
        return real(value, *a, **kw)

    monkeypatch.setattr(crypto, "decrypt", counting)
    return calls


def _page(api, **params):
    with CaptureQueriesContext(connection) as q:
        r = api.get("/cases", page_size=50, **params)
    assert r.status_code == 200, r.content
    return r.json(), len(q.captured_queries)


def test_one_page_costs_the_same_queries_for_3_cases_as_for_12(world):
    api = Api(world.decider)
    api.get("/cases")  # the token's first use is written (then at most once a minute): not a list cost
    for _ in range(3):
        world.case(exploitation_types=["labour", "sexual"])
    body, few = _page(api)
    assert body["count"] == 3 and body["items"][0]["exploitation_types"] == ["labour", "sexual"]
    for _ in range(9):
        world.case()
    body, many = _page(api)
    assert body["count"] == 12
    assert many == few, f"{many} queries for 12 cases, {few} for 3: a query per case"


def test_a_page_decrypts_nothing_it_does_not_show(world, decryptions):
    for _ in range(5):
        world.case()
    body, _ = _page(Api(world.decider))
    assert len(body["items"]) == 5
    assert decryptions == [], f"{len(decryptions)} values decrypted for a list that shows none:\n{decryptions[0]}"


def test_the_caseload_page_and_the_export_decrypt_nothing_either(world, decryptions):
    from django.test import Client

    for _ in range(4):
        world.case()
    c = Client()
    c.force_login(world.decider)
    assert c.get("/cases/").status_code == 200
    r = Api(world.decider).get("/cases.csv")
    assert r.status_code == 200 and r.content.count(b"\n") == 5
    assert decryptions == [], "\n".join(decryptions)


def test_a_name_search_still_finds_the_case_and_the_case_page_still_reads_the_identity(world, decryptions):
    case = world.case()
    world.case(person={**referral_payload()["person"], "given_name": "Other", "family_name": "Person"})
    r = Api(world.decider).post("/cases/search", {"name": "Zorbina Quillfeather"})
    assert [i["id"] for i in r.json()["items"]] == [case.pk]
    assert decryptions == []
    r = Api(world.decider).get(f"/cases/{case.pk}")
    assert r.json()["person"]["identity"]["family_name"] == "Quillfeather"
