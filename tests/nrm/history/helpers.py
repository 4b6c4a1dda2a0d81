"""Historic referrals and decision files for the decisions import tests (all synthetic)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from palermo.accounts import roles as R
from palermo.nrm.decision_import_rows import COLUMNS
from tests.factories import make_user, referral_payload

RECEIVED = dt.date(2010, 5, 3)


@dataclass
class Historic:
    world: object
    ukhtc: object  # decision maker at the UKHTC (UK and EEA nationals, 2009-2019)
    ukba: object  # decision maker at the UK Border Agency (other nationals)

    def refer(self, ext: str, *, nationality: str = "GBR", received: dt.date = RECEIVED, child: bool = False,
              actor=None, given: str = "Orvella"):
        extra = {"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON",
                 "age_at_exploitation": "child"} if child else {}
        person = {**referral_payload()["person"], "given_name": given, "nationalities": [nationality],
                  "date_of_birth": "1980-05-06" if not child else f"{received.year - 15}-01-02"}
        return self.world.refer(actor, received_on=received.isoformat(), external_reference=ext, person=person,
                                **extra).case


def historic(world) -> Historic:
    return Historic(world, make_user("t.decider.ukhtc", R.DECISION_MAKER, world.orgs["UKHTC"]),
                    make_user("t.decider.ukba", R.DECISION_MAKER, world.orgs["UKBA"]))


def decision_row(ext: str, kind: str = "reasonable_grounds", outcome: str = "positive", on: dt.date | str = RECEIVED,
                 org: str = "UKHTC", reasons: str | None = None, **extra) -> dict:
    if reasons is None:
        reasons = "indicators_present" if outcome == "positive" else "no_means"
    return {"external_reference": ext, "kind": kind, "outcome": outcome, "decided_on": str(on),
            "decision_maker_org": org, "reason_codes": reasons, **extra}


def write_decisions(path, rows, columns=None):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns or COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path
