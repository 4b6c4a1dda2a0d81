"""Input shapes for referrals and decisions, shared by the API, the CSV import and the pages.

Pydantic checks types and formats; the services check the rules (consent, child, codes) so
every interface gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from palermo.core.text import MultiLine, SingleLine
from palermo.people.countries import country_code
from palermo.people.names import ALIASES_MAX, Name

Nation = Literal["england", "wales", "scotland", "northern_ireland"]
# Every string and list is bounded, so no interface accepts more than a person could type
# (docs/import.md lists the sizes). Codes are checked against their lists by the services.
Code = SingleLine(60)
# The earlier system's case reference (loading history, issue 11): letters and digits, and
# / - . _ : inside, at most 40 characters. Nothing that could start a spreadsheet formula or hide
# a second value, and no spaces (a reference is typed or pasted, and " 2010/17" must not differ
# from "2010/17").
EXTERNAL_REFERENCE_PATTERN = r"^(?:[A-Za-z0-9](?:[A-Za-z0-9/._:-]{0,38}[A-Za-z0-9])?)?$"
ExternalReference = Annotated[SingleLine(40), Field(pattern=EXTERNAL_REFERENCE_PATTERN)]
NARRATIVE_MAX, CONTACT_MAX, NOTE_MAX = 20_000, 2_000, 5_000


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_name: Name = ""
    family_name: Name = ""
    aliases: list[Name] = Field(default_factory=list, max_length=ALIASES_MAX)
    date_of_birth: dt.date | None = None
    dob_precision: Literal["exact", "estimated", "unknown"] = "unknown"
    claimed_age: int | None = Field(None, ge=0, le=120)
    assessed_age: int | None = Field(None, ge=0, le=120)
    gender: Literal["female", "male", "other", "unknown"] = "unknown"
    nationalities: list[SingleLine(100)] = Field(default_factory=list, max_length=10,
                                                 description="ISO 3166 codes or country names")
    languages: list[SingleLine(100)] = Field(default_factory=list, max_length=10)
    interpreter_needed: bool = False
    contact_details: MultiLine(CONTACT_MAX) = ""

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
    police_force_area: Code = ""
    exploitation_location: Literal["uk", "overseas", "both", "unknown"] = "unknown"
    exploitation_country: SingleLine(100) = ""
    exploitation_types: list[Code] = Field(min_length=1, max_length=20)
    indicators: list[Code] = Field(default_factory=list, max_length=50)
    flags: list[Code] = Field(default_factory=list, max_length=50)
    narrative: MultiLine(NARRATIVE_MAX) = ""
    age_at_exploitation: Literal["adult", "child", "unknown"] = "unknown"
    under_18: Literal["yes", "no", "not_sure"]
    local_authority: Code = Field("", description="Code of the local authority contacted (required for a child)")
    consent: Literal["given", "refused", "not_required"]
    immigration_enforcement: bool = False
    anonymous: bool = Field(False, description="Duty to Notify only: record no identity")
    first_responder_org: Code = Field("", description="Code of the referring organisation; defaults to yours")
    external_reference: ExternalReference = Field(
        "", description="The earlier system's case reference, when the case is brought over from one "
                        "(unique per referring organisation)")
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
    reason_codes: list[Code] = Field(min_length=1, max_length=30)
    reason_text: MultiLine(NARRATIVE_MAX) = ""


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agree: bool
    reviewed_on: dt.date
    note: MultiLine(NOTE_MAX) = ""


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: Code
    withdrawn_on: dt.date
    note: MultiLine(NOTE_MAX) = ""


class ElementsIn(BaseModel):
    """Codes for the act, means and purpose evidenced (law/data/definitions/palermo_trafficking)."""

    model_config = ConfigDict(extra="forbid")

    act: list[Code] = Field(default_factory=list, max_length=30)
    means: list[Code] = Field(default_factory=list, max_length=30)
    purpose: list[Code] = Field(default_factory=list, max_length=30)
