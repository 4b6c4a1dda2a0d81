"""Hand-built record sets for the statistics tests, shaped as the database read gives them
(:func:`palermo.stats.snapshot.snapshot_from_tables`): no database needed, every answer known."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from palermo.stats.snapshot import snapshot_from_tables

REFERRAL_COLUMNS = ["id", "received_on", "nation", "police_force_area", "exploitation_location", "age_at_exploitation",
                    "gender", "nationality", "responder", "person_id", "case_id", "competent_authority", "dtn_id"]
INTS = {"id", "person_id", "case_id", "dtn_id", "referral_id", "cluster_id"}
ORGANISATIONS = [("MET", "Metropolitan Police Service", "police_force"), ("SALV", "The Salvation Army", "ngo"),
                 ("SCA", "Single Competent Authority", "competent_authority"),
                 ("IECA", "Immigration Enforcement Competent Authority", "competent_authority")]


def referral(id: int, received_on: dt.date, *, age="adult", gender="female", nationality="VNM", location="uk",
             responder="MET", person: int | None = None, case: int | None = None, authority="SCA", nation="england",
             force="metropolitan", dtn: int | None = None) -> dict:
    return {"id": id, "received_on": received_on, "nation": nation, "police_force_area": force,
            "exploitation_location": location, "age_at_exploitation": age, "gender": gender,
            "nationality": nationality, "responder": responder, "person_id": person if person is not None else id,
            "case_id": case if case is not None or dtn else id, "competent_authority": authority, "dtn_id": dtn}


def _table(rows: list[dict], columns: list[str]) -> pa.Table:
    out = {}
    for c in columns:
        values = [r[c] for r in rows]
        kind = pa.int64() if c in INTS else pa.date32() if c in ("received_on", "decided_on") else pa.string()
        out[c] = pa.array(values, type=kind)
    return pa.table(out)


def snapshot(referrals: list[dict], *, types: list[tuple[int, str]] = (), decisions: list[tuple] = (),
             clusters: dict[int, int] | None = None):
    """``decisions``: (case_id, kind 'reasonable_grounds'/'conclusive_grounds', outcome, decided_on)."""
    tables = {
        "referral_raw": _table(referrals, REFERRAL_COLUMNS),
        "type_raw": _table([{"referral_id": r, "code": c} for r, c in types], ["referral_id", "code"]),
        "decision_raw": _table([{"case_id": c, "kind": k, "outcome": o, "decided_on": d} for c, k, o, d in decisions],
                               ["case_id", "kind", "outcome", "decided_on"]),
        "organisation": _table([{"code": c, "name": n, "kind": k} for c, n, k in ORGANISATIONS],
                               ["code", "name", "kind"]),
        "cluster": _table([{"person_id": p, "cluster_id": c} for p, c in (clusters or {}).items()],
                          ["person_id", "cluster_id"]),
    }
    return snapshot_from_tables(tables, audit_head={"seq": 7, "hash": "ab" * 32})
