"""Who a support provider may support, on a date: dated, cited terms evaluated like offences.

Each provider's terms are one policy parameter file with ``unit: support_eligibility`` under
``law/data/policy/support/`` (the Poppy Project, the Salvation Army's adult victim care contract,
Migrant Helpline's grant, local authorities for children; seed note §5.2, §5.3, §6). The file is
an ordinary dated parameter (values keyed by the date they take effect, each with its sources,
``null`` ends the terms), so ``parameter_at`` and the parameter versions work as for any other;
this module adds the schema of a value (:class:`EligibilityTerms`), the facts about a person it is
tested against (:class:`SupportFacts`) and the evaluation.

``eligibility_evaluate(rule_id, facts)`` walks the terms in force on the facts' date the way the
offence engine walks an offence (``engine.py``): are terms in force on that day; do the terms of
the contract they sit *within* hold (a subcontractor's clients are first the prime contractor's);
a positive reasonable grounds decision; age (a person treated as a child, under 18 or "not sure",
never meets an adults-only term); sex; exploitation; trafficked into the UK; exploited in the UK;
nation; willingness to co-operate. It answers ``eligible``, ``not_eligible`` (the first failed
test, with its citation), ``cannot_tell`` (a fact Palermo does not hold: never a guess) or
``not_in_force``, with the rule path and sources. It is information for the caseworker who
chooses a provider; it never places anyone.

Exactly 18 counts as "over 18" (seed-facts trap 8: the Poppy terms say "over 18-years-old"; the
file says so in its note).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from palermo.law.engine import Step
from palermo.law.parameters import POLICY_DIR, ParameterError, all_parameters, parameter_history
from palermo.law.schema import Source, describe_validation_error

UNIT = "support_eligibility"
SupportNation = Literal["england", "wales", "scotland", "northern_ireland"]
NATION_NAMES = {"england": "England", "wales": "Wales", "scotland": "Scotland", "northern_ireland": "Northern Ireland"}
Outcome = Literal["eligible", "not_eligible", "cannot_tell", "not_in_force"]
OUTCOME_LABELS = {
    "eligible": "Eligible",
    "not_eligible": "Not eligible",
    "cannot_tell": "Cannot tell",
    "not_in_force": "No terms in force",
}


class EligibilityTerms(BaseModel):
    """One dated value of a provider's terms. Every key is optional: a key that is absent (or
    null) sets no condition. ``summary`` says the terms in plain words for the pages."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=10, max_length=300)
    sex: Literal["female", "male"] | None = None
    minimum_age: int | None = Field(None, ge=0, le=120)
    maximum_age: int | None = Field(None, ge=0, le=120)
    exploitation: list[str] | None = Field(None, min_length=1)
    trafficked_into_uk: Literal[True] | None = None
    exploited_in_uk: Literal[True] | None = None
    nations: list[SupportNation] | None = Field(None, min_length=1)
    requires_positive_reasonable_grounds: bool = False
    requires_willingness_to_cooperate: bool = False
    within: str | None = Field(None, description="id of another support_eligibility rule that must hold too")
    area: str | None = Field(None, max_length=200, description="where, in words (not checked by Palermo)")
    initial_support_weeks: int | None = Field(None, ge=1, le=104)
    longer_term_support_requires_cooperation: bool | None = None

    @model_validator(mode="after")
    def _ages_in_order(self) -> EligibilityTerms:
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValueError("minimum_age is above maximum_age: nobody could qualify")
        return self

    @property
    def adults_only(self) -> bool:
        return self.minimum_age is not None and self.minimum_age >= 18


