"""Output shapes of the possible-match endpoints. A candidate names both people (identity
included): only users with identity access to a case of both people see it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

CandidateStatus = Literal["pending", "confirmed", "rejected", "unlinked", "withdrawn"]


class ReferralRef(Schema):
    case_id: int
    reference: str
    received_on: dt.date


class MatchPerson(Schema):
    pseudonym: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    gender: str
    nationalities: list[str]
    referrals: list[ReferralRef] = Field(description="Only the referrals you may see")


class LinkCandidate(Schema):
    id: int
    status: CandidateStatus
    match_probability: float
    match_weight: float
    model_version: str
    found_by: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    reason_code: str | None
    other_person: MatchPerson | None = Field(None, description="In a case's list: the other person")
    people: list[MatchPerson] | None = Field(None, description="After a decision: both people", max_length=2)
    likelihood_among_pending: float | None = Field(
        None, description="This pending match's share among the pending matches you see")


class ClusterMember(Schema):
    pseudonym: str
    cases: list[ReferralRef]


class Cluster(Schema):
    pseudonym: str
    members: list[ClusterMember]
