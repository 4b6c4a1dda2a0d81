"""Intelligence grading schemes as dated law data (``policy/intelligence/grading_scheme.yaml``).

The 5x5x5 scheme of the seed note's era and the 3x5x2 scheme that replaced it: source evaluation,
intelligence assessment and handling code. A report is graded under the scheme in force on the day
it was made; each handling code says who may see the report (``dissemination``), which is what
:mod:`palermo.intelligence.selectors` enforces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.parameters import POLICY_DIR, ParameterError, all_parameters, parameter_at
from palermo.law.schema import describe_validation_error

PARAM = "intelligence.grading_scheme"
LAW_ENFORCEMENT, ORIGINATOR_ONLY, ORIGINATOR_AND_NAMED = "law_enforcement", "originator_only", "originator_and_named"
Dissemination = Literal["law_enforcement", "originator_only", "originator_and_named"]


class Grade(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=2)
    label: str = Field(min_length=3)


class HandlingCode(Grade):
    dissemination: Dissemination
    conditions: bool = False


class GradingScheme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scheme: str = Field(pattern=r"^\dx\dx\d$")
    source_evaluation: list[Grade] = Field(min_length=2)
    intelligence_assessment: list[Grade] = Field(min_length=2)
    handling_codes: list[HandlingCode] = Field(min_length=2)

    @model_validator(mode="after")
    def _sizes_match_name(self) -> GradingScheme:
        sizes = [int(n) for n in self.scheme.split("x")]
        got = [len(self.source_evaluation), len(self.intelligence_assessment), len(self.handling_codes)]
        if sizes != got:
            raise ValueError(f"scheme {self.scheme} needs {sizes} grades, the file has {got}")
        for name in ("source_evaluation", "intelligence_assessment", "handling_codes"):
            codes = [g.code for g in getattr(self, name)]
            if len(set(codes)) != len(codes):
                raise ValueError(f"{name} repeats a code")
        return self

    def handling(self, code: str) -> HandlingCode | None:
        return next((h for h in self.handling_codes if h.code == code), None)


@dataclass(frozen=True)
class SchemeInForce:
    scheme: GradingScheme
    version: str  # intelligence.grading_scheme@2016-01-01
    effective_from: dt.date
    citation: str


def grading_scheme_at(day: dt.date) -> SchemeInForce:
    """The scheme in force on ``day``; ParameterError before the first one."""
    pv = parameter_at(PARAM, day)
    return SchemeInForce(GradingScheme.model_validate(pv.value), pv.version, pv.effective_from, pv.citation)


def grading_errors(*, day: dt.date, source_evaluation: str, intelligence_assessment: str, handling_code: str,
                   handling_conditions: str = "") -> dict[str, str]:
    """Why this grading is not one the scheme in force on ``day`` allows (field -> message); empty
    when it is. A 5x5x5 grade on a 3x5x2 date (or the other way round) is refused by name."""
    try:
        s = grading_scheme_at(day).scheme
    except ParameterError:
        return {"reported_on": "The date must be on or after 1 January 2000, when the grading schemes begin"}
    errors = {}
    for field, grades, value in (("source_evaluation", s.source_evaluation, source_evaluation),
                                 ("intelligence_assessment", s.intelligence_assessment, intelligence_assessment),
                                 ("handling_code", s.handling_codes, handling_code)):
        allowed = [g.code for g in grades]
        if value not in allowed:
            errors[field] = f"Select one of {', '.join(allowed)}: the {s.scheme} scheme was in force on that date"
    h = s.handling(handling_code)
    if h is not None and h.conditions and not handling_conditions.strip():
        errors["handling_conditions"] = "Enter the conditions of handling code " + handling_code
    return errors


def grading_parameter_problems(root=POLICY_DIR) -> list[str]:
    """Each value of the grading parameter must fit :class:`GradingScheme` (for ``palermo law check``)."""
    try:
        params = all_parameters(root)
    except ParameterError as exc:
        return [str(exc)]
    if PARAM not in params:
        return [f"{PARAM}: the parameter file is missing"] if root == POLICY_DIR else []
    problems = []
    for i, entry in enumerate(params[PARAM].values):
        if entry.value is None:
            continue
        try:
            GradingScheme.model_validate(entry.value)
        except ValidationError as exc:
            problems.append(f"{PARAM}: values.{i} (from {entry.from_}): {describe_validation_error(exc)}")
    return problems
