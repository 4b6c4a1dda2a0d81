"""Output shape of ``GET /api/v1/stats/tables``: a release of NRM statistics tables."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class StatsPeriod(Schema):
    from_: str = Field(alias="from", description="First day (ISO date)")
    to: str
    quarters: list[str]


class DisclosureControl(Schema):
    threshold: int
    threshold_rule: str
    marker: str
    secondary_suppression: bool
    rounding_base: int | None
    cells: int
    cells_suppressed: int
    rule: str


class Band(Schema):
    code: str
    label: str
    max_days: int | None = None
    max_months: int | None = None


class DecisionTimeBands(Schema):
    rule: str
    bands: list[Band]


class Population(Schema):
    id: str
    label: str
    unit: str
    counted: str


class DimensionValue(Schema):
    code: str | int | bool | None
    label: str


class Dimension(Schema):
    id: str
    label: str
    not_specified: str
    values: list[DimensionValue]


class StatsRow(Schema):
    dimensions: dict[str, str | int | bool | None] = Field(description="Dimension → value; null is the total over it")
    count: int | None = Field(description="null: suppressed (published view)")
    suppressed: bool
    status: str | None = Field(None, description="Unsuppressed view: what disclosure control would do")
    label: str | None = None
    unit: str | None = None
    lower_quartile: float | None = None
    median: float | None = None
    upper_quartile: float | None = None
    withheld: bool | None = None


class StatsTable(Schema):
    id: str
    number: int
    title: str
    population: Population | None = None
    counting_rule: str
    dimensions: list[Dimension]
    rows: list[StatsRow]


class StatsRelease(Schema):
    period: StatsPeriod
    view: Literal["published", "unsuppressed"]
    warning: str | None
    disclosure_control: DisclosureControl
    decision_time_bands: DecisionTimeBands
    tables: list[StatsTable]
