"""Input shapes for intelligence reports and victim links, shared by the API and the pages.
Pydantic checks types and bounds; the services check the grading against the scheme of the day,
the identifiers, and who may do what."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from palermo.api.query import IsoDate
from palermo.core.text import MultiLine, SingleLine

TEXT_MAX, CONDITIONS_MAX, IDENTIFIER_MAX, MAX_ENTITIES, MAX_LINKS = 20_000, 2_000, 200, 50, 100
EntityKind = Literal["person", "ocg", "premises", "phone", "vehicle", "bank_account", "online_account"]
LinkKind = Literal["associate", "uses", "owns", "member", "visits", "pays"]
OrgCode = SingleLine(40)


class EntityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EntityKind
    value: SingleLine(IDENTIFIER_MAX) = Field(min_length=1, description="Name, number, registration, address or handle")
    date_of_birth: IsoDate | None = Field(None, description="People only")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: int = Field(ge=0, lt=MAX_ENTITIES, description="Index in ``entities``")
    target: int = Field(ge=0, lt=MAX_ENTITIES, description="Index in ``entities``")
    kind: LinkKind = "associate"


class ReportIn(BaseModel):
    """An intelligence report, graded under the scheme in force on ``reported_on``."""

    model_config = ConfigDict(extra="forbid")

    reported_on: IsoDate
    source_evaluation: SingleLine(2)
    intelligence_assessment: SingleLine(2)
    handling_code: SingleLine(2)
    handling_conditions: MultiLine(CONDITIONS_MAX) = ""
    permitted_organisations: list[OrgCode] = Field(
        default_factory=list, max_length=20,
        description="Codes of the organisations a conditional handling code allows, besides your own")
    text: MultiLine(TEXT_MAX) = Field(min_length=1)
    entities: list[EntityIn] = Field(default_factory=list, max_length=MAX_ENTITIES)
    links: list[LinkIn] = Field(default_factory=list, max_length=MAX_LINKS)
    organisation: OrgCode = Field("", description="Your organisation that submits it, if you hold the role in several")


class IntelligenceSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EntityKind
    value: SingleLine(IDENTIFIER_MAX) = Field(min_length=1)


class VictimLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pseudonym: SingleLine(12) = Field(min_length=3, description="The NRM person's reference (P-…)")
    lawful_reason: Literal["investigation", "safeguarding", "prosecution"]
    reason_text: MultiLine(CONDITIONS_MAX) = Field(min_length=1)
