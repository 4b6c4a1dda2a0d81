"""Input shapes for permit applications and decisions, shared by the API and the pages.

Pydantic checks types, formats and bounds; the services check the rules (an identified victim, a
ground the rules of the day recognise, one open application, coded reasons that fit the outcome).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from palermo.core.text import MultiLine, SingleLine
from palermo.law.vocab import PermitGround

REFERENCE_MAX, REASON_TEXT_MAX = 40, 5_000
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9/.\-]*")
REFERENCE_RULE = "must only include letters, numbers, slashes (/), full stops and hyphens, and start with a letter or number"


def reference_problem(value: str) -> str | None:
    """Why ``value`` cannot be an investigation reference (a crime or case number such as
    ``MET/2024/012345``), or None. It is a reference, not free text: no spaces or sentences."""
    if value and not _REFERENCE.fullmatch(value):
        return f"Investigation reference {REFERENCE_RULE}"
    return None


def _reference(value: str) -> str:
    value = value.strip().upper()
    problem = reference_problem(value)
    if problem:
        raise PydanticCustomError("reference", "{problem}", {"problem": problem})
    return value


InvestigationReference = Annotated[SingleLine(REFERENCE_MAX), AfterValidator(_reference)]
Code = SingleLine(60)


class PermitApplicationIn(BaseModel):
    """An application for a permit, or (``renewal``) for the renewal of the case's latest permit."""

    model_config = ConfigDict(extra="forbid")

    grounds: list[PermitGround] = Field(min_length=1, max_length=4)
    investigation_reference: InvestigationReference = Field(
        "", description="Reference of the criminal investigation the person co-operates with (police or CPS)")
    applied_on: dt.date
    renewal: bool = Field(False, description="Renew the case's latest permit rather than apply afresh")


class PermitDecisionIn(BaseModel):
    """The decision on the application awaiting one."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["granted", "refused"]
    reason_codes: list[Code] = Field(min_length=1, max_length=10)
    reason_text: MultiLine(REASON_TEXT_MAX) = ""
    decided_on: dt.date
