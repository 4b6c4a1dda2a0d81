"""Two copies of one referral sent at the same moment with one Idempotency-Key (a partner's
retry racing its first attempt): exactly one referral, and both get its answer."""

import threading

import pytest
from django.db import connection

from palermo.nrm.models import Referral
from tests.api.helpers import Api
from tests.factories import referral_payload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions are a PostgreSQL matter; SQLite takes its single write lock at BEGIN IMMEDIATE",
    ),
]


def test_simultaneous_requests_with_one_key_refer_once(world):
    apis = [Api(world.responder), Api(world.responder)]  # two tokens of one user share the keys
    start = threading.Barrier(2)
    answers: list[tuple[int, dict]] = []

    def send(api):
        try:
            start.wait(timeout=30)
            resp = api.post("/referrals", referral_payload(), headers={"Idempotency-Key": "race-0001-abcdef"})
            answers.append((resp.status_code, resp.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(api,)) for api in apis]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert Referral.objects.count() == 1
