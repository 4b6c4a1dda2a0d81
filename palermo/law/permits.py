"""Residence permits for victims of trafficking, as law data: the rules in force on a date, a
permit's dates, and an explained check of an application against those rules.

Seed note §5.2, §9.1 and §10: from April 2009 "renewable temporary residence permits for identified
victims of human trafficking that participate in a criminal investigation", for one year,
"followed in many cases" after the 45-day reflection period. From 30 January 2023, temporary
permission to stay for confirmed victims (VTS; Nationality and Borders Act 2022, Immigration Rules
appendix). Three dated parameters hold the rules (``law/data/policy/support/``):

* ``support.residence_permit_eligibility`` — the scheme, the grounds it recognises, renewable;
* ``support.residence_permit_months`` — how long a grant runs;
* ``support.residence_permit_renewal_reminder_days`` — how long before expiry it is due for renewal.

:func:`permit_eligibility_explain` walks an application the way :mod:`palermo.law.engine` walks an
offence — each test with what it found and its sources — and ends with a summary. It is
information for the decision maker, never the decision: Palermo does not grant or refuse anything.

Dates. A permit expires on its start plus the months in force on the day it is granted
(:func:`add_months`): the same day of the month, or, where that month is shorter (31 January plus
one month, 29 February plus a year), the first day of the month after, so a permit is never
shorter than its months. The renewal reminder is that many days before the expiry date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from palermo.law.parameters import (
    POLICY_DIR,
    ParameterError,
    ParameterValue,
    all_parameters,
    parameter_at,
    parameter_history,
)
from palermo.law.schema import Source, describe_validation_error
from palermo.law.vocab import PERMIT_GROUND_LABELS, PermitGround

PARAM_ELIGIBILITY = "support.residence_permit_eligibility"
PARAM_MONTHS = "support.residence_permit_months"
PARAM_REMINDER = "support.residence_permit_renewal_reminder_days"
NOT_A_DECISION = "This is information for the decision maker, not the decision."


class PermitEligibilityValue(BaseModel):
    """The schema of one value of ``support.residence_permit_eligibility``."""

    model_config = ConfigDict(extra="forbid")

    scheme: str = Field(min_length=5)
    identified_victim: Literal[True]
    grounds: list[PermitGround] = Field(min_length=1)
    renewable: bool
    follows_reflection_period: str | None = None

    @field_validator("grounds")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a ground is listed twice")
        return v


class _Months(BaseModel):
    value: int = Field(ge=1, le=120)


class _ReminderDays(BaseModel):
    value: int = Field(ge=1, le=365)


def permit_parameter_problems(root: Path = POLICY_DIR) -> list[str]:
    """Problems with the values of the three permit parameters (their files already passed the
    general parameter schema): every value that is not a repeal must fit its own schema."""
    problems = []
    try:
        params = all_parameters(root)
    except ParameterError as exc:
        return [str(exc)]
    checks: dict[str, Any] = {PARAM_ELIGIBILITY: PermitEligibilityValue.model_validate,
                              PARAM_MONTHS: lambda v: _Months(value=v),
                              PARAM_REMINDER: lambda v: _ReminderDays(value=v)}
    for pid, check in checks.items():
        if pid not in params:
            if root == POLICY_DIR:
                problems.append(f"{pid}: the parameter file is missing")
            continue
        for i, entry in enumerate(params[pid].values):
            if entry.value is None:
                continue
            try:
                check(entry.value)
            except ValidationError as exc:
                problems.append(f"{pid}: values.{i} (from {entry.from_}): {describe_validation_error(exc)}")
    return problems


# --- the rules in force, and a permit's dates -------------------------------------------------


@dataclass(frozen=True)
class PermitRules:
    """The permit rules in force on ``on``, each with the parameter value it came from."""

    on: dt.date
    scheme: str
    grounds: tuple[str, ...]
    renewable: bool
    follows_reflection_period: str | None
    months: int
    reminder_days: int
    eligibility: ParameterValue
    months_param: ParameterValue
    reminder_param: ParameterValue

    @property
    def version(self) -> str:
        """What an application stores: the eligibility rule it was checked against."""
        return self.eligibility.version

    @property
    def sources(self) -> tuple[Source, ...]:
        return _dedupe([*self.eligibility.sources, *self.months_param.sources, *self.reminder_param.sources])

    def ground_labels(self) -> list[tuple[str, str]]:
        return [(g, PERMIT_GROUND_LABELS[g]) for g in self.grounds]

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(), "scheme": self.scheme, "grounds": list(self.grounds),
            "renewable": self.renewable, "months": self.months, "renewal_reminder_days": self.reminder_days,
            "versions": {"eligibility": self.eligibility.version, "months": self.months_param.version,
                         "renewal_reminder": self.reminder_param.version},
            "in_force_from": self.eligibility.effective_from.isoformat(),
            "citations": [s.model_dump(exclude_none=True) for s in self.sources],
        }


def permit_rules_at(on: dt.date) -> PermitRules:
    """The rules in force on ``on``; ParameterError before 1 April 2009 (there was no permit)."""
    elig = parameter_at(PARAM_ELIGIBILITY, on)
    months = parameter_at(PARAM_MONTHS, on)
    reminder = parameter_at(PARAM_REMINDER, on)
    value = PermitEligibilityValue.model_validate(elig.value)
    return PermitRules(on=on, scheme=value.scheme, grounds=tuple(value.grounds), renewable=value.renewable,
                       follows_reflection_period=value.follows_reflection_period, months=int(months.value),
                       reminder_days=int(reminder.value), eligibility=elig, months_param=months, reminder_param=reminder)


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` calendar months: the same day of the month or, where the target
    month has no such day, the first day of the month after (never earlier than a full month)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return start.replace(year=year, month=month)
    return dt.date(year + (month == 12), month % 12 + 1, 1)


@dataclass(frozen=True)
class PermitDates:
    """A permit's start, expiry and renewal reminder, with the parameter versions that set them
    (stored beside the dates, as the NRM deadlines are)."""

    starts_on: dt.date
    expires_on: dt.date
    reminder_on: dt.date
    months: int
    months_version: str
    reminder_days: int
    reminder_version: str


def permit_dates(*, starts_on: dt.date, granted_on: dt.date) -> PermitDates:
    """The dates of a permit starting on ``starts_on`` and granted on ``granted_on``: the length
    and the reminder are those in force on the day of the grant (a later change of the rules
    never moves an existing permit's dates)."""
    rules = permit_rules_at(granted_on)
    expires = add_months(starts_on, rules.months)
    return PermitDates(starts_on=starts_on, expires_on=expires,
                       reminder_on=expires - dt.timedelta(days=rules.reminder_days),
                       months=rules.months, months_version=rules.months_param.version,
                       reminder_days=rules.reminder_days, reminder_version=rules.reminder_param.version)


# --- an application, explained -----------------------------------------------------------------


class PermitFacts(BaseModel):
    """What Palermo knows about an application (or a possible one), as of ``date``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date  # the day the application was made (or today, for one not yet made)
    identified_on: dt.date | None = None  # the positive conclusive grounds decision, if any
    grounds: tuple[PermitGround, ...] = ()
    investigation_reference_recorded: bool = False
    recovery_period_min_end: dt.date | None = None
    renewal_of_expiry: dt.date | None = None  # the expiry of the permit this application renews


Outcome = Literal["met", "not_met", "cannot_tell", "information"]


@dataclass(frozen=True)
class PermitStep:
    """One test on the path and what it found."""

    test: str
    result: str
    outcome: Outcome
    citations: tuple[Source, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"test": self.test, "result": self.result, "outcome": self.outcome,
                "citations": [s.model_dump(exclude_none=True) for s in self.citations]}


SUMMARIES = {
    "met": "On what is recorded, the rules in force allow a permit.",
    "not_met": "On what is recorded, a condition of the rules in force is not met.",
    "cannot_tell": "Palermo cannot tell from what is recorded whether the rules in force are met.",
}


@dataclass
class PermitAnswer:
    facts: PermitFacts
    rules: PermitRules | None
    steps: list[PermitStep] = field(default_factory=list)
    outcome: Literal["met", "not_met", "cannot_tell"] = "cannot_tell"
    reasons: list[str] = field(default_factory=list)
    dates_if_granted: PermitDates | None = None

    @property
    def summary(self) -> str:
        return SUMMARIES[self.outcome]

    @property
    def citations(self) -> tuple[Source, ...]:
        return _dedupe([s for step in self.steps for s in step.citations])

    def to_json(self) -> dict[str, Any]:
        d = self.dates_if_granted
        return {
            "date": self.facts.date.isoformat(),
            "outcome": self.outcome,
            "summary": self.summary,
            "rules": self.rules.to_json() if self.rules else None,
            "rule_path": [s.to_json() for s in self.steps],
            "if_granted_on_this_date": None if d is None else {
                "starts_on": d.starts_on.isoformat(), "expires_on": d.expires_on.isoformat(),
                "renewal_reminder_on": d.reminder_on.isoformat(), "months": d.months,
                "versions": {"months": d.months_version, "renewal_reminder": d.reminder_version}},
            "reasons": list(self.reasons),
        }


def _dedupe(sources) -> tuple[Source, ...]:
    seen: dict[str, Source] = {}
    for s in sources:
        seen.setdefault(s.citation, s)
    return tuple(seen.values())


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def permit_eligibility_explain(facts: PermitFacts | dict[str, Any]) -> PermitAnswer:
    """Check an application against the permit rules in force on its date, step by step."""
    facts = facts if isinstance(facts, PermitFacts) else PermitFacts.model_validate(facts)
    on = facts.date
    try:
        rules = permit_rules_at(on)
    except ParameterError:
        first = parameter_history(PARAM_ELIGIBILITY)[0]
        answer = PermitAnswer(facts=facts, rules=None, outcome="not_met")
        answer.steps.append(PermitStep(
            f"rules in force on {_d(on)}",
            f"none: permits for victims of trafficking began on {_d(first.effective_from)}", "not_met",
            tuple(first.sources)))
        answer.reasons = [f"There was no residence permit for victims of trafficking on {_d(on)}.", NOT_A_DECISION]
        return answer
    elig = tuple(rules.eligibility.sources)
    answer = PermitAnswer(facts=facts, rules=rules)
    steps = answer.steps
    steps.append(PermitStep(f"rules in force on {_d(on)}",
                            f"{rules.scheme}, from {_d(rules.eligibility.effective_from)}", "information", elig))
    if facts.identified_on is not None and facts.identified_on <= on:
        steps.append(PermitStep("identified as a victim (a positive conclusive grounds decision)",
                                f"yes, on {_d(facts.identified_on)}", "met", elig))
    else:
        steps.append(PermitStep("identified as a victim (a positive conclusive grounds decision)",
                                "no positive conclusive grounds decision is recorded", "not_met", elig))
    if not facts.grounds:
        steps.append(PermitStep("a ground the rules recognise", "no ground is recorded", "cannot_tell", elig))
    for ground in facts.grounds:
        label = PERMIT_GROUND_LABELS[ground]
        if ground in rules.grounds:
            steps.append(PermitStep("a ground the rules recognise", f"{label}: recognised", "met", elig))
        else:
            known = "; ".join(PERMIT_GROUND_LABELS[g] for g in rules.grounds)
            steps.append(PermitStep("a ground the rules recognise",
                                    f"{label}: not a ground of the rules in force (they recognise: {known})", "not_met", elig))
    if "cooperation_with_investigation" in facts.grounds:
        if facts.investigation_reference_recorded:
            steps.append(PermitStep("an investigation the person co-operates with", "an investigation reference is recorded",
                                    "met", elig))
        else:
            steps.append(PermitStep("an investigation the person co-operates with",
                                    "no investigation reference is recorded: check with the police or prosecutor",
                                    "cannot_tell", elig))
    if facts.renewal_of_expiry is not None:
        if not rules.renewable:
            steps.append(PermitStep("renewable", "no: the rules in force do not renew a permit", "not_met", elig))
        elif on <= facts.renewal_of_expiry:
            steps.append(PermitStep("renewal applied for before the permit expires",
                                    f"yes: it expires on {_d(facts.renewal_of_expiry)}", "met", elig))
        else:
            steps.append(PermitStep("renewal applied for before the permit expires",
                                    f"no: it expired on {_d(facts.renewal_of_expiry)}", "not_met", elig))
    if rules.follows_reflection_period and facts.recovery_period_min_end:
        steps.append(PermitStep("after the reflection and recovery period",
                                f"the permit follows the reflection period '{rules.follows_reflection_period}'; "
                                f"the minimum period ended on {_d(facts.recovery_period_min_end)}", "information", elig))
    start = facts.renewal_of_expiry if facts.renewal_of_expiry is not None else on
    dates = permit_dates(starts_on=start, granted_on=on)
    answer.dates_if_granted = dates
    steps.append(PermitStep(
        "length if granted on this date",
        f"{dates.months} months: from {_d(dates.starts_on)} to {_d(dates.expires_on)}; "
        f"due for renewal from {_d(dates.reminder_on)} ({dates.reminder_days} days before it expires)",
        "information", _dedupe([*rules.months_param.sources, *rules.reminder_param.sources])))
    found = {s.outcome for s in steps}
    answer.outcome = "not_met" if "not_met" in found else "cannot_tell" if "cannot_tell" in found else "met"
    answer.reasons = [answer.summary]
    if any(not s.verified for s in answer.citations):
        answer.reasons.append("Part of this rests on sources marked 'not verified' (outside the seed note and not "
                              "checked); check them before relying on it.")
    answer.reasons.append(NOT_A_DECISION)
    return answer


__all__ = [
    "PARAM_ELIGIBILITY", "PARAM_MONTHS", "PARAM_REMINDER", "PermitAnswer", "PermitDates", "PermitFacts",
    "PermitRules", "PermitStep", "add_months", "permit_dates", "permit_eligibility_explain",
    "permit_parameter_problems", "permit_rules_at",
]
