"""Helpers for the synthetic-data tests: a run's rows as plain values (decrypted, relative to
the run's first ids) so two runs can be compared."""

from __future__ import annotations

import pytest

from palermo.nrm.models import Case, CaseTransition, Decision
from palermo.people.models import Person
from palermo.synth.models import SynthRun


def run_snapshot(run: SynthRun) -> list[tuple]:
    """Every row a run wrote, as values that do not depend on ids or the time of writing."""
    base = run.base_ids
    n = run.cases
    out = []
    for p in Person.objects.filter(pk__gte=base["person"], pk__lt=base["person"] + n).order_by("pk"):
        out.append(("person", p.pk - base["person"], p.given_name, p.family_name, p.date_of_birth, p.dob_precision,
                    p.gender, tuple(p.nationalities), p.full_name_bi, p.dob_bi))
    cases = (Case.objects.filter(pk__gte=base["case"], pk__lt=base["case"] + n).select_related("referral", "competent_authority")
             .order_by("pk"))
    for c in cases:
        r = c.referral
        out.append(("case", c.pk - base["case"], c.status, c.competent_authority.code, c.routing_version, c.rg_due,
                    c.rg_due_version, c.rg_decided_on, c.recovery_period_min_end, c.cg_earliest, c.cg_decided_on,
                    c.reconsideration_deadline, c.withdrawn_on, c.withdrawal_reason, r.received_on, r.nation,
                    r.under_18, r.consent, r.age_at_exploitation, r.immigration_enforcement,
                    r.first_responder_org_id, r.local_authority_id, tuple(r.exploitation_types)))
    for d in Decision.objects.filter(case_id__gte=base["case"], case_id__lt=base["case"] + n).order_by("pk"):
        out.append(("decision", d.case_id - base["case"], d.kind, d.outcome, d.decided_on, d.state, d.reviewed_on,
                    d.decided_by_id, d.reviewed_by_id, tuple(d.reason_codes), tuple(sorted(d.parameter_versions.items()))))
    for t in CaseTransition.objects.filter(case_id__gte=base["case"], case_id__lt=base["case"] + n).order_by("pk"):
        out.append(("step", t.case_id - base["case"], t.action, t.from_status, t.to_status, t.on, t.actor_id,
                    t.reason_code))
    return out


@pytest.fixture
def snapshot():
    return run_snapshot
