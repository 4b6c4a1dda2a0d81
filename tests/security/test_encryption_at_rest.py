"""Encryption at rest: after every kind of write (a half-finished referral in the session, a
referral, decisions with reasons, a review note, a withdrawal, a possible-match decision), no
direct identifier or free-text reason is found in plaintext in *any* table — including history
tables, sessions and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from palermo.linkage import services as link_services
from palermo.linkage.models import LinkCandidate
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn, ReviewIn, WithdrawIn
from tests.security.helpers import web
from tests.web.helpers import ADULT_ANSWERS, walk

pytestmark = pytest.mark.django_db

MARKERS = {
    "given": "Quorvalda", "family": "Brezhinskaya", "alias": "Qvaldetta", "dob": "1987-11-23",
    "contact": "Flat 9 Marrowgate Close", "narrative": "Held at the Tarnwick lavender farm",
    "reason": "Decision reason marker Oxbellow", "review": "Review note marker Pindlewick",
    "withdraw": "Withdrawal note marker Szalbrook", "link": "Link reason marker Grummidge",
    "session": "Sessionname Heppleworth",
}


def _all_text_in_database() -> list[tuple[str, str]]:
    """(table, text) for every cell of every table, sessions decoded."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            for row in cur.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        cell = bytes(cell).decode("utf-8", "replace")
                    if isinstance(cell, str):
                        out.append((table, cell))
    with connection.cursor() as cur:
        cur.execute("SELECT session_data FROM django_session")
        for (data,) in cur.fetchall():
            out.append(("django_session (decoded)", repr(SessionStore().decode(data))))
    return out


def test_no_identifier_or_free_text_reason_is_stored_in_plaintext_anywhere(world):
    from tests.factories import referral_payload  # noqa: F401 — the world's defaults

    # 1. A referral journey left at "check your answers": the session holds a name and a DOB.
    answers = {**ADULT_ANSWERS, "person": {"given_name": MARKERS["session"].split()[0],
                                           "family_name": MARKERS["session"].split()[1], "aliases": "", "gender": "female"}}
    walk(web(world.responder), answers)
    # 2. A referral, a negative decision with reasons, a returned review, a withdrawal.
    case = world.case(narrative=MARKERS["narrative"], person={
        "given_name": MARKERS["given"], "family_name": MARKERS["family"], "aliases": [MARKERS["alias"]],
        "date_of_birth": MARKERS["dob"], "dob_precision": "exact", "gender": "female", "nationalities": ["ROU"],
        "contact_details": MARKERS["contact"]})
    on = case.referral.received_on
    decision = services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="negative", decided_on=on, reason_codes=["no_means"], reason_text=MARKERS["reason"]))
    services.decision_review(actor=world.reviewer, decision=decision, data=ReviewIn(agree=False, reviewed_on=on, note=MARKERS["review"]))
    case.refresh_from_db()
    services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(
        reason_code="missing", withdrawn_on=dt.date.today(), note=MARKERS["withdraw"]))
    # 3. A possible match confirmed with a free-text reason.
    other = world.case(person={"given_name": "Someone", "family_name": "Else", "gender": "female"})
    a, b = sorted([case.referral.person_id, other.referral.person_id])
    cand = LinkCandidate.objects.create(person_a_id=a, person_b_id=b, match_probability=0.8, match_weight=3,
                                        model_version="t", found_by="referral")
    link_services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                        reason_code="same_person_account", reason_text=MARKERS["link"])

    found = [(table, key) for table, text in _all_text_in_database() for key, m in MARKERS.items()
             if m in text or m.split()[-1] in text]
    assert found == [], f"plaintext identifiers at rest: {sorted(set(found))}"
