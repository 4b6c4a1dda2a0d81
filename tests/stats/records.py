"""Hand-built record sets for the statistics tests, shaped as the database read gives them
(:func:`palermo.stats.snapshot.snapshot_from_tables`): no database needed, every answer known."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from palermo.stats.snapshot import RAW_TABLES, snapshot_from_tables

REFERRAL_COLUMNS = ["id", "received_on", "nation", "police_force_area", "exploitation_location", "age_at_exploitation",
                    "gender", "nationality", "responder", "person_id", "case_id", "competent_authority", "dtn_id"]
INTS = {"id", "person_id", "case_id", "dtn_id", "referral_id", "cluster_id"}
ORGANISATIONS = [("MET", "Metropolitan Police Service", "police_force"), ("SALV", "The Salvation Army", "ngo"),
                 ("POPPY", "The Poppy Project", "ngo"), ("MIGHELP", "Migrant Helpline", "ngo"),
                 ("SCA", "Single Competent Authority", "competent_authority"),
                 ("IECA", "Immigration Enforcement Competent Authority", "competent_authority")]


def referral(id: int, received_on: dt.date, *, age="adult", gender="female", nationality="VNM", location="uk",
             responder="MET", person: int | None = None, case: int | None = None, authority="SCA", nation="england",
             force="metropolitan", dtn: int | None = None) -> dict:
    return {"id": id, "received_on": received_on, "nation": nation, "police_force_area": force,
            "exploitation_location": location, "age_at_exploitation": age, "gender": gender,
            "nationality": nationality, "responder": responder, "person_id": person if person is not None else id,
            "case_id": case if case is not None or dtn else id, "competent_authority": authority, "dtn_id": dtn}


def placement(id: int, provider: str, kind: str, start_on: dt.date, end_on: dt.date | None = None,
              exit_reason: str = "") -> dict:
    return {"id": id, "provider": provider, "kind": kind, "start_on": start_on, "end_on": end_on,
            "exit_reason": exit_reason}


def episode(id: int, went_missing_on: dt.date, nationality: str | None = "VNM", found_where: str | None = None) -> dict:
    """``found_where``: None while the child is still missing, else how they were found ('' when not recorded)."""
    return {"id": id, "went_missing_on": went_missing_on, "nationality": nationality,
            "returned": "still_missing" if found_where is None else "returned", "found_where": found_where or ""}


def _raw(name: str, rows: list[dict]) -> pa.Table:
    return pa.table({c: pa.array([r[c] for r in rows], type=t) for c, t in RAW_TABLES[name].items()})


def _table(rows: list[dict], columns: list[str]) -> pa.Table:
    out = {}
    for c in columns:
        values = [r[c] for r in rows]
        kind = pa.int64() if c in INTS else pa.date32() if c in ("received_on", "decided_on") else pa.string()
        out[c] = pa.array(values, type=kind)
    return pa.table(out)


def snapshot(referrals: list[dict], *, types: list[tuple[int, str]] = (), decisions: list[tuple] = (),
             clusters: dict[int, int] | None = None, placements: list[dict] = (),
             provider_terms: list[tuple[str, dt.date, str]] = (), episodes: list[dict] = ()):
    """``decisions``: (case_id, kind 'reasonable_grounds'/'conclusive_grounds', outcome, decided_on);
    ``provider_terms``: (provider code, starts_on, kind)."""
    tables = {
        "referral_raw": _table(referrals, REFERRAL_COLUMNS),
        "type_raw": _table([{"referral_id": r, "code": c} for r, c in types], ["referral_id", "code"]),
        "decision_raw": _table([{"case_id": c, "kind": k, "outcome": o, "decided_on": d} for c, k, o, d in decisions],
                               ["case_id", "kind", "outcome", "decided_on"]),
        "organisation": _table([{"code": c, "name": n, "kind": k} for c, n, k in ORGANISATIONS],
                               ["code", "name", "kind"]),
        "cluster": _table([{"person_id": p, "cluster_id": c} for p, c in (clusters or {}).items()],
                          ["person_id", "cluster_id"]),
        "placement_raw": _raw("placement_raw", list(placements)),
        "provider_term": _raw("provider_term", [{"provider": p, "starts_on": d, "kind": k} for p, d, k in provider_terms]),
        "missing_raw": _raw("missing_raw", list(episodes)),
    }
    return snapshot_from_tables(tables, audit_head={"seq": 7, "hash": "ab" * 32})
