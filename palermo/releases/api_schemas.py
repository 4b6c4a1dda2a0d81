"""Output shapes of the release endpoints: privacy budgets, private releases, the monitoring report."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

Key = str | int | bool | None


class Budget(Schema):
    year: int
    dataset: str
    total_epsilon: str = Field(description="Decimal, as a string")
    spent_epsilon: str
    remaining_epsilon: str
    rule: str
    releases: int


class ReleaseQuery(Schema):
    dataset: str
    year: int
    group_by: str
    keys: list[Key]
    privacy_unit: str
    contributions: int
    mechanism: str
    scale: float
    epsilon: str
    opendp: str
    aggregate: str


class NoisyCount(Schema):
    key: Key
    label: str
    count: int | float


class PrivateRelease(Schema):
    id: int
    dataset: str
    year: int
    dimension: str
    epsilon: str
    query: ReleaseQuery
    result: list[NoisyCount]
    accuracy_95: float = Field(description="Half-width of the 95% interval of each noisy count")
    released_at: dt.datetime
    released_by: str


class MonitoringPeriod(Schema):
    received_from: dt.date | None
    received_to: dt.date | None


class Spread(Schema):
    n: int
    suppressed: bool
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None


class DecisionTimes(Schema):
    competent_authority: str
    name: str
    reasonable_grounds_working_days: Spread
    conclusive_grounds_days_after_reasonable_grounds: Spread


class RateGroup(Schema):
    key: Key
    label: str
    suppressed: bool
    flag: bool | str | None
    n: int | None = None
    positive: int | None = None
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None


class RateBreakdown(Schema):
    stage: str
    stage_label: str
    dimension: str
    label: str
    total: RateGroup | None
    groups: list[RateGroup]


class ReportMethod(Schema):
    interval: str
    test: str
    multiple_comparisons: str
    suppression: str


class MonitoringReport(Schema):
    """Aggregates only; groups under the minimum cell suppressed."""

    period: MonitoringPeriod
    cases: int
    minimum_cell: int
    minimum_cell_rule: str
    decision_times: list[DecisionTimes]
    rates: list[RateBreakdown]
    method: ReportMethod
