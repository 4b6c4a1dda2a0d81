"""The importer's bulk path writes exactly what the service writes, row for row: the same
cases, decisions, steps and history, and refuses the same rows (a sample of every kind of
decision, in chunks small enough that cases cross chunk boundaries)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction

from palermo.nrm.decision_import import import_decisions
from palermo.nrm.historic import CASE_FIELDS
from palermo.nrm.models import Case, CaseTransition, Decision

from .helpers import RECEIVED, decision_row, historic, write_decisions

pytestmark = pytest.mark.django_db


def _sample(h, rng: random.Random) -> list[dict]:
    """About forty historic cases, UKHTC and UKBA, adults and children, every path through the
    workflow, decisions on varied dates."""
    rows = []
    for i in range(40):
        uk = i % 3 != 0
        ext, org = f"H/{i:04d}", "UKHTC" if uk else "UKBA"
        received = RECEIVED + dt.timedelta(days=rng.randint(0, 400))
        h.refer(ext, nationality="GBR" if uk else "NGA", received=received, child=i % 5 == 0, given=f"Quill{'ab'[i % 2]}")
        rg = received + dt.timedelta(days=rng.randint(0, 20))
        path = rng.choice(["rg_only", "identified", "not_identified", "rg_negative", "none"])
        if path == "none":
            continue
        if path == "rg_negative":
            rows.append(decision_row(ext, outcome="negative", on=rg, org=org, reasons="insufficient_information",
                                     reviewed_on=str(rg + dt.timedelta(days=rng.randint(0, 5))), reviewer_org=org))
            continue
        rows.append(decision_row(ext, on=rg, org=org, reasons="indicators_present;credible_account"))
        cg = rg + dt.timedelta(days=45 + rng.randint(0, 90))
        if path == "identified":
            rows.append(decision_row(ext, kind="conclusive_grounds", on=cg, org=org, reasons="corroborated"))
        elif path == "not_identified":
            rows.append(decision_row(ext, kind="conclusive_grounds", outcome="negative", on=cg, org=org,
                                     reasons="credibility", reviewed_on=str(cg + dt.timedelta(days=3)), reviewer_org=org))
    rng.shuffle(rows)
    rows.sort(key=lambda r: r["decided_on"])  # the order the decisions were made, cases interleaved
    return rows


def _snapshot() -> dict:
    cases = {}
    for case in Case.objects.order_by("pk"):
        cases[case.pk] = {
            "case": {f: getattr(case, f) for f in CASE_FIELDS},
            "decisions": [
                (d.kind, d.outcome, d.decided_on, d.decided_by_id, d.reason_codes, d.state, d.reviewed_on, d.reviewed_by_id,
                 d.review_recorded_by_org_id, d.parameter_versions, d.imported_from_sha256, d.reason_text, d.review_note,
                 [(h.history_type, h.history_user_id) for h in d.history.order_by("history_id")])
                for d in Decision.objects.filter(case=case).order_by("decided_on", "kind")],
            "steps": list(CaseTransition.objects.filter(case=case).order_by("id").values_list(
                "action", "from_status", "to_status", "on", "actor_id", "decision__kind", "reason_code")),
            "history": [(hc.status, hc.history_type, hc.history_user_id, hc.cg_earliest, hc.reconsideration_deadline)
                        for hc in case.history.order_by("history_id")],
        }
    return cases


def _run(h, path, write: str, chunk: int):
    sid = transaction.savepoint()
    try:
        result = import_decisions(actor=h.ukhtc, path=path, write=write, chunk=chunk)
        return result, _snapshot()
    finally:
        transaction.savepoint_rollback(sid)


@pytest.fixture
def h(world):
    h = historic(world)
    h.ukhtc.memberships.create(organisation=world.orgs["UKBA"], role="decision_maker")
    h.ukhtc._palermo_roles = None
    return h


def test_bulk_and_service_paths_write_the_same_records(h, tmp_path):
    rows = _sample(h, random.Random(11))
    assert len(rows) > 40
    path = write_decisions(tmp_path / "sample.csv", rows)
    service, by_service = _run(h, path, "service", chunk=2000)
    bulk, by_bulk = _run(h, path, "bulk", chunk=7)
    assert service.errors == [] and bulk.errors == [] and service.written == bulk.written == len(rows)
    assert by_bulk == by_service
    statuses = {c["case"]["status"] for c in by_bulk.values()}
    assert {"identified", "not_identified", "rg_negative", "recovery_period", "referred"} <= statuses


def test_bulk_and_service_paths_refuse_the_same_rows(h, tmp_path):
    rows = _sample(h, random.Random(12))
    rows[5] = {**rows[5], "decided_on": "2010-01-01"}  # before its referral
    rows[9] = {**rows[9], "reason_codes": "no_means" if rows[9]["outcome"] == "positive" else "corroborated"}
    path = write_decisions(tmp_path / "sample.csv", rows)
    service, _ = _run(h, path, "service", chunk=2000)
    bulk, after = _run(h, path, "bulk", chunk=5)
    assert service.errors == bulk.errors and {e.row for e in bulk.errors} >= {7, 11}
    assert service.written == bulk.written == 0
