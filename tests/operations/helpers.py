"""Operations test set-up: intelligence officers at UKHTC, the Metropolitan Police and GMP, and
helpers that record an operation and its outcomes through the services."""

from __future__ import annotations

import datetime as dt

from palermo.operations import services
from palermo.operations.schemas import ArrestIn, AssetIn, ChargeIn, OperationIn, PremisesVisitIn, VictimIn
from tests.factories import referral_payload
from tests.intelligence.helpers import Intel

START = dt.date(2010, 2, 1)  # after the NRM began (1 April 2009): victims are NRM referrals
END = dt.date(2010, 6, 30)


class Ops(Intel):
    def __init__(self):
        super().__init__()
        self.analyst, self.monitor = self.w.analyst, self.w.monitor
        self.responder = self.w.responder
        self.first_responder_gmp = self.w.responder_other
        self.sca = self.w.decider

    def operation(self, actor=None, *, name="Synthetic operation", start=START, end=END, taking_part=("MET",),
                  aims=("recover_victims",)):
        return services.operation_create(actor=actor or self.ukhtc, data=OperationIn.model_validate({
            "name": name, "starts_on": start.isoformat(), "ends_on": end.isoformat() if end else None,
            "participating_organisations": list(taking_part), "aims": list(aims)}))

    def visit(self, op, actor=None, *, on=dt.date(2010, 3, 1), kind="sauna", nation="england_wales", entity=""):
        return services.premises_visit_record(actor=actor or self.ukhtc, operation_id=op.pk, data=PremisesVisitIn.model_validate(
            {"visited_on": on.isoformat(), "kind": kind, "nation": nation, "entity": entity}))

    def arrest(self, op, actor=None, *, on=dt.date(2010, 3, 2), nation="england_wales", entity="", charges=()):
        return services.arrest_record(actor=actor or self.ukhtc, operation_id=op.pk, data=ArrestIn.model_validate(
            {"arrested_on": on.isoformat(), "nation": nation, "entity": entity, "charges": [dict(c) for c in charges]}))

    def charge(self, arrest, actor=None, *, offence="SOA2003_s57", counts=1, offence_on=dt.date(2010, 2, 20),
               charged_on=dt.date(2010, 3, 3)):
        return services.charge_record(actor=actor or self.ukhtc, arrest_id=arrest.pk, data=ChargeIn.model_validate(
            {"offence_id": offence, "counts": counts, "offence_on": offence_on.isoformat(),
             "charged_on": charged_on.isoformat()}))

    def asset(self, op, actor=None, *, kind="cash_recovered", pence=50_000_00, on=dt.date(2010, 3, 5)):
        return services.asset_record(actor=actor or self.ukhtc, operation_id=op.pk, data=AssetIn.model_validate(
            {"recorded_on": on.isoformat(), "kind": kind, "amount_pence": pence}))

    def victim(self, op, referral, actor=None):
        return services.victim_identified_record(actor=actor or self.ukhtc, operation_id=op.pk,
                                                 data=VictimIn.model_validate({"referral_reference": referral.reference}))

    def referral(self, *, on=dt.date(2010, 3, 1), actor=None, born="1985-05-06", child=False, types=("labour",)):
        """An NRM referral made on ``on`` (by the Metropolitan Police unless ``actor`` says) of a
        person born on ``born``; a child's referral names Hillingdon and needs no consent."""
        person = {**referral_payload()["person"], "date_of_birth": born}
        extra = ({"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON",
                  "age_at_exploitation": "child"} if child else {})
        return self.w.refer(actor=actor, received_on=on.isoformat(), person=person, exploitation_types=list(types),
                            **extra)


