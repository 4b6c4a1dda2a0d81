"""Output shapes of the children's endpoints (``/api/v1/children/…``): ids, codes, dates and the
free text children's services may see; the board is pseudonymous."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class MissingNow(Schema):
    case_id: int
    reference: str
    episode_id: int
    went_missing_at: dt.datetime
    reported_to_police: bool


class BoardRow(Schema):
    case_id: int
    reference: str
    person_reference: str = Field(description="Pseudonym (P-…), empty for none")
    nationalities: list[str]
    status: str
    local_authority: str
    named_person: str
    named_person_username: str
    named_person_since: dt.date | None
    placement_setting: str
    placement_kind: str
    placement_since: dt.datetime | None
    missing_now: bool
    missing_since: dt.datetime | None
    missing_episodes: int
    latest_grading: int | None
    latest_grading_text: str
    latest_grading_on: dt.date | None


class Board(Schema):
    count: int
    page: int
    page_size: int
    missing_now: list[MissingNow]
    items: list[BoardRow]


class UserRef(Schema):
    username: str
    name: str


class NamedPersonOut(UserRef):
    appointed_on: dt.date | None


class NamedPersonPast(UserRef):
    appointed_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str


class CarePlacementOut(Schema):
    id: int
    setting: str
    setting_kind: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str | None


class Episode(Schema):
    id: int
    open: bool
    went_missing_at: dt.datetime | None
    placement_id: int | None
    missing_from: str
    missing_from_detail: str
    reported_to_police_at: dt.datetime | None
    police_reference: str | None
    returned_at: dt.datetime | None
    found_where: str | None
    found_detail: str
    return_condition: str


class GradingOut(Schema):
    id: int
    level: int
    level_text: str
    graded_on: dt.date | None
    graded_by: UserRef | None
    organisation: str
    evidence_summary: str


class AgeAssessmentOut(Schema):
    id: int
    assessed_on: dt.date | None
    assessed_by: str
    claimed_age: int | None
    assessed_age: int
    outcome: str
    adult_consent: str | None
    under_18: list[str | None] = Field(description="Before and after", max_length=2)
    consent: list[str | None] = Field(description="Before and after", max_length=2)
    local_authority: list[str | None] = Field(description="Before and after", max_length=2)
    competent_authority: list[str | None] = Field(description="Before and after", max_length=2)
    status: list[str | None] = Field(description="Before and after", max_length=2)
    rule: str


class LetterRecipient(Schema):
    kind: str
    organisation: str | None = None
    username: str | None = None
    person_reference: str | None = None


class DecisionLetter(Schema):
    decision_id: int
    kind: str
    outcome: str
    issued_on: dt.date
    for_child: bool
    named_person_missing: bool
    recipients: list[LetterRecipient]


class ChildRecord(Schema):
    """A child's safeguarding record (children's services of the lead local authority)."""

    case_id: int
    reference: str
    person_reference: str | None
    child: bool
    under_18: str
    status: str
    local_authority: str | None
    competent_authority: str
    named_person: NamedPersonOut | None
    named_person_history: list[NamedPersonPast]
    placements: list[CarePlacementOut]
    missing_episodes: list[Episode]
    gradings: list[GradingOut]
    age_assessments: list[AgeAssessmentOut]
    decision_letters: list[DecisionLetter]


class CaseLeftScope(Schema):
    """After an age assessment that takes the case out of your scope (e.g. assessed as an adult)."""

    case_id: int
    child: bool
    status: str


class CarePlacementStarted(Schema):
    placement_id: int
    setting_id: int
    started_at: dt.datetime


class CarePlacementEnded(Schema):
    placement_id: int
    ended_at: dt.datetime
    end_reason: str


class MissingResult(Schema):
    created: bool
    episode: Episode


class GradingRecorded(Schema):
    grading_id: int
    level: int
    graded_on: dt.date
    scale: str


class MissingStatRow(Schema):
    label: str
    combined: bool
    placements: int | str = Field(description='A count, or "fewer than N" under the minimum')
    went_missing: int | str
    within: dict[str, int | str] = Field(description="Band label → count")
    median_hours: float | None


class MissingStatistics(Schema):
    scope: str
    minimum_count: int
    rules: list[str]
    by_setting: list[MissingStatRow]
    by_nationality: list[MissingStatRow]
    total: MissingStatRow
