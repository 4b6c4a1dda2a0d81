"""Input shapes for operations and their outcomes, shared by the API and the pages. Pydantic checks
types and bounds; the services check dates, codes, offences and who may do what."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from palermo.api.query import IsoDate
from palermo.core.text import SingleLine

NAME_MAX, MAX_ORGS, MAX_AIMS = 120, 100, 20
MAX_COUNTS = 50  # counts of one offence on one charge sheet
MAX_PENCE = 10**13  # £100 billion: far above any recovery, so a typing slip is refused
OrgCode = SingleLine(40)
Code = SingleLine(30)
Nation = Literal["england_wales", "scotland", "northern_ireland"]
EntityRef = SingleLine(12)


class OperationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SingleLine(NAME_MAX) = Field(min_length=1, description="The operation's name, e.g. Pentameter 2")
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    lead_organisation: OrgCode = Field("", description="Your organisation that leads it, if you hold the role in several")
    participating_organisations: list[OrgCode] = Field(default_factory=list, max_length=MAX_ORGS)
    aims: list[Code] = Field(default_factory=list, max_length=MAX_AIMS, description="Codes from operations.aims")


class _Recorded(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: OrgCode = Field("", description="Your organisation that records it, if you hold the role in several")


class PremisesVisitIn(_Recorded):
    visited_on: IsoDate
    kind: Code = Field(description="Code from operations.premises_kinds")
    nation: Nation
    entity: EntityRef = Field("", description="The premises in intelligence (E-000123), where known")


class VictimIn(_Recorded):
    referral_reference: SingleLine(20) = Field(min_length=1, description="The NRM referral made during the operation")


class ChargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offence_id: SingleLine(40) = Field(min_length=1, description="An offence id of the law data, e.g. SOA2003_s57")
    counts: int = Field(1, ge=1, le=MAX_COUNTS)
    offence_on: IsoDate = Field(description="The date of the alleged offence")
    charged_on: IsoDate


class ArrestIn(_Recorded):
    arrested_on: IsoDate
    nation: Nation
    entity: EntityRef = Field("", description="The person in intelligence (E-000123), where known")
    charges: list[ChargeIn] = Field(default_factory=list, max_length=20)


class AssetIn(_Recorded):
    recorded_on: IsoDate
    kind: Code = Field(description="Code from operations.asset_kinds")
    amount_pence: int = Field(ge=1, le=MAX_PENCE)
    arrest: SingleLine(12) = Field("", description="The arrest it was recovered from (A-000123), where known")


class GatheredIn(_Recorded):
    report_reference: SingleLine(20) = Field(min_length=1, description="An intelligence report you may see")
