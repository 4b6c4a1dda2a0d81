"""Intelligence test set-up: officers at UKHTC, the Metropolitan Police and GMP, and a report maker."""

from __future__ import annotations

import datetime as dt

from palermo.accounts import roles as R
from palermo.intelligence.schemas import ReportIn
from palermo.intelligence.services import report_create
from tests.factories import World, make_user


class Intel:
    def __init__(self):
        self.w = World.create()
        o = self.w.orgs
        self.ukhtc = self.w.intel
        self.met = make_user("t.intel.met", R.INTELLIGENCE_OFFICER, o["MET"])
        self.gmp = make_user("t.intel.gmp", R.INTELLIGENCE_OFFICER, o["GMP"])

    def report(self, actor, *, on=dt.date(2008, 3, 1), grading=("B", "2", "1"), named=(), conditions="",
               text="Synthetic intelligence text", entities=(), links=()):
        s, i, h = grading
        return report_create(actor=actor, data=ReportIn.model_validate({
            "reported_on": on.isoformat(), "source_evaluation": s, "intelligence_assessment": i,
            "handling_code": h, "handling_conditions": conditions, "permitted_organisations": list(named),
            "text": text, "entities": [dict(e) for e in entities],
            "links": [{"source": a, "target": b, "kind": k} for a, b, k in links]}))
