"""Demo allocations (issue 14): the Single Competent Authority's team leader has given most open
cases to its two decision makers, the decision maker took a few themself, one was re-allocated,
and some are still waiting for someone. Idempotent: runs once, when no allocation exists."""

from __future__ import annotations

import random

from django.db import transaction

from palermo.casework.models import CaseAllocation
from palermo.casework.services import case_allocate
from palermo.nrm import workflow
from palermo.nrm.models import Case


@transaction.atomic
def casework_demo_load(users, *, seed: int = 2012) -> int:
    if CaseAllocation.objects.exists() or "teamlead" not in users:
        return 0
    rng = random.Random(seed)
    lead, deciders = users["teamlead"], [users["decider"], users["decider2"]]
    cases = list(Case.objects.filter(competent_authority__code="SCA", status__in=workflow.OPEN_STATUSES)
                 .select_related("referral").order_by("id"))
    made = 0
    for i, case in enumerate(cases):
        roll = rng.random()
        if roll < 0.2:
            continue  # waiting for allocation: the workload page counts these
        if roll < 0.3:
            case_allocate(actor=users["decider"], case=case, to_user=users["decider"])
        else:
            case_allocate(actor=lead, case=case, to_user=deciders[i % 2])
            if roll > 0.95:
                case_allocate(actor=lead, case=case, to_user=deciders[(i + 1) % 2])  # re-allocated
        made += 1
    return made
