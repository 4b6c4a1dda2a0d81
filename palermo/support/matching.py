"""Matching: for a person with a positive reasonable grounds decision, every provider, whether its
terms made them eligible on the day (the rule path and sources, as the law pages explain an
offence), whether it works in their nation, whether this caseworker may place with it, and its
free places of a kind that suits them. A caseworker chooses; Palermo never assigns.

The facts come from the case: the nation where the person was referred, child or adult (a person
referred as under 18 or "not sure" is treated as a child; a person referred as under 18 whose
date of birth now shows 18 or over is an adult), sex, the kinds of exploitation and where it
happened. Whether the person was trafficked into the UK, or is willing to co-operate with the
authorities, cannot be read from the case: the caseworker answers them (``answers``), or the
terms that need them say "cannot tell". The exact age is never put in the facts: the pages
showing the answer are seen by caseworkers who do not see the person's identity, and no rule
needs more than child or adult.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from palermo.law.eligibility import EligibilityAnswer, SupportFacts, eligibility_evaluate
from palermo.law.engine import Step
from palermo.law.schema import Source
from palermo.nrm.models import Case
from palermo.support import codes
from palermo.support.models import ProviderProfile, ProviderTerm
from palermo.support.occupancy import PlaceCount, places_for
from palermo.support.rules import POSITIVE_RG_STATUSES, allocating_contracts

ANSWER_KEYS = ("trafficked_into_uk", "willing_to_cooperate")


def treated_as_child(case: Case, on: dt.date) -> bool:
    ref = case.referral
    age = ref.person.age_on(on) if ref.person else None
    if ref.under_18 == "not_sure":
        return True
    if age is not None and age < 18:
        return True
    return ref.under_18 == "yes" and (age is None or age < 18)


def facts_for_case(case: Case, on: dt.date, answers: dict | None = None) -> SupportFacts:
    ref = case.referral
    person = ref.person
    answers = answers or {}
    into_uk = answers.get("trafficked_into_uk")
    if into_uk is None and person is not None and "GBR" in (person.nationalities or []) and ref.exploitation_location == "uk":
        into_uk = False  # a British national exploited only in the UK was not trafficked into it
    return SupportFacts(
        date=on, nation=ref.nation, treated_as_child=treated_as_child(case, on), age=None,
        sex=person.gender if person else "unknown", exploitation=tuple(ref.exploitation_types),
        trafficked_into_uk=into_uk,
        exploited_in_uk={"uk": True, "both": True, "overseas": False}.get(ref.exploitation_location),
        positive_reasonable_grounds=case.status in POSITIVE_RG_STATUSES,
        willing_to_cooperate=answers.get("willing_to_cooperate"),
    )


def term_on(profile: ProviderProfile, on: dt.date) -> ProviderTerm | None:
    found = None
    for t in profile.terms.all():
        if t.starts_on <= on:
            found = t
    return found


@dataclass
class MatchRow:
    """One provider as matching sees it for one person on one day."""

    profile: ProviderProfile
    term: ProviderTerm | None
    eligibility: EligibilityAnswer
    checks: list[Step] = field(default_factory=list)  # the steps beyond the law rule
    places: list[PlaceCount] = field(default_factory=list)  # kinds that suit the person
    placeable: bool = False  # this caseworker may place with this provider
    not_placeable_reason: str = ""
    reason: str = ""  # why it is not available, in words (empty when it is)

    @property
    def organisation(self):
        return self.profile.organisation

    @property
    def free_places(self) -> int:
        return sum(p.free for p in self.places)

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible and all(not s.result.startswith("no") for s in self.checks)

    @property
    def available(self) -> bool:
        """Eligible, placeable by this caseworker, and a suitable place free."""
        return self.eligible and self.placeable and self.free_places > 0

    @property
    def rule_path(self) -> tuple[Step, ...]:
        return (*self.eligibility.rule_path, *self.checks)

    @property
    def citations(self) -> tuple[Source, ...]:
        return self.eligibility.citations

    def to_json(self) -> dict:
        return {
            "provider": self.organisation.code, "provider_name": self.organisation.name,
            "kind": self.term.kind if self.term else None,
            "contract": self.term.contract.code if self.term and self.term.contract else None,
            "eligible": self.eligible, "available": self.available, "placeable": self.placeable,
            "reason": self.reason, "free_places": self.free_places,
            "places": [p.to_json() for p in self.places],
            "eligibility": self.eligibility.to_json(),
            "checks": [s.to_json() for s in self.checks],
        }


def matching_for_case(*, user, case: Case, on: dt.date, answers: dict | None = None) -> list[MatchRow]:
    """Every provider, available ones first (most free places first), then the rest by name."""
    facts = facts_for_case(case, on, answers)
    ref = case.referral
    sex = facts.sex
    contracts = {c.pk for c in allocating_contracts(user, on)}
    rows = []
    profiles = ProviderProfile.objects.select_related("organisation").prefetch_related("terms__contract", "capacity")
    for profile in profiles:
        term = term_on(profile, on)
        answer = eligibility_evaluate(profile.eligibility_rule, facts)
        row = MatchRow(profile, term, answer)
        org = profile.organisation
        serves = ref.nation in profile.nations
        row.checks.append(Step(f"{org.name} works in {facts.nation.replace('_', ' ').title()}",
                               "yes" if serves else f"no: it works in {', '.join(n.replace('_', ' ').title() for n in profile.nations)}"))
        if term is not None and term.kind == "local_authority":
            leads = ref.is_child and ref.local_authority_id == org.pk
            row.checks.append(Step("the local authority that leads for this child",
                                   "yes" if leads else "no: the referral names another local authority, or the person is an adult"))
            row.not_placeable_reason = "A child's care placement is arranged by the local authority's children's services."
        elif term is None:
            row.not_placeable_reason = f"{org.name} was not a provider on {on:%-d %B %Y}."
        elif term.contract_id is None or term.contract_id not in contracts or not term.contract.in_force_on(on):
            row.not_placeable_reason = (f"Places with {org.name} are not allocated by your organisation "
                                        f"({term.get_kind_display().lower()}{', ' + term.contract.title if term.contract else ''}).")
        else:
            row.placeable = True
        row.places = [p for p in places_for(profile, on) if codes.kind_suits(p.kind, sex)]
        if not row.eligible:
            row.reason = answer.reason if not answer.eligible else next(
                s.result.removeprefix("no: ").capitalize() for s in row.checks if s.result.startswith("no"))
        elif not row.placeable:
            row.reason = row.not_placeable_reason
        elif not row.places:
            row.reason = "It has no places of a kind that suits the person."
        elif row.free_places == 0:
            row.reason = "No place of a suitable kind is free."
        rows.append(row)
    rows.sort(key=lambda r: (not r.available, not r.eligible, -r.free_places, r.organisation.name))
    return rows
