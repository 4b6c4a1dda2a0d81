"""Definitions as data: one YAML file per term under ``law/data/definitions/`` (seed note §1).

A definition has dated values like every other piece of law here (a term's meaning can change:
the Palermo Protocol's definition was adopted in 2000 and taken into the Council of Europe
Convention in 2005). A value may carry ``elements`` (the Palermo act / means / purpose lists) that
the assessment aid uses. ``see_also`` names other definitions or offences and must name known ids.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.schema import (
    Dated,
    LawDataError,
    check_dates_in_order,
    describe_validation_error,
    read_yaml,
    value_at,
)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "data" / "definitions"
_TERM_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str


class DefinitionValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=10)
    quoted: bool = False
    elements: dict[str, list[Element]] | None = None


class Definition(BaseModel):
    """The schema of one definition file."""

    model_config = ConfigDict(extra="forbid")

    id: str
    term: str = Field(min_length=3)
    aliases: list[str] = Field(default_factory=list)
    values: list[Dated[DefinitionValue]] = Field(min_length=1)
    see_also: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        if not _TERM_ID.match(self.id):
            raise ValueError(f"id {self.id!r} must be lower_snake_case")
        check_dates_in_order(self.values)
        return self

    def current(self, on: dt.date | None = None) -> Dated[DefinitionValue]:
        """The value in force on ``on`` (today by default), else the latest."""
        entry = value_at(self.values, on or dt.date.today())
        return entry if entry is not None and entry.value is not None else self.values[-1]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@cache
def all_definitions(
    root: Path = DEFINITIONS_DIR, known_offences: frozenset[str] | None = None
) -> dict[str, Definition]:
    """Every definition, validated; ``see_also`` must name a definition or a known offence."""
    from palermo.law.offences import all_offences

    offences = known_offences if known_offences is not None else frozenset(all_offences())
    found: dict[str, Definition] = {}
    for path in sorted(root.glob("*.yaml")):
        try:
            definition = Definition.model_validate(read_yaml(path))
        except ValidationError as exc:
            raise LawDataError(f"{path}: {describe_validation_error(exc)}") from exc
        if definition.id != path.stem:
            raise LawDataError(f"{path}: id {definition.id!r} must match the file name {path.stem!r}")
        found[definition.id] = definition
    for d in found.values():
        for ref in d.see_also:
            if ref not in found and ref not in offences:
                raise LawDataError(
                    f"{root / (d.id + '.yaml')}: see_also: unknown definition or offence id {ref!r}"
                )
    return found


def definition_list(*, root: Path = DEFINITIONS_DIR) -> list[Definition]:
    return list(all_definitions(root).values())


def definition_get(term: str, *, root: Path = DEFINITIONS_DIR) -> Definition:
    """The definition whose id, term or alias matches ``term`` (case and punctuation ignored)."""
    key = _key(term)
    for d in all_definitions(root).values():
        if key in {d.id, _key(d.term), *(_key(a) for a in d.aliases)}:
            return d
    known = ", ".join(sorted(all_definitions(root)))
    raise KeyError(f"no definition of {term!r}; known terms: {known}")
