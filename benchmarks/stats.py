"""NRM statistics benchmark: the annual bulletin's tables over N synthetic referrals, beside one
hand-written DuckDB GROUP BY over the same rows, measured in the same run.

    .venv/bin/python benchmarks/stats.py [--referrals 1000000] [--repeat 3]

The synthetic referrals are generated straight into the column snapshot the statistics read
(Arrow tables shaped as :func:`palermo.stats.snapshot._read_database` returns them: referrals,
exploitation types, decisions, organisations, linked people), bypassing the services and the
database: this measures the statistics, not the workflow or the read (which is one query per
table, timed separately by ``snapshot_load`` on real data). The rows are plausible, not real:
dates over two years, 60 nationalities, 40 first responders, a third with decisions.

It times, each as the median of ``--repeat``:
1. the floor: one hand-written DuckDB ``GROUP BY`` of the year's referrals by quarter, age and
   gender (the finest cells of table 1: no margins, no other table, no suppression), on the same
   DuckDB tables; and, for scale, one ``GROUP BY`` over all twelve referral dimensions at once;
2. counting every table of the annual release (all cells and margins) from the coded arrays;
3. the whole release: counting, disclosure control across tables (primary and secondary
   suppression, checked exactly) and the decision-time summary;
and, once, building the snapshot from the Arrow tables (categories coded, working days computed).
Goal (issue 11): all tables within 3× the floor and under 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def synthetic_tables(n: int, seed: int = 11):
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    start = dt.date(2022, 1, 1)
    days = np.sort(rng.integers(0, 730, n)).astype("int32")
    received = pa.array(days + (start - dt.date(1970, 1, 1)).days, type=pa.int32()).cast(pa.date32())
    nationalities = np.array(["ALB", "VNM", "GBR", "ERI", "SDN", "ROU", "POL", "NGA", "CHN", "IRN", "IRQ", "AFG",
                              "SYR", "IND", "PAK", "BGD", "LKA", "ETH", "SOM", "UKR"] +
                             [f"X{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(40)])
    orgs = [(f"ORG{i:02d}", f"Organisation {i}", ["police_force", "ngo", "local_authority", "border_agency"][i % 4])
            for i in range(40)] + [("SCA", "Single Competent Authority", "competent_authority"),
                                   ("IECA", "Immigration Enforcement Competent Authority", "competent_authority")]
    nations = np.array(["england", "wales", "scotland", "northern_ireland"])
    forces = np.array(["metropolitan", "kent", "south_wales", "police_scotland", "psni", "west_midlands", ""])
    is_dtn = rng.random(n) < 0.05
    ids = np.arange(1, n + 1, dtype=np.int64)
    person = np.where(rng.random(n) < 0.08, rng.integers(1, n // 2 + 2, n), ids + n)  # some people referred again
    case = np.where(is_dtn, None, ids)
    referral_raw = pa.table({
        "id": ids, "received_on": received,
        "nation": pa.array(nations[rng.choice(4, n, p=[0.85, 0.05, 0.07, 0.03])]),
        "police_force_area": pa.array(forces[rng.integers(0, len(forces), n)]),
        "exploitation_location": pa.array(np.array(["uk", "overseas", "both", "unknown"])[rng.integers(0, 4, n)]),
        "age_at_exploitation": pa.array(np.array(["adult", "child", ""])[rng.choice(3, n, p=[0.55, 0.43, 0.02])]),
        "gender": pa.array(np.array(["female", "male", "other", ""])[rng.choice(4, n, p=[0.2, 0.78, 0.01, 0.01])]),
        "nationality": pa.array(nationalities[np.minimum(rng.geometric(0.12, n) - 1, len(nationalities) - 1)]),
        "responder": pa.array(np.array([o[0] for o in orgs[:40]])[rng.integers(0, 40, n)]),
        "person_id": pa.array(person, type=pa.int64()),
        "case_id": pa.array(case.tolist(), type=pa.int64()),
        "competent_authority": pa.array(np.array(["SCA", "IECA"])[rng.choice(2, n, p=[0.7, 0.3])]),
        "dtn_id": pa.array(np.where(is_dtn, ids, None).tolist(), type=pa.int64()),
    })
    codes = np.array(["sexual", "labour", "domestic_servitude", "criminal", "unknown"])
    extra = rng.random(n) < 0.2
    type_ids = np.concatenate([ids, ids[extra]])
    type_raw = pa.table({"referral_id": type_ids, "code": pa.array(codes[rng.integers(0, 5, len(type_ids))])})
    with_rg = (~is_dtn) & (rng.random(n) < 0.35)
    rg_case = ids[with_rg]
    rg_day = days[with_rg] + rng.integers(1, 60, len(rg_case))
    with_cg = rng.random(len(rg_case)) < 0.4
    cg_case = rg_case[with_cg]
    cg_day = rg_day[with_cg] + rng.integers(45, 400, len(cg_case))
    epoch = (start - dt.date(1970, 1, 1)).days
    decision_raw = pa.table({
        "case_id": np.concatenate([rg_case, cg_case]),
        "kind": pa.array(["reasonable_grounds"] * len(rg_case) + ["conclusive_grounds"] * len(cg_case)),
        "outcome": pa.array(np.array(["positive", "negative"])[rng.choice(2, len(rg_case) + len(cg_case), p=[0.85, 0.15])]),
        "decided_on": pa.array((np.concatenate([rg_day, cg_day]) + epoch).astype("int32"), type=pa.int32()).cast(pa.date32()),
    })
    organisation = pa.table({"code": [o[0] for o in orgs], "name": [o[1] for o in orgs], "kind": [o[2] for o in orgs]})
    linked = rng.choice(ids + n, size=min(1000, n // 100 + 1), replace=False)
    cluster = pa.table({"person_id": pa.array(linked, type=pa.int64()),
                        "cluster_id": pa.array(np.repeat(np.arange(len(linked) // 2 + 1), 2)[:len(linked)], type=pa.int64())})
    return {"referral_raw": referral_raw, "type_raw": type_raw, "decision_raw": decision_raw,
            "organisation": organisation, "cluster": cluster}


def run(*, referrals: int = 1_000_000, repeat: int = 3) -> dict:
    from benchmarks._common import measure, result

    args = argparse.Namespace(referrals=referrals, repeat=repeat)
    os.environ.setdefault("PALERMO_DATA_DIR", tempfile.mkdtemp(prefix="palermo-bench-"))
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from palermo.stats.compute import count_table
    from palermo.stats.definitions import TABLES
    from palermo.stats.params import bands_at
    from palermo.stats.periods import Period
    from palermo.stats.release import release_build
    from palermo.stats.snapshot import snapshot_from_tables

    t0 = time.perf_counter()
    tables = synthetic_tables(args.referrals)
    generate = time.perf_counter() - t0
    t0 = time.perf_counter()
    snap = snapshot_from_tables(tables)
    build = time.perf_counter() - t0
    year = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    bands, _ = bands_at(year.end)
    floor_sql = ("SELECT quarter, age, gender, count(*) FROM nrm_referral "
                 "WHERE day BETWEEN DATE '2023-01-01' AND DATE '2023-12-31' GROUP BY ALL")
    wide_sql = ("SELECT quarter, age, gender, nationality, exploitation, location, responder_kind, responder, "
                "competent_authority, nation, police_force_area, history, count(*) FROM nrm_referral "
                "WHERE day BETWEEN DATE '2023-01-01' AND DATE '2023-12-31' GROUP BY ALL")
    floor, groups = median_time(lambda: snap.db.execute(floor_sql).fetchall(), args.repeat)
    wide, wide_groups = median_time(lambda: snap.db.execute(wide_sql).fetchall(), args.repeat)
    counting, counted = median_time(lambda: [count_table(t, snap, year, bands=bands) for t in TABLES], args.repeat)
    whole, release = median_time(lambda: release_build(snapshot=snap, period=year), args.repeat)
    year_referrals = release.table("referrals_quarter_age_gender").total().count
    cells = sum(len(c.cells) for c in counted)
    print(f"synthetic referrals: {args.referrals:,} ({year_referrals:,} in 2023; generated in {generate:.2f} s, "
          "straight into the column snapshot, bypassing the services)")
    print(f"snapshot build (code categories, working days): {build:.2f} s")
    print(f"{'measure':58} {'seconds':>9} {'× floor':>8}")
    print(f"{'floor: one DuckDB GROUP BY quarter, age, gender (table 1)':58} {floor:9.3f} {1:8.2f}   ({len(groups):,} groups)")
    print(f"{'one DuckDB GROUP BY over all 12 referral dimensions':58} {wide:9.3f} {wide / floor:8.2f}   "
          f"({len(wide_groups):,} groups)")
    print(f"{'all tables counted (every cell and margin)':58} {counting:9.3f} {counting / floor:8.2f}   ({cells:,} cells)")
    print(f"{'whole release (tables, suppression, decision times)':58} {whole:9.3f} {whole / floor:8.2f}   "
          f"({release.cells_suppressed:,} suppressed)")
    print(f"goal: all tables counted within 3× the floor: {'met' if counting <= 3 * floor else 'not met'}; "
          f"whole release under 10 s: {'met' if whole < 10 else 'not met'}")
    floor_name = "DuckDB GROUP BY quarter, age, gender"
    measures = [
        measure("one DuckDB GROUP BY over all 12 referral dimensions", wide, "s", floor=floor, floor_name=floor_name),
        measure("all tables counted (every cell and margin)", counting, "s", floor=floor, floor_name=floor_name,
                goal="≤ 3× the floor", met=counting <= 3 * floor, cells=cells),
        measure("whole release (tables, suppression, decision times)", whole, "s", floor=floor, floor_name=floor_name,
                goal="< 10 s", met=whole < 10, suppressed=release.cells_suppressed),
        measure("snapshot build (once)", build, "s"),
    ]
    return result("stats", {"referrals": referrals, "repeat": repeat}, measures, database="duckdb",
                  notes=[f"{year_referrals:,} referrals in 2023 of {referrals:,} generated"])


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--referrals", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    cli(run, ap)


if __name__ == "__main__":
    main()
