"""Input shapes for prosecutions, shared by the API and the pages. Pydantic checks types and
bounds; the services check the law (offence in force on its date in the court's nation), the
outcome and sentence rules, and who may do what."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from palermo.api.query import IsoDate
from palermo.core.text import MultiLine, SingleLine

MAX_DEFENDANTS, MAX_CHARGES, REASON_MAX = 20, 30, 2_000
MAX_POUNDS = 1_000_000_000
MAX_CUSTODY_MONTHS = 1_200  # above any term of years; life is recorded as a tariff in months
NationCode = Literal["england_wales", "scotland", "northern_ireland"]
CourtKind = Literal["magistrates", "crown", "sheriff", "high_court_justiciary"]
OffenceId = SingleLine(20)


class ChargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offence_id: OffenceId = Field(min_length=3, description="A law offence id, e.g. SOA2003_s57")
    offence_on: IsoDate = Field(description="The date of the offence (its first day)")


class DefendantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity_id: int = Field(ge=1, le=2**31 - 1, description="An intelligence person entity you may see")
    charges: list[ChargeIn] = Field(min_length=1, max_length=MAX_CHARGES)


class ProsecutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nation: NationCode
    court_kind: CourtKind
    court_name: SingleLine(100) = Field(min_length=2)
    charged_on: IsoDate
    defendants: list[DefendantIn] = Field(min_length=1, max_length=MAX_DEFENDANTS)
    organisation: SingleLine(40) = Field("", description="Your organisation that records it, if you hold the "
                                                         "intelligence role in several")
    operation: SingleLine(20) = Field("", description="Reference of the operation it arose from (OP-…), if any: "
                                                      "one your organisation leads or takes part in")


class OutcomeIn(BaseModel):
    """What became of one charge; a sentence only with a finding of guilt."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["convicted", "acquitted", "discontinued", "dismissed", "left_on_file", "committed"]
    outcome_on: IsoDate
    disposal: Literal["", "immediate_custody", "suspended_sentence", "community_sentence", "fine",
                      "conditional_discharge", "absolute_discharge", "otherwise_dealt_with"] = ""
    custody_months: int | None = Field(None, ge=1, le=MAX_CUSTODY_MONTHS)
    fine_pounds: int | None = Field(None, ge=1, le=MAX_POUNDS)
    confiscation_pounds: int | None = Field(None, ge=1, le=MAX_POUNDS,
                                            description="A confiscation order against the defendant, if made")


class ProsecutionVictimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pseudonym: SingleLine(12) = Field(min_length=3, description="The NRM person's reference (P-…)")
    lawful_reason: Literal["investigation", "safeguarding", "prosecution"]
    reason_text: MultiLine(REASON_MAX) = Field(min_length=1)
