"""The offence engine: which trafficking offences applied to a set of facts, with reasons.

``offences_applicable(facts)`` is a pure function of the facts and the data files. For every
offence whose conduct matches, it walks the same path a lawyer would: was it in force on that date
in that nation; does it cover that exploitation; does its territorial reach, as it stood on that
date, catch conduct done there by that person; are its conditions met. Offences that pass are
returned with their maximum penalty, the path, and the citations; the rest are returned as near
misses with the first test they failed ("SOA2003_s57 not yet in force on 2004-04-30").

This is information to support a human decision, not legal advice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from palermo.law.facts import Facts, facts_parse
from palermo.law.offences import Offence, Penalty, offence_list
from palermo.law.rules import describe_conduct_place, rule_holds
from palermo.law.schema import Source
from palermo.law.vocab import CONDITION_LABELS, EXPLOITATION_LABELS, NATION_LABELS, NATIONS, RULE_LABELS


@dataclass(frozen=True)
class Step:
    """One test on the rule path and what it found."""

    test: str
    result: str
    citations: tuple[Source, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"test": self.test, "result": self.result, "citations": _cites(self.citations)}


@dataclass(frozen=True)
class AppliedOffence:
    id: str
    title: str
    statute: str
    section: str
    nations: tuple[str, ...]
    max_penalty: Penalty
    strict_liability: bool
    rule_path: tuple[Step, ...]
    citations: tuple[Source, ...]

    @property
    def unverified(self) -> bool:
        return any(not s.verified for s in self.citations)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "statute": self.statute,
            "section": self.section,
            "nations": list(self.nations),
            "max_penalty": self.max_penalty.model_dump(),
            "strict_liability": self.strict_liability,
            "rule_path": [s.to_json() for s in self.rule_path],
            "citations": _cites(self.citations),
            "rests_on_unverified_sources": self.unverified,
        }


@dataclass(frozen=True)
class NearMiss:
    """An offence about this conduct that did not apply, and the first reason why."""

    id: str
    title: str
    code: str  # not_extended | not_yet_in_force | repealed | not_in_force | exploitation_not_covered | territorial | condition_not_met | fact_missing
    reason: str
    citations: tuple[Source, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "code": self.code,
            "reason": self.reason,
            "citations": _cites(self.citations),
        }


@dataclass
class Answer:
    facts: Facts
    offences: list[AppliedOffence] = field(default_factory=list)
    not_applicable: list[NearMiss] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def offence_ids(self) -> list[str]:
        return [o.id for o in self.offences]

    def near_miss(self, offence_id: str) -> NearMiss | None:
        return next((n for n in self.not_applicable if n.id == offence_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "facts": self.facts.to_json(),
            "offences": [o.to_json() for o in self.offences],
            "not_applicable": [n.to_json() for n in self.not_applicable],
            "reasons": list(self.reasons),
        }


def _cites(sources: tuple[Source, ...] | list[Source]) -> list[dict[str, Any]]:
    return [s.model_dump(exclude_none=True) for s in sources]


def _dedupe(sources: list[Source]) -> tuple[Source, ...]:
    seen: dict[str, Source] = {}
    for s in sources:
        seen.setdefault(s.citation, s)
    return tuple(seen.values())


class _Miss(Exception):
    def __init__(self, code: str, reason: str, sources: list[Source] | None = None):
        self.code, self.reason, self.sources = code, reason, sources or []


def _nations_in_force(offence: Offence, facts: Facts) -> tuple[list[str], list[Step]]:
    on = facts.date
    candidates = [facts.jurisdiction] if facts.jurisdiction in NATIONS else list(offence.nations)
    statuses = {n: offence.status_on(n, on) for n in candidates}
    live = [n for n, s in statuses.items() if s == "in_force"]
    if live:
        steps = []
        for n in live:
            entry = offence.in_force_entry(n, on)
            steps.append(
                Step(
                    f"in force in {NATION_LABELS[n]} on {on}",
                    f"yes, from {entry.from_}",
                    tuple(entry.sources),
                )
            )
        return live, steps
    kinds = set(statuses.values())
    if kinds == {"not_extended"}:
        raise _Miss(
            "not_extended",
            f"{offence.id} does not extend to {NATION_LABELS[facts.jurisdiction]} (it extends to {offence.extent_text()})",
            offence.citations,
        )
    if kinds <= {"not_yet_in_force", "not_extended"}:
        starts = ", ".join(
            f"{offence.in_force[n][0].from_} in {NATION_LABELS[n]}"
            for n in candidates
            if n in offence.in_force
        )
        first = [s for n in candidates if n in offence.in_force for s in offence.in_force[n][0].sources]
        raise _Miss(
            "not_yet_in_force", f"{offence.id} not yet in force on {on} (in force from {starts})", first
        )
    if kinds <= {"repealed", "not_extended"}:
        ends, sources = [], []
        for n in candidates:
            entry = offence.in_force_entry(n, on) if n in offence.in_force else None
            if entry is not None:
                ends.append(f"{entry.from_} in {NATION_LABELS[n]}")
                sources += entry.sources
        raise _Miss(
            "repealed", f"{offence.id} no longer in force on {on} (repealed from {', '.join(ends)})", sources
        )
    raise _Miss("not_in_force", f"{offence.id} was not in force on {on} in any nation it extends to")


def _evaluate(offence: Offence, facts: Facts) -> AppliedOffence:
    on = facts.date
    nations, steps = _nations_in_force(offence, facts)
    steps.append(Step("covers this conduct", facts.conduct, tuple(offence.covers.sources)))
    exploitation = offence.covers.exploitation
    if exploitation == "any":
        steps.append(Step("exploitation", "not an element of this offence", ()))
    elif facts.exploitation not in exploitation:
        covered = "; ".join(EXPLOITATION_LABELS[e] for e in exploitation)
        raise _Miss(
            "exploitation_not_covered",
            f"{offence.id} covers {covered}, not {EXPLOITATION_LABELS[facts.exploitation]}",
            offence.covers.sources,
        )
    else:
        steps.append(
            Step(
                "covers this exploitation",
                EXPLOITATION_LABELS[facts.exploitation],
                tuple(offence.covers.sources),
            )
        )

    reached: list[str] = []
    all_rules: set[str] = set()
    for n in nations:
        entry, rules = offence.rules_on(n, on)
        all_rules |= set(rules)
        matched = [r for r in rules if rule_holds(r, facts, n)]
        if matched:
            reached.append(n)
            label = "; ".join(f"{r}: {RULE_LABELS[r]}" for r in matched)
            since = f"rules as they stood from {entry.from_}"
            steps.append(
                Step(f"territorial reach ({NATION_LABELS[n]}, {since})", label, tuple(entry.sources))
            )
    if not reached:
        entry = offence.rules_on(nations[0], on)[0]
        rules_text = "; ".join(RULE_LABELS[r] for r in sorted(all_rules)) or "none"
        raise _Miss(
            "territorial",
            f"{offence.id} did not reach conduct {describe_conduct_place(facts)} on {on}; its reach was: {rules_text}",
            list(entry.sources) if entry else [],
        )

    final: list[str] = []
    missing: list[str] = []
    failed: list[tuple[str, list[Source]]] = []
    for n in reached:
        entry, conditions = offence.conditions_on(n, facts.conduct, on)
        ok = True
        for c in conditions:
            value = getattr(facts, c)
            if value is None:
                missing.append(c)
                ok = False
            elif value is False:
                failed.append((c, list(entry.sources)))
                ok = False
            else:
                steps.append(
                    Step(f"condition ({NATION_LABELS[n]})", CONDITION_LABELS[c], tuple(entry.sources))
                )
        if ok:
            final.append(n)
    if not final:
        if missing:
            c = missing[0]
            raise _Miss(
                "fact_missing",
                f"cannot tell whether {offence.id} applied: it requires that {CONDITION_LABELS[c]}; give {c}: true or false",
            )
        c, sources = failed[0]
        raise _Miss("condition_not_met", f"{offence.id} requires that {CONDITION_LABELS[c]}", sources)

    penalty = offence.penalty_on(on)
    steps.append(
        Step(
            "maximum penalty", penalty.value.text() if penalty.value else "not stated", tuple(penalty.sources)
        )
    )
    if offence.strict_liability.value:
        steps.append(
            Step(
                "strict liability",
                "yes: no mental element as to the circumstances",
                tuple(offence.strict_liability.sources),
            )
        )
    return AppliedOffence(
        id=offence.id,
        title=offence.title,
        statute=offence.statute,
        section=offence.section,
        nations=tuple(final),
        max_penalty=penalty.value or Penalty(),
        strict_liability=offence.strict_liability.value,
        rule_path=tuple(steps),
        citations=_dedupe([*offence.citations, *(s for st in steps for s in st.citations)]),
    )


def offences_applicable(facts: Facts | dict[str, Any], *, offences: list[Offence] | None = None) -> Answer:
    """Which offences applied to ``facts``; raises FactsError if the facts are not usable."""
    facts = facts_parse(facts)
    catalogue = offences if offences is not None else offence_list()
    answer = Answer(facts=facts)
    for offence in catalogue:
        if facts.conduct not in offence.covers.conduct:
            continue
        try:
            answer.offences.append(_evaluate(offence, facts))
        except _Miss as miss:
            answer.not_applicable.append(
                NearMiss(offence.id, offence.title, miss.code, miss.reason, _dedupe(miss.sources))
            )
    answer.not_applicable.sort(key=lambda n: n.code == "not_extended")
    answer.reasons = _reasons(answer, catalogue)
    return answer


def _reasons(answer: Answer, catalogue: list[Offence]) -> list[str]:
    facts = answer.facts
    reasons = []
    earliest = min((o.first_in_force for o in catalogue), default=dt.date.max)
    if facts.date < earliest:
        reasons.append(
            f"{facts.date} is before {earliest}: until then there were no specific trafficking offences in the UK; "
            "other offences such as facilitation of illegal entry, kidnap, false imprisonment and living off "
            "immoral earnings had to be used instead (seed note §3)."
        )
    if answer.offences:
        listed = "; ".join(
            f"{o.id} ({o.title}, {', '.join(NATION_LABELS[n] for n in o.nations)})" for o in answer.offences
        )
        reasons.append(f"{len(answer.offences)} offence(s) applied: {listed}.")
    else:
        reasons.append("No specific trafficking offence in this knowledge base applied to these facts.")
    if answer.not_applicable:
        reasons.append(
            f"{len(answer.not_applicable)} related offence(s) did not apply; see not_applicable for why."
        )
    if any(o.unverified for o in answer.offences):
        reasons.append(
            "Part of this answer rests on sources marked verified: false (outside the seed note and not checked); "
            "check them before relying on the answer."
        )
    reasons.append("This is information to support a human decision, not legal advice.")
    return reasons


__all__ = ["Answer", "AppliedOffence", "NearMiss", "Step", "offences_applicable"]
