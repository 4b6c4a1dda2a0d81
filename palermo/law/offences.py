"""Offences as data: one YAML file per offence under ``law/data/offences/``, validated here.

An offence file says, with a source for every value: the statute and section; the nations it
extends to and, per nation, the dates it was in force (``null`` repeals); what conduct and which
exploitation it covers; its territorial rules and their history (seed note §3.1–§3.2); conditions
such as the old rule that labour trafficking within the UK needed a victim already trafficked into
the UK (seed note §10); strict liability; and the maximum penalty on indictment and summary
conviction. How to add an offence: docs/law.md.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.schema import (
    Dated,
    LawDataError,
    Source,
    check_dates_in_order,
    describe_validation_error,
    read_yaml,
    value_at,
)
from palermo.law.vocab import NATION_LABELS, ConditionId, Conduct, Exploitation, Nation, TerritorialRule

OFFENCES_DIR = Path(__file__).resolve().parent / "data" / "offences"
OFFENCE_ID = re.compile(r"^[A-Z]+[0-9]{4}_s[0-9]+[A-Z]?$")

T = TypeVar("T")
Status = Literal["in_force", "not_yet_in_force", "repealed", "not_extended"]


class Cited(BaseModel, Generic[T]):
    """A value that does not change over time, with its sources."""

    model_config = ConfigDict(extra="forbid")

    value: T
    sources: list[Source] = Field(min_length=1)


class Covers(BaseModel):
    """What the offence is about. ``exploitation: any`` means exploitation is not an element
    (holding someone in servitude is the wrong itself, whatever it was for)."""

    model_config = ConfigDict(extra="forbid")

    conduct: list[Conduct] = Field(min_length=1)
    exploitation: list[Exploitation] | Literal["any"]
    sources: list[Source] = Field(min_length=1)


class RuleEntry(BaseModel):
    """A territorial rule, for some of the offence's nations (all of them if ``nations`` is unset)."""

    model_config = ConfigDict(extra="forbid")

    rule: TerritorialRule
    nations: list[Nation] | None = None


class ConditionEntry(BaseModel):
    """A fact that must be true for the offence, for some conduct and nations (all if unset)."""

    model_config = ConfigDict(extra="forbid")

    condition: ConditionId
    conduct: list[Conduct] | None = None
    nations: list[Nation] | None = None