class SupportFacts(BaseModel):
    """What the evaluation needs to know about a person on a day. Palermo derives them from the
    case (``palermo.support.matching``); ``None`` means not known, and a term that needs the fact
    then answers "cannot tell"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    nation: SupportNation
    treated_as_child: StrictBool
    age: int | None = Field(None, ge=0, le=130)
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    exploitation: tuple[str, ...] = ()
    trafficked_into_uk: StrictBool | None = None
    exploited_in_uk: StrictBool | None = None
    positive_reasonable_grounds: StrictBool = False
    willing_to_cooperate: StrictBool | None = None


class EligibilityError(ValueError):
    """The facts or the rule cannot be used; the message says why in plain words."""


def support_facts_parse(data: SupportFacts | dict[str, Any]) -> SupportFacts:
    if isinstance(data, SupportFacts):
        return data
    try:
        return SupportFacts.model_validate(data)
    except ValidationError as exc:
        raise EligibilityError(describe_validation_error(exc)) from exc


@dataclass(frozen=True)
class EligibilityAnswer:
    rule_id: str
    on: dt.date
    outcome: Outcome
    reason: str
    rule_path: tuple[Step, ...]
    citations: tuple[Source, ...]
    version: str | None = None
    terms: EligibilityTerms | None = None

    @property
    def eligible(self) -> bool:
        return self.outcome == "eligible"

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def unverified(self) -> bool:
        return any(not s.verified for s in self.citations)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id, "version": self.version, "on": self.on.isoformat(), "outcome": self.outcome,
            "eligible": self.eligible, "reason": self.reason, "summary": self.terms.summary if self.terms else None,
            "rule_path": [s.to_json() for s in self.rule_path],
            "citations": [s.model_dump(exclude_none=True) for s in self.citations],
            "rests_on_unverified_sources": self.unverified,
        }


def eligibility_rule_ids(root: Path = POLICY_DIR) -> list[str]:
    """Every parameter whose unit is ``support_eligibility``."""
    return sorted(pid for pid, p in all_parameters(root).items() if p.unit == UNIT)


def _dedupe(sources) -> tuple[Source, ...]:
    seen: dict[str, Source] = {}
    for s in sources:
        seen.setdefault(s.citation, s)
    return tuple(seen.values())


def _names(values) -> str:
    items = [NATION_NAMES.get(v, v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _exploitation_labels(codes) -> str:
    try:
        from palermo.nrm.codes import codes as code_list

        known = code_list("exploitation_types")
        return ", ".join(known[c].label.lower() if c in known else c for c in codes)
    except Exception:  # noqa: BLE001 - labels are cosmetic; the codes are still right
        return ", ".join(codes)


def eligibility_evaluate(rule_id: str, facts: SupportFacts | dict[str, Any], *, root: Path = POLICY_DIR,
                         _seen: tuple[str, ...] = ()) -> EligibilityAnswer:
    """Whether the person the facts describe met ``rule_id``'s terms on ``facts.date``.

    Raises :class:`EligibilityError` for unusable facts, an unknown rule, a rule of another unit,
    or a ``within`` cycle (``palermo law check`` refuses those files first)."""
    facts = support_facts_parse(facts)
    if rule_id in _seen:
        raise EligibilityError(f"{rule_id} is within itself ({' → '.join((*_seen, rule_id))})")
    params = all_parameters(root)
    if rule_id not in params or params[rule_id].unit != UNIT:
        raise EligibilityError(f"{rule_id} is not a support eligibility rule")
    on = facts.date
    history = parameter_history(rule_id, root=root)
    entry = None
    for pv in history:
        if pv.effective_from <= on:
            entry = pv
    if entry is None:
        first = history[0]
        return EligibilityAnswer(rule_id, on, "not_in_force",
                                 f"No terms in force on {on:%-d %B %Y}: they start on {first.effective_from:%-d %B %Y}",
                                 (), _dedupe(first.sources), None, None)
    if entry.value is None:
        ended = entry.effective_from - dt.timedelta(days=1)
        return EligibilityAnswer(rule_id, on, "not_in_force",
                                 f"No terms in force on {on:%-d %B %Y}: they ended on {ended:%-d %B %Y}",
                                 (), _dedupe(entry.sources), entry.version, None)
    try:
        terms = EligibilityTerms.model_validate(entry.value)
    except ValidationError as exc:
        raise EligibilityError(f"{rule_id}: {describe_validation_error(exc)}") from exc

    cites = tuple(entry.sources)
    steps: list[Step] = [Step(f"terms in force on {on:%-d %B %Y}", f"yes, from {entry.effective_from:%-d %B %Y}: {terms.summary}", cites)]
    failures: list[str] = []
    missing: list[str] = []
    inner_citations: list[Source] = []

    if terms.within:
        inner = eligibility_evaluate(terms.within, facts, root=root, _seen=(*_seen, rule_id))
        inner_citations += inner.citations
        # Steps are read by caseworkers: the inner rule by its title, never its id.
        within = _rule_title(terms.within, root)
        steps.append(Step(f"within {within}", f"{inner.outcome_label.lower()}: {inner.reason}", ()))
        steps += [Step(f"{within}: {s.test}", s.result, s.citations) for s in inner.rule_path]
        if inner.outcome in {"not_eligible", "not_in_force"}:
            failures.append(f"{inner.reason} ({within})")
        elif inner.outcome == "cannot_tell":
            missing.append(inner.reason)

    def test(name: str, ok: bool | None, passed: str, failed: str, unknown: str = "") -> None:
        if ok is True:
            steps.append(Step(name, passed, cites))
        elif ok is False:
            steps.append(Step(name, f"no: {failed}", cites))
            failures.append(failed)
        else:
            steps.append(Step(name, f"cannot tell: {unknown}", cites))
            missing.append(unknown)

    if terms.requires_positive_reasonable_grounds:
        test("a positive reasonable grounds decision", facts.positive_reasonable_grounds, "yes",
             "support needs a positive reasonable grounds decision in effect")
    if terms.minimum_age is not None:
        m = terms.minimum_age
        if facts.treated_as_child and terms.adults_only:
            ok = False
        elif facts.age is not None:
            ok = facts.age >= m
        else:
            ok = True if (not facts.treated_as_child and m <= 18) else None
        test(f"aged {m} or over", ok, "yes" if facts.age is None else f"yes, aged {facts.age}",
             f"adults only (aged {m} or over): the person is treated as a child (under 18, or not sure)"
             if facts.treated_as_child else f"aged {m} or over only: the person is {facts.age}",
             f"record the person's age (the terms need {m} or over)")
    if terms.maximum_age is not None:
        mx = terms.maximum_age
        ok = True if facts.treated_as_child else (facts.age is not None and facts.age <= mx)
        test(f"a child (aged {mx} or under, or not sure)", ok, "yes",
             "children only: the person is an adult")
    if terms.sex is not None:
        ok = None if facts.sex == "unknown" else facts.sex == terms.sex
        test("a woman" if terms.sex == "female" else "a man", ok, "yes", f"{'women' if terms.sex == 'female' else 'men'} only",
             "record the person's sex")
    if terms.exploitation:
        known = [e for e in facts.exploitation if e != "unknown"]
        hit = [e for e in known if e in terms.exploitation]
        ok = True if hit else (None if not known else False)
        test("exploitation covered", ok, _exploitation_labels(hit),
             f"covers {_exploitation_labels(terms.exploitation)}, not {_exploitation_labels(known) if known else 'this'}",
             "record the kind of exploitation")
    if terms.trafficked_into_uk:
        test("trafficked into the UK", facts.trafficked_into_uk, "yes", "the person was not trafficked into the UK",
             "record whether the person was trafficked into the UK")
    if terms.exploited_in_uk:
        test("exploited in the UK", facts.exploited_in_uk, "yes", "the exploitation was not in the UK",
             "record where the exploitation happened")
    if terms.nations:
        test(f"support in {_names(terms.nations)}", facts.nation in terms.nations, f"yes, {NATION_NAMES[facts.nation]}",
             f"only in {_names(terms.nations)}, not {NATION_NAMES[facts.nation]}")
    if terms.requires_willingness_to_cooperate:
        test("willing to co-operate with the authorities", facts.willing_to_cooperate, "yes",
             "the terms need willingness to co-operate with the authorities",
             "record whether the person is willing to co-operate with the authorities")
    if terms.area:
        steps.append(Step("area", f"{terms.area} (not checked by Palermo)", cites))
    if terms.initial_support_weeks:
        steps.append(Step("initial support", f"{terms.initial_support_weeks} weeks", cites))
    if terms.longer_term_support_requires_cooperation is not None:
        steps.append(Step("longer-term support", "in return for co-operation with the authorities"
                          if terms.longer_term_support_requires_cooperation else "not conditional on co-operation", cites))

    if failures:
        outcome, reason = "not_eligible", failures[0]
    elif missing:
        outcome, reason = "cannot_tell", f"Cannot tell: {missing[0]}"
    else:
        outcome, reason = "eligible", terms.summary
    return EligibilityAnswer(rule_id, on, outcome, reason[:1].upper() + reason[1:], tuple(steps),
                             _dedupe([*cites, *inner_citations]), entry.version, terms)


def eligibility_check(root: Path = POLICY_DIR) -> tuple[int, list[str]]:
    """What ``palermo law check`` adds for support eligibility: every value of every rule fits
    :class:`EligibilityTerms`, names known exploitation codes and an existing rule in ``within``
    (no cycles), and every unverified source says why. Returns (rules checked, problems)."""
    from palermo.nrm.codes import codes as code_list

    problems: list[str] = []
    try:
        params = all_parameters(root)
    except ParameterError as exc:  # reported by the parameter check itself
        return 0, [str(exc)]
    known = set(code_list("exploitation_types"))
    ids = [pid for pid, p in params.items() if p.unit == UNIT]
    within: dict[str, set[str]] = {}
    for pid in ids:
        for i, v in enumerate(params[pid].values):
            where = f"{pid} values.{i} (from {v.from_})"
            for j, s in enumerate(v.sources):
                if not s.verified and not (s.note or "").strip():
                    problems.append(f"{where}: sources.{j}: an unverified source must say why in 'note'")
            if v.value is None:
                continue
            try:
                terms = EligibilityTerms.model_validate(v.value)
            except ValidationError as exc:
                problems.append(f"{where}: {describe_validation_error(exc)}")
                continue
            bad = sorted(set(terms.exploitation or []) - known)
            if bad:
                problems.append(f"{where}: exploitation: unknown code {', '.join(bad)}")
            if terms.within:
                if terms.within not in ids:
                    problems.append(f"{where}: within: {terms.within} is not a support eligibility rule")
                within.setdefault(pid, set()).add(terms.within)
    for start in within:
        todo, seen = list(within[start]), set()
        while todo:
            nxt = todo.pop()
            if nxt == start:
                problems.append(f"{start}: 'within' leads back to itself")
                break
            if nxt not in seen:
                seen.add(nxt)
                todo += within.get(nxt, ())
    return len(ids), problems


__all__ = [
    "EligibilityAnswer", "EligibilityError", "EligibilityTerms", "SupportFacts", "eligibility_check",
    "eligibility_evaluate", "eligibility_rule_ids", "support_facts_parse",
]


def _rule_title(rule_id: str, root) -> str:
    """A rule's name for people: the first sentence of its description, lower-cased at the
    start ("the Salvation Army's adult victim care contract …"), or the id if it has none."""
    from palermo.law.parameters import all_parameters

    params = all_parameters(root) if root is not None else all_parameters()
    p = params.get(rule_id)
    if p is None:
        return rule_id
    first = p.description.split(". ")[0].split(" (")[0].split(":")[0].strip().rstrip(".")
    return "the rule: " + first[:1].lower() + first[1:]
