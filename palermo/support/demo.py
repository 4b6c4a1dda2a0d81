"""Demo data for victim support, made through the real services (so eligibility, capacity, the
waiting list and audit are real): the providers' reference data and the demo capacity, then, in
the order of their positive reasonable grounds decisions, adults in England and Wales placed by
the Salvation Army's allocator with a provider their terms allow and a place free (a specialist
first where one takes them), services recorded by the provider's support workers, some placements
ended, the rest waiting; a few recent people left for the allocator to match; and some
conclusive grounds decisions after placement, so move-on and exit dates show.

Runs only when there are no placements and no waiting-list entries yet (``palermo demo`` stays
idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from palermo.core.exceptions import PalermoError
from palermo.nrm import services as nrm_services
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.nrm.schemas import DecisionIn, ReviewIn
from palermo.support import services
from palermo.support.matching import matching_for_case
from palermo.support.models import Placement, WaitingListEntry
from palermo.support.reference import reference_load
from palermo.support.schemas import PlacementEndIn, PlacementIn, ServiceIn, WaitingListIn

WORKER_FOR = {"SALVARMY": "support", "POPPY": "support.poppy"}
LEFT_UNMATCHED = 3  # the most recent people are left for the allocator to match in the demo


def support_demo_load(users: dict, *, seed: int = 2012, today: dt.date | None = None) -> dict:
    counts = {"reference": reference_load(demo=True), "placements": 0, "waiting": 0, "services": 0, "ended": 0,
              "decided": 0}
    if Placement.objects.exists() or WaitingListEntry.objects.exists():
        return counts
    rng = random.Random(seed + 7)
    today = today or timezone.localdate()
    allocator = users["support"]
    candidates = list(Case.objects.filter(status=workflow.RECOVERY_PERIOD, referral__under_18="no",
                                          referral__nation__in=["england", "wales"],
                                          rg_decided_on__gte=today - dt.timedelta(days=400))
                      .select_related("referral", "referral__person").order_by("rg_decided_on", "id"))
    to_place = candidates[:-LEFT_UNMATCHED] if len(candidates) > LEFT_UNMATCHED else []
    for case in to_place:
        start = min(today, case.rg_decided_on + dt.timedelta(days=rng.randint(0, 4)))
        rows = [r for r in matching_for_case(user=allocator, case=case, on=start) if r.available]
        if not rows:  # a place freed since (a placement ended): the person is placed today
            start = today
            rows = [r for r in matching_for_case(user=allocator, case=case, on=start) if r.available]
        # A specialist (a subcontractor) first when it takes the person, as the 2011 model intended.
        rows.sort(key=lambda r: (r.term.kind != "subcontractor", -r.free_places))
        with transaction.atomic():
            if not rows:
                try:
                    services.waiting_list_join(actor=allocator, case=case, data=WaitingListIn(
                        joined_on=min(today, case.rg_decided_on + dt.timedelta(days=1))))
                    counts["waiting"] += 1
                except PalermoError:
                    pass
                continue
            row = rows[0]
            kind = max((p for p in row.places if p.free > 0), key=lambda p: (p.kind != "outreach", p.free)).kind
            try:
                placement = services.placement_create(actor=allocator, case=case, data=PlacementIn(
                    provider=row.organisation.code, kind=kind, start_on=start))
            except PalermoError:
                continue
            counts["placements"] += 1
            worker = users.get(WORKER_FOR.get(row.organisation.code, ""))
            if worker is not None:
                offered = row.profile.services
                for _ in range(rng.randint(1, 3)):
                    on = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
                    service = rng.choice([s for s in ("health_care", "legal_advice", "counselling", "interpretation",
                                                      "financial_support") if s in offered])
                    services.service_record(actor=worker, case=case, data=ServiceIn(service=service, delivered_on=on))
                    counts["services"] += 1
                if rng.random() < 0.15 and (today - start).days > 10:
                    services.placement_end(actor=worker, placement=placement, data=PlacementEndIn(
                        end_on=start + dt.timedelta(days=rng.randint(5, (today - start).days)),
                        exit_reason=rng.choice(["chose_to_leave", "missing", "moved_to_another_provider"])))
                    counts["ended"] += 1
    counts["decided"] = _conclusive_decisions(users, rng, today)
    return counts


def _conclusive_decisions(users: dict, rng: random.Random, today: dt.date) -> int:
    """Conclusive grounds decisions for a few placed people whose recovery period allows one, so
    the support record shows move-on (positive) and exit (negative, agreed by a reviewer) dates."""
    from palermo.demo import _deciders_for

    open_cases = (Case.objects.filter(status=workflow.RECOVERY_PERIOD, placements__end_on__isnull=True,
                                      cg_earliest__lte=today - dt.timedelta(days=3))
                  .select_related("competent_authority", "referral").order_by("cg_earliest", "id")[:6])
    made = 0
    for i, case in enumerate(open_cases):
        decider, reviewer = _deciders_for(case, users)
        day = today - dt.timedelta(days=rng.randint(0, 2))
        try:
            with transaction.atomic():
                if i % 3 == 2:
                    d = nrm_services.decision_record(actor=decider, case=case, data=DecisionIn(
                        kind="conclusive_grounds", outcome="negative", decided_on=day - dt.timedelta(days=1),
                        reason_codes=["credibility"]))
                    nrm_services.decision_review(actor=reviewer, decision=d, data=ReviewIn(agree=True, reviewed_on=day))
                else:
                    nrm_services.decision_record(actor=decider, case=case, data=DecisionIn(
                        kind="conclusive_grounds", outcome="positive", decided_on=day,
                        reason_codes=["credible_account", "corroborated"]))
            made += 1
        except PalermoError:
            continue
    return made
