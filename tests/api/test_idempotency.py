"""Idempotent writes: a retry with the same Idempotency-Key returns the first answer and
creates nothing; the same key with another request is refused."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from palermo.api.idempotency import idempotency_purge
from palermo.api.models import IdempotencyRecord
from palermo.core.models import AuditEvent
from palermo.nrm.models import Decision, Referral
from tests.api.helpers import Api
from tests.factories import referral_payload

pytestmark = pytest.mark.django_db
KEY = {"Idempotency-Key": "3f2c5a9e-1b7d-4c1e-9a51-0d7b2c6f8e11"}


def old(days):
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def test_a_retried_referral_returns_the_first_answer_and_refers_nobody_twice(world):
    api = Api(world.responder)
    first = api.post("/referrals", referral_payload(), headers=KEY)
    again = api.post("/referrals", referral_payload(), headers=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="api.idempotent_replay").count() == 1


def test_without_a_key_each_request_is_a_new_referral(world):
    api = Api(world.responder)
    api.post("/referrals", referral_payload())
    api.post("/referrals", referral_payload())
    assert Referral.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(world):
    api = Api(world.responder)
    assert api.post("/referrals", referral_payload(), headers=KEY).status_code == 201
    resp = api.post("/referrals", referral_payload(nation="wales"), headers=KEY)
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "idempotency_key_reused" and "different request" in err["message"]
    assert "Idempotency-Key" in err["fields"]
    assert Referral.objects.count() == 1


def test_keys_belong_to_one_user(world):
    """Another account's identical key is its own request."""
    Api(world.responder).post("/referrals", referral_payload(), headers=KEY)
    other = Api(world.responder_other).post("/referrals", referral_payload(), headers=KEY)
    assert other.status_code == 201
    assert Referral.objects.count() == 2


def test_every_token_of_one_user_shares_the_keys(world):
    """A partner that rotates its token between a request and its retry is still safe."""
    Api(world.responder).post("/referrals", referral_payload(), headers=KEY)
    assert Api(world.responder).post("/referrals", referral_payload(), headers=KEY).status_code == 201
    assert Referral.objects.count() == 1


def test_a_refused_request_keeps_no_key(world):
    """Only successful answers are kept: the retry of a refused request is tried afresh."""
    api = Api(world.decider)  # not a first responder: 403
    assert api.post("/referrals", referral_payload(), headers=KEY).status_code == 403
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_key_is_a_new_request_and_expired_keys_are_purged(world):
    api = Api(world.responder)
    api.post("/referrals", referral_payload(), headers=KEY)
    IdempotencyRecord.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.post("/referrals", referral_payload(), headers=KEY).status_code == 201
    assert Referral.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1
    IdempotencyRecord.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert idempotency_purge() == 1


def test_keys_expire_after_the_setting(world, settings):
    settings.PALERMO_IDEMPOTENCY_TTL_HOURS = 24
    Api(world.responder).post("/referrals", referral_payload(), headers=KEY)
    record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at == pytest.approx(dt.timedelta(hours=24), abs=dt.timedelta(seconds=5))


def test_the_stored_answer_is_encrypted(world):
    """The answer to a decision holds the identity: it is never stored in the clear."""
    case = world.case()
    Api(world.decider).post(f"/cases/{case.pk}/decisions", {
        "kind": "reasonable_grounds", "outcome": "positive", "decided_on": timezone.localdate().isoformat(),
        "reason_codes": ["indicators_present"]}, headers=KEY)
    with connection.cursor() as cur:
        cur.execute("SELECT response FROM api_idempotencyrecord")
        (raw,) = cur.fetchone()
    assert case.referral.reference not in raw and "identity" not in raw


def test_a_retried_decision_returns_the_first_answer(world):
    """Without the key, the retry would be refused (409: already decided)."""
    case = world.case()
    api = Api(world.decider)
    body = {"kind": "reasonable_grounds", "outcome": "positive", "decided_on": timezone.localdate().isoformat(),
            "reason_codes": ["indicators_present"]}
    first = api.post(f"/cases/{case.pk}/decisions", body, headers=KEY)
    again = api.post(f"/cases/{case.pk}/decisions", body, headers=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Decision.objects.filter(case=case).count() == 1
    assert api.post(f"/cases/{case.pk}/decisions", body).status_code == 409


def test_a_retried_review_and_withdrawal_return_the_first_answer(world):
    case = world.case()
    dm, rv = Api(world.decider), Api(world.reviewer)
    today = timezone.localdate().isoformat()
    d = dm.post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "negative",
                                                "decided_on": today, "reason_codes": ["no_means"]}).json()
    review = {"agree": False, "reviewed_on": today, "note": "Look again at the means"}
    first = rv.post(f"/cases/{case.pk}/decisions/{d['decision_id']}/review", review, headers=KEY)
    again = rv.post(f"/cases/{case.pk}/decisions/{d['decision_id']}/review", review, headers=KEY)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()

    withdraw = {"reason_code": "person_withdrew", "withdrawn_on": today}
    key = {"Idempotency-Key": "withdraw-0001"}
    first = Api(world.responder).post(f"/cases/{case.pk}/withdraw", withdraw, headers=key)
    again = Api(world.responder).post(f"/cases/{case.pk}/withdraw", withdraw, headers=key)
    assert first.status_code == again.status_code == 200, first.content
    assert again.json() == first.json()


def test_a_key_must_look_like_a_key(world):
    resp = Api(world.responder).post("/referrals", referral_payload(), headers={"Idempotency-Key": "short"})
    assert resp.status_code == 422
    assert Referral.objects.count() == 0