class Penalty(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indictment: str | None = None
    summary: str | None = None

    def text(self) -> str:
        parts = []
        if self.indictment:
            parts.append(f"on indictment: {self.indictment}")
        if self.summary:
            parts.append(f"summary: {self.summary}")
        return "; ".join(parts) or "not stated"


class Offence(BaseModel):
    """The schema of one offence file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=5)
    statute: str = Field(min_length=5)
    section: str = Field(min_length=1)
    summary: str = Field(min_length=10)
    covers: Covers
    strict_liability: Cited[bool]
    in_force: dict[Nation, list[Dated[Literal[True]]]] = Field(min_length=1)
    territorial: list[Dated[list[RuleEntry]]] = Field(min_length=1)
    conditions: list[Dated[list[ConditionEntry]]] = Field(default_factory=list)
    max_penalty: list[Dated[Penalty]] = Field(min_length=1)
    replaces: list[str] = Field(default_factory=list)
    replaced_by: list[str] = Field(default_factory=list)
    citations: list[Source] = Field(min_length=1)
    notes: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Offence:
        if not OFFENCE_ID.match(self.id):
            raise ValueError(f"id {self.id!r} must look like <ACT><YEAR>_s<section>, e.g. SOA2003_s57")
        for nation, values in self.in_force.items():
            check_dates_in_order(values, label=f"in_force.{nation}")
            if values[0].value is None:
                raise ValueError(f"in_force.{nation}: the first value must be true (in force), not null")
        check_dates_in_order(self.territorial, label="territorial")
        check_dates_in_order(self.conditions, label="conditions")
        check_dates_in_order(self.max_penalty, label="max_penalty")
        start = self.first_in_force
        for label, values in (("territorial", self.territorial), ("max_penalty", self.max_penalty)):
            if values[0].from_ > start:
                raise ValueError(
                    f"{label} must have a value from {start}, the first day the offence was in force"
                )
        nations = set(self.in_force)
        for entries in [*self.territorial, *self.conditions]:
            for e in entries.value or []:
                if e.nations and not set(e.nations) <= nations:
                    raise ValueError(f"{e} names a nation the offence does not extend to ({sorted(nations)})")
        for entries in self.conditions:
            for e in entries.value or []:
                if e.conduct and not set(e.conduct) <= set(self.covers.conduct):
                    raise ValueError(f"condition {e.condition} names conduct the offence does not cover")
        return self

    # ---- reading the dated values ------------------------------------------------------------
    @property
    def nations(self) -> tuple[str, ...]:
        return tuple(self.in_force)

    @property
    def first_in_force(self) -> dt.date:
        return min(v[0].from_ for v in self.in_force.values())

    def status_on(self, nation: str, on: dt.date) -> Status:
        """Was the offence in force in ``nation`` on ``on``?"""
        if nation not in self.in_force:
            return "not_extended"
        entry = value_at(self.in_force[nation], on)  # type: ignore[index]
        if entry is None:
            return "not_yet_in_force"
        return "in_force" if entry.value else "repealed"

    def in_force_entry(self, nation: str, on: dt.date) -> Dated | None:
        return value_at(self.in_force.get(nation, []), on)  # type: ignore[arg-type]

    def rules_on(self, nation: str, on: dt.date) -> tuple[Dated | None, list[str]]:
        entry = value_at(self.territorial, on)
        if entry is None or entry.value is None:
            return entry, []
        return entry, [r.rule for r in entry.value if not r.nations or nation in r.nations]

    def conditions_on(self, nation: str, conduct: str, on: dt.date) -> tuple[Dated | None, list[str]]:
        entry = value_at(self.conditions, on)
        if entry is None or entry.value is None:
            return entry, []
        return entry, [
            c.condition
            for c in entry.value
            if (not c.nations or nation in c.nations) and (not c.conduct or conduct in c.conduct)
        ]

    def penalty_on(self, on: dt.date) -> Dated[Penalty] | None:
        return value_at(self.max_penalty, on)

    def extent_text(self) -> str:
        return ", ".join(NATION_LABELS[n] for n in self.in_force)

    def all_sources(self) -> list[Source]:
        found: list[Source] = [*self.citations, *self.covers.sources, *self.strict_liability.sources]
        for values in self.in_force.values():
            found += [s for v in values for s in v.sources]
        for dated in [*self.territorial, *self.conditions, *self.max_penalty]:
            found += dated.sources
        return found


def load_offence_file(path: Path) -> Offence:
    """Read and validate one offence file; its ``id`` must match the file name."""
    raw = read_yaml(path)
    try:
        offence = Offence.model_validate(raw)
    except ValidationError as exc:
        raise LawDataError(f"{path}: {describe_validation_error(exc)}") from exc
    if offence.id != path.stem:
        raise LawDataError(f"{path}: id {offence.id!r} must match the file name {path.stem!r}")
    return offence


@cache
def all_offences(root: Path = OFFENCES_DIR) -> dict[str, Offence]:
    """Every offence under ``root``, validated, with cross-references checked. Cached."""
    found = {}
    for path in sorted(root.glob("*.yaml")):
        offence = load_offence_file(path)
        found[offence.id] = offence
    for offence in found.values():
        for field in ("replaces", "replaced_by"):
            for ref in getattr(offence, field):
                if ref not in found:
                    raise LawDataError(
                        f"{root / (offence.id + '.yaml')}: {field}: unknown offence id {ref!r}"
                    )
    return dict(sorted(found.items(), key=lambda kv: (kv[1].first_in_force, kv[0])))


def offence_get(offence_id: str, *, root: Path = OFFENCES_DIR) -> Offence:
    """The offence with this id; KeyError naming the known ids if there is none."""
    offences = all_offences(root)
    if offence_id not in offences:
        raise KeyError(f"unknown offence {offence_id!r}; known: {', '.join(offences)}")
    return offences[offence_id]


def offence_list(*, root: Path = OFFENCES_DIR) -> list[Offence]:
    """Every offence, oldest first."""
    return list(all_offences(root).values())
