"""Correctness against the seed note: a record set built to §5.1's figures (1,664 referrals
received 1 April 2009 – 30 June 2011, 565 positive conclusive grounds decisions: 405 adults, 160
children; seed note §5.1, fn 37), loaded through `palermo import referrals` and `palermo import
decisions`, yields exactly those figures when counted through the releases' own selector and through
the NRM statistics tables (palermo.stats, the analyst's unsuppressed view)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from palermo.accounts import roles as R
from palermo.nrm.decision_import_rows import COLUMNS as DECISION_COLUMNS
from palermo.nrm.importer import ALL_COLUMNS
from palermo.releases.dataset import case_facts
from palermo.releases.monitoring import monitoring_report
from palermo.stats.periods import Period
from palermo.stats.release import UNSUPPRESSED_VIEW
from palermo.stats.services import release_for_user
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

START, END = dt.date(2009, 4, 1), dt.date(2011, 6, 30)
REFERRED, ADULTS_IDENTIFIED, CHILDREN_IDENTIFIED = 1664, 405, 160
CHILDREN = 400  # referred as children; the rest adults
GIVEN = ["Ardent", "Belwyn", "Corisande", "Dovan", "Elspet", "Fenwick", "Gwendra", "Hallam", "Isolde", "Jorund",
         "Kestrel", "Lorcan", "Merewin", "Nimue", "Osric", "Perrin"]
FAMILY = ["Ashgrove", "Brindle", "Coldwater", "Dunmore", "Eastley", "Farrow", "Glenholt", "Harrowby", "Ivesley",
          "Jessop", "Kettleby", "Larchmont", "Morrow", "Northam", "Oakridge", "Pellow", "Quarrie", "Rendell",
          "Stanway", "Thornbury"]


def _received(i: int) -> dt.date:
    return START + dt.timedelta(days=i * ((END - START).days) // (REFERRED - 1))


def _referral_row(i: int) -> dict:
    received = _received(i)
    child = i % (REFERRED // CHILDREN) == 0 and i // (REFERRED // CHILDREN) < CHILDREN
    # UK nationals go to the UKHTC, others to the UK Border Agency (the competent authorities then)
    nationality = "GBR" if i % 2 == 0 else "NGA"
    born = dt.date(received.year - (15 if child else 30), 1, 1) + dt.timedelta(days=i % 300)
    row = {"received_on": received.isoformat(), "nation": "england", "police_force_area": "metropolitan",
           "exploitation_location": "uk", "exploitation_types": "labour" if i % 3 else "sexual",
           "indicators": "debt_bondage", "age_at_exploitation": "child" if child else "adult",
           "under_18": "yes" if child else "no", "consent": "not_required" if child else "given",
           "local_authority": "HILLINGDON" if child else "", "external_reference": f"NRM/{received.year}/{i:05d}",
           "given_name": GIVEN[i % len(GIVEN)], "family_name": FAMILY[(i // len(GIVEN)) % len(FAMILY)],
           "date_of_birth": born.isoformat(), "gender": "female" if i % 2 else "male", "nationalities": nationality,
           "interpreter_needed": "no"}
    return row


def _write(path, columns, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def test_the_seed_notes_2009_2011_figures_come_out_of_the_two_imports(world, tmp_path):
    referrals = [_referral_row(i) for i in range(REFERRED)]
    children = [r for r in referrals if r["under_18"] == "yes"]
    adults = [r for r in referrals if r["under_18"] == "no"]
    assert len(children) == CHILDREN and len(referrals) == REFERRED
    identified = adults[:ADULTS_IDENTIFIED] + children[:CHILDREN_IDENTIFIED]
    rg_only = adults[ADULTS_IDENTIFIED:ADULTS_IDENTIFIED + 100]  # positive RG, no CG yet in the record
    decisions: dict[str, list[dict]] = {"UKHTC": [], "UKBA": []}
    for r in identified + rg_only:
        org = "UKHTC" if r["nationalities"] == "GBR" else "UKBA"
        rg_on = dt.date.fromisoformat(r["received_on"]) + dt.timedelta(days=4)
        decisions[org].append({"external_reference": r["external_reference"], "kind": "reasonable_grounds",
                               "outcome": "positive", "decided_on": rg_on.isoformat(), "decision_maker_org": org,
                               "reason_codes": "indicators_present"})
        if r in identified:
            decisions[org].append({"external_reference": r["external_reference"], "kind": "conclusive_grounds",
                                   "outcome": "positive", "decided_on": (rg_on + dt.timedelta(days=50)).isoformat(),
                                   "decision_maker_org": org, "reason_codes": "credible_account"})

    call_command("import", "referrals", str(_write(tmp_path / "referrals.csv", ALL_COLUMNS, referrals)),
                 "--as", world.responder.username, "--no-progress")
    for org, rows in decisions.items():
        decider = make_user(f"t.decider.{org.lower()}", R.DECISION_MAKER, world.orgs[org])
        call_command("import", "decisions", str(_write(tmp_path / f"{org}.csv", DECISION_COLUMNS, rows)),
                     "--as", decider.username, "--no-progress")

    facts = case_facts(received_from=START, received_to=END)
    positive = [f for f in facts if f.cg_outcome == "positive"]
    assert len(facts) == REFERRED
    assert len(positive) == ADULTS_IDENTIFIED + CHILDREN_IDENTIFIED == 565
    assert sum(1 for f in positive if not f.child) == ADULTS_IDENTIFIED
    assert sum(1 for f in positive if f.child) == CHILDREN_IDENTIFIED
    # and the monitoring report over the same period counts the same
    report = monitoring_report(received_from=START, received_to=END)
    assert report["cases"] == REFERRED
    # and the statistics tables (issue 11): the same period is nine whole quarters
    period = Period(START, END)
    release = release_for_user(actor=world.analyst, period=period, view=UNSUPPRESSED_VIEW, today=dt.date(2011, 7, 1))
    assert [q.code for q in period.quarters][0] == "2009-Q2" and len(period.quarters) == 9
    assert release.table("referrals_quarter_age_gender").total().count == REFERRED
    cg = release.table("cg_decisions_quarter")
    assert cg.cell(outcome="positive").count == 565
    assert cg.cell(outcome="positive", age="adult").count == ADULTS_IDENTIFIED
    assert cg.cell(outcome="positive", age="child").count == CHILDREN_IDENTIFIED
    assert release.table("cg_decisions_authority").cell(outcome="positive").count == 565
