"""Retention rules as dated, cited data: how long each kind of record keeps what identifies a person.

UK GDPR Article 5(1)(e) (storage limitation) and the Data Protection Act 2018 s39 (its law
enforcement counterpart, which also asks for periodic review) say personal data is kept "in a form
which permits identification" no longer than necessary; neither names a period. Palermo writes each
period down as data, one file per record kind under ``law/data/policy/retention/``, in the same
convention as the policy parameters (values keyed by the date they take effect, each with its
sources; a source nobody could check here says ``verified: false`` and why).

A file says, for one record kind:

* ``runs_from``: the event the period is counted from (a code of :data:`KINDS`: a case's closure,
  a report being made, a session's expiry…), fixed for the kind so data and code cannot disagree;
* ``values``: dated ``{action, years | days}``: ``anonymise`` (identifiers and narratives removed,
  statistics kept), ``delete`` (rows that hold nothing for statistics), or ``keep`` (no period,
  with the reason in the description). ``null`` repeals: records whose rule date falls after it
  are not processed.

**Which value applies**: the one in force on the day the record closed (a case: the day it
closed, even for a child whose period runs on to the 18th birthday; a report: the day it was
made; a session: the day it expired…), and the record keeps it: a later change of the rules never silently
shortens or lengthens the period of a record already closed. The version (``retention.<kind>@
<from-date>``) is stored on the anonymised record and in the audit event.

``palermo law check`` refuses a file without a citation, with dates out of order, with an unknown
kind, action or ``runs_from``, with a period that does not fit its action, with an unverified
source that does not say why, or that starts after the NRM began (1 April 2009: every record
Palermo can hold must have a rule); and it refuses a set of files that leaves a kind without a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.parameters import POLICY_DIR
from palermo.law.schema import (
    LawDataError,
    Source,
    check_dates_in_order,
    describe_validation_error,
    read_yaml,
)

RETENTION_DIR = POLICY_DIR / "retention"
#: Seed note §5.1: the NRM, and so every record Palermo holds, began on 1 April 2009.
EARLIEST_RECORD = dt.date(2009, 4, 1)

Action = Literal["anonymise", "delete", "keep"]


@dataclass(frozen=True)
class KindSpec:
    """What a record kind is, the event its period runs from, and the actions that fit it."""

    label: str
    runs_from: str
    runs_from_label: str
    actions: frozenset[str]


#: Every record kind that holds (or could lead to) personal data, and what its period counts from.
KINDS: dict[str, KindSpec] = {
    "nrm_case_adult": KindSpec(
        "NRM case of an adult", "case_closed", "the day the case closed", frozenset({"anonymise", "keep"})),
    "nrm_case_child": KindSpec(
        "NRM case of a child (under 18 or not sure when referred)", "case_closed_or_age_18",
        "the later of the day the case closed and the person's 18th birthday", frozenset({"anonymise", "keep"})),
    "duty_to_notify": KindSpec(
        "Duty to Notify report (adult who did not consent to a referral)", "report_made",
        "the day the report was made", frozenset({"anonymise", "keep"})),
    "referral_without_case": KindSpec(
        "Referral with neither a case nor a Duty to Notify report", "referral_received",
        "the day the referral was received", frozenset({"anonymise", "keep"})),
    "link_candidate": KindSpec(
        "Possible match (linkage) involving a person whose identity was removed", "person_anonymised",
        "the day the person's identity was removed", frozenset({"anonymise", "keep"})),
    "session": KindSpec(
        "Web session, including an unsent referral draft", "session_expired", "the moment the session expired",
        frozenset({"delete"})),
    "referral_draft": KindSpec(
        "Referral draft saved to come back to later (never sent)", "draft_saved",
        "the moment the draft was last saved", frozenset({"delete"})),
    "sign_in_failure": KindSpec(
        "Failed sign-in record (keyed hash of the username)", "failure_recorded", "the moment of the failure",
        frozenset({"delete"})),
    "api_token": KindSpec(
        "Revoked API token", "token_revoked", "the moment the token was revoked", frozenset({"delete"})),
    "audit_event": KindSpec(
        "Audit event", "event_recorded", "the moment the event was recorded", frozenset({"keep"})),
}


class RetentionValue(BaseModel):
    """What happens to a record of the kind, and after how long."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    years: int | None = Field(default=None, ge=0, le=150)
    days: int | None = Field(default=None, ge=0, le=36500)

    @model_validator(mode="after")
    def _period_fits_action(self) -> RetentionValue:
        given = [p for p in (self.years, self.days) if p is not None]
        if self.action == "keep" and given:
            raise ValueError("a 'keep' rule has no period: remove years/days")
        if self.action != "keep" and len(given) != 1:
            raise ValueError(f"an '{self.action}' rule needs exactly one of years or days")
        return self


class RetentionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: dt.date = Field(alias="from")
    value: RetentionValue | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unverified_says_why(self) -> RetentionEntry:
        for i, s in enumerate(self.sources):
            if not s.verified and not (s.note or "").strip():
                raise ValueError(f"sources.{i}: an unverified source must say why in 'note'")
        return self


