"""Input shapes for referrals and decisions, shared by the API, the CSV import and the pages.

Pydantic checks types and formats; the services check the rules (consent, child, codes) so
every interface gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from palermo.people.countries import country_code

Nation = Literal["england", "wales", "scotland", "northern_ireland"]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    aliases: list[str] = Field(default_factory=list)
    date_of_birth: dt.date | None = None
    dob_precision: Literal["exact", "estimated", "unknown"] = "unknown"
    claimed_age: int | None = Field(None, ge=0, le=120)
    assessed_age: int | None = Field(None, ge=0, le=120)
    gender: Literal["female", "male", "other", "unknown"] = "unknown"
    nationalities: list[str] = Field(default_factory=list, description="ISO 3166 codes or country names")
    languages: list[str] = Field(default_factory=list)
    interpreter_needed: bool = False
    contact_details: str = Field("", max_length=2000)

    @field_validator("nationalities")
    @classmethod
    def _iso(cls, values: list[str]) -> list[str]:
        out = []
        for v in values:
            code = country_code(v)  # ValueError names the bad value
            if code not in out:
                out.append(code)
        return out


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received_on: dt.date
    nation: Nation
    police_force_area: str = ""
    exploitation_location: Literal["uk", "overseas", "both", "unknown"] = "unknown"
    exploitation_country: str = ""
    exploitation_types: list[str] = Field(min_length=1)
    indicators: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    narrative: str = Field("", max_length=20000)
    age_at_exploitation: Literal["adult", "child", "unknown"] = "unknown"
    under_18: Literal["yes", "no", "not_sure"]
    local_authority: str = Field("", description="Code of the local authority contacted (required for a child)")
    consent: Literal["given", "refused", "not_required"]
    immigration_enforcement: bool = False
    anonymous: bool = Field(False, description="Duty to Notify only: record no identity")
    first_responder_org: str = Field("", description="Code of the referring organisation; defaults to yours")
    person: PersonIn | None = None

    @field_validator("exploitation_country")
    @classmethod
    def _country(cls, v: str) -> str:
        return country_code(v) if v.strip() else ""


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["reasonable_grounds", "conclusive_grounds", "reconsideration"]
    outcome: Literal["positive", "negative"]
    decided_on: dt.date
    reason_codes: list[str] = Field(min_length=1)
    reason_text: str = Field("", max_length=20000)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agree: bool
    reviewed_on: dt.date
    note: str = Field("", max_length=5000)


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: str
    withdrawn_on: dt.date
    note: str = Field("", max_length=5000)


class ElementsIn(BaseModel):
    """Codes for the act, means and purpose evidenced (law/data/definitions/palermo_trafficking)."""

    model_config = ConfigDict(extra="forbid")

    act: list[str] = Field(default_factory=list)
    means: list[str] = Field(default_factory=list)
    purpose: list[str] = Field(default_factory=list)
