"""Justice test set-up: intelligence officers at the Metropolitan Police and UKHTC, person
entities the Metropolitan Police reported, and a prosecution maker."""

from __future__ import annotations

import datetime as dt

from palermo.intelligence.models import Entity
from palermo.justice.schemas import OutcomeIn, ProsecutionIn
from palermo.justice.services import charge_outcome_record, prosecution_create
from tests.intelligence.helpers import Intel


class Justice(Intel):
    def __init__(self, people: int = 4):
        super().__init__()
        self.report(self.met, entities=[{"kind": "person", "value": f"Synthetic Defendant{i}"} for i in range(people)])
        self.people = list(Entity.objects.filter(kind="person").order_by("id"))

    def prosecute(self, actor=None, *, nation="england_wales", court_kind="crown", charged_on=dt.date(2009, 6, 1),
                  defendants=None):
        """``defendants``: [(entity, [(offence_id, offence_on), …]), …]."""
        defendants = defendants or [(self.people[0], [("SOA2003_s57", dt.date(2009, 1, 10))])]
        return prosecution_create(actor=actor or self.met, data=ProsecutionIn.model_validate({
            "nation": nation, "court_kind": court_kind, "court_name": "Synthetic Crown Court", "charged_on": charged_on,
            "defendants": [{"entity_id": e.pk, "charges": [{"offence_id": o, "offence_on": d} for o, d in charges]}
                           for e, charges in defendants]}))

    def outcome(self, charge, outcome="convicted", on=dt.date(2010, 1, 1), actor=None, **sentence):
        return charge_outcome_record(actor=actor or self.met, charge_id=charge.pk, data=OutcomeIn.model_validate(
            {"outcome": outcome, "outcome_on": on, **sentence}))