class RetentionRuleFile(BaseModel):
    """The schema of one retention rule file."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    title: str = Field(min_length=5)
    description: str = Field(min_length=20)
    runs_from: str
    values: list[RetentionEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RetentionRuleFile:
        spec = KINDS.get(self.kind)
        if spec is None:
            raise ValueError(f"unknown record kind {self.kind!r} (known: {', '.join(sorted(KINDS))})")
        if self.runs_from != spec.runs_from:
            raise ValueError(f"runs_from for {self.kind} must be {spec.runs_from!r}, not {self.runs_from!r}")
        check_dates_in_order(self.values)
        if self.values[0].from_ > EARLIEST_RECORD:
            raise ValueError(
                f"the first value must be in force by {EARLIEST_RECORD.isoformat()} (the NRM began then): "
                f"a record with no rule would be kept for ever"
            )
        for i, entry in enumerate(self.values):
            if entry.value is not None and entry.value.action not in spec.actions:
                raise ValueError(
                    f"values.{i}.value.action: {entry.value.action!r} does not fit {self.kind} "
                    f"(allowed: {', '.join(sorted(spec.actions))})"
                )
        return self


@dataclass(frozen=True)
class RetentionRule:
    """One value of a retention rule, as in force on some date."""

    kind: str
    title: str
    runs_from: str
    action: str
    years: int | None
    days: int | None
    effective_from: dt.date
    effective_to: dt.date | None
    sources: tuple[Source, ...]

    @property
    def id(self) -> str:
        return f"retention.{self.kind}"

    @property
    def version(self) -> str:
        """What an anonymised record and its audit event store: ``retention.<kind>@<from-date>``."""
        return f"{self.id}@{self.effective_from.isoformat()}"

    @property
    def period_text(self) -> str:
        if self.action == "keep":
            return "kept"
        n, unit = (self.years, "year") if self.years is not None else (self.days, "day")
        if n == 0:
            return f"{self.action} from {KINDS[self.kind].runs_from_label}"
        return f"{self.action} {n} {unit}{'' if n == 1 else 's'} after {KINDS[self.kind].runs_from_label}"

    @property
    def citation(self) -> str:
        return "; ".join(s.citation for s in self.sources)


def load_retention_file(path: Path) -> RetentionRuleFile:
    """Read and validate one rule file; raise LawDataError naming the file and the problem."""
    raw = read_yaml(path)
    try:
        parsed = RetentionRuleFile.model_validate(raw)
    except ValidationError as exc:
        raise LawDataError(f"{path}: {describe_validation_error(exc)}") from exc
    if parsed.kind != path.stem:
        raise LawDataError(f"{path}: kind {parsed.kind!r} does not match the file name")
    return parsed


def retention_check(root: Path = RETENTION_DIR) -> tuple[int, list[str]]:
    """Validate every rule file and that every kind has one. Returns (files checked, problems)."""
    problems: list[str] = []
    found: set[str] = set()
    for path in sorted(root.glob("*.yaml")):
        try:
            found.add(load_retention_file(path).kind)
        except LawDataError as exc:
            problems.append(str(exc))
    problems += [f"{root}: no retention rule for record kind {kind!r}" for kind in sorted(set(KINDS) - found)
                 if not any(p.startswith(str(root / kind)) for p in problems)]
    return len(found), problems


@cache
def all_retention_rules(root: Path = RETENTION_DIR) -> dict[str, RetentionRuleFile]:
    """Every rule file, validated, by kind. Cached: the files ship with the code."""
    count, problems = retention_check(root)
    if problems:
        raise LawDataError("; ".join(problems))
    return {path.stem: load_retention_file(path) for path in sorted(root.glob("*.yaml"))}


def retention_history(kind: str, *, root: Path = RETENTION_DIR) -> list[RetentionRule | None]:
    """Every value the kind's rule has had, oldest first (a repeal is None)."""
    rf = all_retention_rules(root)[kind]
    out: list[RetentionRule | None] = []
    for i, e in enumerate(rf.values):
        to = rf.values[i + 1].from_ - dt.timedelta(days=1) if i + 1 < len(rf.values) else None
        if e.value is None:
            out.append(None)
            continue
        out.append(RetentionRule(kind, rf.title, rf.runs_from, e.value.action, e.value.years, e.value.days,
                                 e.from_, to, tuple(e.sources)))
    return out


def retention_rule_at(kind: str, on: dt.date, *, root: Path = RETENTION_DIR) -> RetentionRule | None:
    """The rule for ``kind`` in force on ``on``: None before the first value or after a repeal
    (then the record is not processed: no rule, no removal)."""
    if kind not in KINDS:
        raise LawDataError(f"unknown record kind {kind!r}")
    rf = all_retention_rules(root)[kind]
    current: RetentionRule | None = None
    for entry, rule in zip(rf.values, retention_history(kind, root=root), strict=True):
        if entry.from_ <= on:
            current = rule
    return current


def retention_rules_in_force(on: dt.date, *, root: Path = RETENTION_DIR) -> list[tuple[str, RetentionRule | None]]:
    """(kind, rule in force on ``on``) for every kind, in the order of :data:`KINDS`."""
    return [(kind, retention_rule_at(kind, on, root=root)) for kind in KINDS]
