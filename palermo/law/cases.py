"""YAML test cases next to the data (after OpenFisca): facts in, expected offences out.

A case file under ``law/data/tests/`` holds ``cases:``, each with a ``name``, the ``facts``, and
what must come out: ``offences`` (the exact set that applied), and optionally ``not_applicable``
(offence id -> near-miss code), ``nations`` (offence id -> nations), ``penalty`` (offence id ->
text the indictment or summary maximum contains) and ``strict_liability`` (offence id -> bool).
Every offence id named must exist: a case that names an unknown id is a broken case.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from palermo.law.engine import Answer, offences_applicable
from palermo.law.offences import all_offences
from palermo.law.schema import LawDataError, describe_validation_error, read_yaml

CASES_DIR = Path(__file__).resolve().parent / "data" / "tests"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=5)
    facts: dict[str, Any]
    offences: list[str]
    not_applicable: dict[str, str] = Field(default_factory=dict)
    nations: dict[str, list[str]] = Field(default_factory=dict)
    penalty: dict[str, str] = Field(default_factory=dict)
    strict_liability: dict[str, bool] = Field(default_factory=dict)

    def ids(self) -> set[str]:
        return {*self.offences, *self.not_applicable, *self.nations, *self.penalty, *self.strict_liability}


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=10)
    cases: list[Case] = Field(min_length=1)


@cache
def all_cases(root: Path = CASES_DIR) -> list[tuple[str, Case]]:
    """Every case as ``(file-stem:name, case)``; ids are checked against the offences."""
    known = set(all_offences())
    found = []
    for path in sorted(root.glob("*.yaml")):
        try:
            parsed = CaseFile.model_validate(read_yaml(path))
        except ValidationError as exc:
            raise LawDataError(f"{path}: {describe_validation_error(exc)}") from exc
        for i, case in enumerate(parsed.cases):
            unknown = case.ids() - known
            if unknown:
                raise LawDataError(
                    f"{path}: cases.{i} ({case.name}): unknown offence id(s) {sorted(unknown)}"
                )
            found.append((f"{path.stem}:{case.name}", case))
    return found


def case_failures(case: Case) -> list[str]:
    """What the engine got wrong for ``case`` (empty when it passes)."""
    answer: Answer = offences_applicable(case.facts)
    problems = []
    got = sorted(answer.offence_ids)
    if got != sorted(case.offences):
        problems.append(f"offences: expected {sorted(case.offences)}, got {got}")
    for oid, code in case.not_applicable.items():
        miss = answer.near_miss(oid)
        if miss is None or miss.code != code:
            problems.append(
                f"not_applicable.{oid}: expected {code}, got {miss.code if miss else 'no near miss'}"
            )
    applied = {o.id: o for o in answer.offences}
    for oid, nations in case.nations.items():
        if oid in applied and sorted(applied[oid].nations) != sorted(nations):
            problems.append(f"nations.{oid}: expected {sorted(nations)}, got {sorted(applied[oid].nations)}")
    for oid, text in case.penalty.items():
        if oid in applied and text not in applied[oid].max_penalty.text():
            problems.append(f"penalty.{oid}: expected {text!r} in {applied[oid].max_penalty.text()!r}")
    for oid, flag in case.strict_liability.items():
        if oid in applied and applied[oid].strict_liability is not flag:
            problems.append(f"strict_liability.{oid}: expected {flag}")
    return problems
