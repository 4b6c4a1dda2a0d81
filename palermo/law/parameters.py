"""Dated policy parameters: values keyed by the date they take effect, each with its source.

After OpenFisca's parameter files: one YAML file per parameter under ``law/data/policy/``; the
path is the identifier (``nrm/rg_target_working_days.yaml`` is ``nrm.rg_target_working_days``);
``values`` is a list of ``{from: DATE, value: …, sources: [...]}`` in date order, and a value of
``null`` repeals the parameter from that date. Every value must cite at least one source (a seed
note section, or a public source for later law); a source we could not check says
``verified: false`` rather than pretending.

A case stores the *version* of each parameter it used (``<id>@<from-date>``) so that a later
change in the rules never silently changes an old deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.schema import Source, check_dates_in_order, describe_validation_error

POLICY_DIR = Path(__file__).resolve().parent / "data" / "policy"

Unit = Literal[
    "working_days", "calendar_days", "months", "years", "text", "routing", "list", "eligibility", "flag",
    "count", "epsilon",
    "support_eligibility",
    "grading_scheme",
    "principal_offence_rule",
]


__all__ = [
    "POLICY_DIR",
    "DatedValue",
    "ParameterError",
    "ParameterFile",
    "ParameterValue",
    "Source",
    "all_parameters",
    "load_parameter_file",
    "parameter_at",
    "parameter_history",
]


class ParameterError(Exception):
    """A parameter file is invalid, or no value is in force on the date asked for."""


class DatedValue(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: dt.date = Field(alias="from")
    value: Any = None
    sources: list[Source] = Field(min_length=1)


class ParameterFile(BaseModel):
    """The schema of one parameter file."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=10)
    # What a caseworker reads behind "Why this date?": plain words, ``{value}`` is the value in
    # force (``palermo.law.explain``). Optional: parameters never shown on a page need none.
    title: str | None = Field(default=None, min_length=5, max_length=200)
    unit: Unit
    values: list[DatedValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ParameterFile:
        check_dates_in_order(self.values)
        return self


@dataclass(frozen=True)
class ParameterValue:
    """One value of a parameter, as in force on some date."""

    id: str
    value: Any
    effective_from: dt.date
    effective_to: dt.date | None  # the last day it was in force, if a later value replaced it
    sources: tuple[Source, ...]
    unit: str

    @property
    def version(self) -> str:
        """What a case stores to say which rule it used: ``<id>@<from-date>``."""
        return f"{self.id}@{self.effective_from.isoformat()}"

    @property
    def citation(self) -> str:
        return "; ".join(s.citation for s in self.sources)


def _id_for(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def load_parameter_file(path: Path, *, root: Path = POLICY_DIR) -> tuple[str, ParameterFile]:
    """Read and validate one file; raise ParameterError naming the file and the problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return _id_for(path, root), ParameterFile.model_validate(raw)
    except ValidationError as exc:
        raise ParameterError(f"{path}: {describe_validation_error(exc)}") from exc


def parameter_files(root: Path = POLICY_DIR) -> list[Path]:
    """The parameter files under ``root``: every YAML file except the retention rules
    (``retention/``), which have their own schema (:mod:`palermo.law.retention`)."""
    return [p for p in sorted(root.rglob("*.yaml")) if p.relative_to(root).parts[0] != "retention"]


@cache
def all_parameters(root: Path = POLICY_DIR) -> dict[str, ParameterFile]:
    """Every parameter under ``root``, validated. Cached: the files ship with the code."""
    found: dict[str, ParameterFile] = {}
    for path in parameter_files(root):
        pid, parsed = load_parameter_file(path, root=root)
        found[pid] = parsed
    return found


def parameter_history(pid: str, *, root: Path = POLICY_DIR) -> list[ParameterValue]:
    """Every value the parameter has had, oldest first (repeals included as value None)."""
    params = all_parameters(root)
    if pid not in params:
        raise ParameterError(f"unknown parameter {pid!r}")
    p = params[pid]
    out = []
    for i, v in enumerate(p.values):
        to = p.values[i + 1].from_ - dt.timedelta(days=1) if i + 1 < len(p.values) else None
        out.append(ParameterValue(pid, v.value, v.from_, to, tuple(v.sources), p.unit))
    return out


def parameter_at(pid: str, on: dt.date, *, root: Path = POLICY_DIR) -> ParameterValue:
    """The value of parameter ``pid`` in force on date ``on``.

    Raises ParameterError when the date is before the first value or after a repeal: a rule
    that did not exist cannot silently default to something.
    """
    current = None
    for pv in parameter_history(pid, root=root):
        if pv.effective_from <= on:
            current = pv
    if current is None or current.value is None:
        raise ParameterError(f"{pid} has no value in force on {on.isoformat()}")
    return current
