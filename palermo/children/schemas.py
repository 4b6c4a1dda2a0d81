"""Input shapes for the children's records, shared by the API and the pages (which build them
from their forms). Pydantic checks types and bounds; the services check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from palermo.core.text import MultiLine, SingleLine

Code = SingleLine(60)
DETAIL_MAX, CONDITION_MAX, EVIDENCE_MAX = 2_000, 5_000, 10_000


class AgeAssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assessed_on: dt.date
    assessed_by: Code = Field(description="Code of the organisation that carried out the assessment")
    claimed_age: int | None = Field(None, ge=0, le=120)
    assessed_age: int = Field(ge=0, le=120)
    local_authority: Code = Field("", description="For an adult's case assessed as a child: the local authority that will lead")
    adult_consent: Literal["given", "refused", ""] = Field(
        "", description="For an open child's case assessed as an adult: does the person consent to stay in the NRM?")


class NamedPersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: SingleLine(150) = Field(description="A member of the lead local authority's children's services")
    appointed_on: dt.date


class PlacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    setting_id: int | None = Field(None, ge=1, description="One of the local authority's care settings…")
    new_setting_name: SingleLine(120) = Field("", description="…or a new one: its name (never a carer's name)")
    new_setting_kind: Literal["childrens_home", "foster_care", "supported_accommodation", "secure_home", "other", ""] = ""
    started_at: dt.datetime


class PlacementEndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ended_at: dt.datetime
    end_reason: Literal["moved", "returned_home", "left_care", "missing", "other"]


class MissingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    went_missing_at: dt.datetime
    missing_from: Literal["placement", "education", "other", "not_known"]
    missing_from_detail: MultiLine(DETAIL_MAX) = ""
    reported_to_police_at: dt.datetime | None = None
    police_reference: SingleLine(40) = ""
    request_key: SingleLine(64) = Field(
        "", description="Any unique value for this report (e.g. a UUID): sending the same report again with the same "
                        "key returns the episode already recorded, and nobody is alerted twice")


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    returned_at: dt.datetime
    found_where: Literal["returned_to_placement", "found_by_police", "found_by_others", "found_elsewhere", "not_known"]
    found_detail: MultiLine(DETAIL_MAX) = ""
    return_condition: MultiLine(CONDITION_MAX) = Field(min_length=1)
    reported_to_police_at: dt.datetime | None = None
    police_reference: SingleLine(40) = ""


class GradingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=1, le=5)
    graded_on: dt.date
    evidence_summary: MultiLine(EVIDENCE_MAX) = Field(min_length=1)
