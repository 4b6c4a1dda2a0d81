"""The facts about NRM cases that releases are made from: one plain record a case, read in a few
set-based queries, never names, dates of birth, narratives or reasons.

Every release (private counts, microdata, the monitoring report) starts here, so they count the
same cases the same way. **Nationality group** follows the routing rule's reading of
nationality: ``uk`` if any nationality is British, else ``eea`` if any is an EEA state *on the day
the referral was received* (the dated list ``reference.eea_states``: Croatia from 1 July 2013),
else ``other`` if any nationality is recorded, else ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from palermo.law.parameters import parameter_at
from palermo.nrm.models import Case, Decision, ReferralExploitationType

NATIONALITY_GROUPS = [("uk", "UK"), ("eea", "EEA (other than the UK)"), ("other", "Other"), ("unknown", "Not known")]
AGE_GROUPS = [("adult", "Adult"), ("child", "Child")]


@dataclass(slots=True)
class CaseFacts:
    case_id: int
    person_id: int | None
    received_on: dt.date
    nation: str
    child: bool
    age_at_exploitation: str
    exploitation_types: list[str]
    nationalities: list[str]
    nationality_group: str
    gender: str
    first_responder_kind: str
    authority: str
    status: str
    first_rg_on: dt.date | None = None  # the first reasonable grounds decision made (any outcome)
    rg_positive_on: dt.date | None = None  # the reasonable grounds decision that opened the recovery period
    first_cg_on: dt.date | None = None
    rg_outcome: str | None = None  # the reasonable grounds outcome in effect: positive, negative or None
    cg_outcome: str | None = None
    extra: dict = field(default_factory=dict)


def nationality_group(nationalities: list[str], on: dt.date) -> str:
    if not nationalities:
        return "unknown"
    if "GBR" in nationalities:
        return "uk"
    if set(nationalities) & set(parameter_at("reference.eea_states", on).value):
        return "eea"
    return "other"


def case_facts(*, received_from: dt.date | None = None, received_to: dt.date | None = None) -> list[CaseFacts]:
    """Every NRM case whose referral was received in the period (both ends included)."""
    # The period as plain join conditions on each query (never ``__in=<subquery>``: on PostgreSQL a
    # server-side cursor plans for the first rows, and the semi-join over a freshly bulk-loaded
    # table ran for over 20 minutes on 1,664 referrals).
    period = {}
    if received_from:
        period["received_on__gte"] = received_from
    if received_to:
        period["received_on__lte"] = received_to
    qs = Case.objects.filter(**{f"referral__{k}": v for k, v in period.items()})
    rows = qs.values_list(
        "id", "referral_id", "referral__person_id", "referral__received_on", "referral__nation", "referral__under_18",
        "referral__age_at_exploitation", "referral__person__nationalities", "referral__person__gender",
        "referral__first_responder_org__kind", "competent_authority__code", "status").order_by("id")
    facts: dict[int, CaseFacts] = {}
    referral_of: dict[int, int] = {}
    for (case_id, referral_id, person_id, received, nation, under_18, age_expl, nats, gender, fr_kind, authority,
         status) in rows.iterator(chunk_size=5000):
        nats = list(nats or [])
        facts[case_id] = CaseFacts(
            case_id=case_id, person_id=person_id, received_on=received, nation=nation,
            child=under_18 in {"yes", "not_sure"}, age_at_exploitation=age_expl, exploitation_types=[],
            nationalities=nats, nationality_group=nationality_group(nats, received), gender=gender or "unknown",
            first_responder_kind=fr_kind, authority=authority, status=status)
        referral_of[referral_id] = case_id
    types = defaultdict(list)
    for referral_id, code in ReferralExploitationType.objects.filter(
            referral__case__isnull=False, **{f"referral__{k}": v for k, v in period.items()}).values_list(
            "referral_id", "code").order_by("referral_id", "code").iterator(chunk_size=5000):
        types[referral_id].append(code)
    for referral_id, case_id in referral_of.items():
        facts[case_id].exploitation_types = types.get(referral_id, [])
    decisions = (Decision.objects.filter(**{f"case__referral__{k}": v for k, v in period.items()}, kind__in=["reasonable_grounds", "conclusive_grounds"])
                 .values_list("case_id", "kind", "outcome", "state", "decided_on").order_by("decided_on", "id"))
    for case_id, kind, outcome, state, decided_on in decisions.iterator(chunk_size=5000):
        f = facts.get(case_id)
        if f is None:
            continue
        if kind == "reasonable_grounds":
            f.first_rg_on = f.first_rg_on or decided_on
            if state == "effective":
                f.rg_outcome = outcome
                if outcome == "positive":
                    f.rg_positive_on = decided_on
        else:
            f.first_cg_on = f.first_cg_on or decided_on
            if state == "effective":
                f.cg_outcome = outcome
    return list(facts.values())
