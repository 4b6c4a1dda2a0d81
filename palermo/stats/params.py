"""The dated, cited parameters of the statistics (``law/data/policy/stats/``): the suppression
threshold and the decision-time bands, each in force on the last day of a release's period."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from palermo.law.parameters import ParameterValue, parameter_at

THRESHOLD = "stats.suppression_threshold"
BANDS = "stats.decision_time_bands"


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: str = Field(min_length=3)
    max_days: int | None = Field(None, ge=0)
    max_months: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_end(self) -> Band:
        if self.max_days is not None and self.max_months is not None:
            raise ValueError("a band ends after days or after months, not both")
        return self


def threshold_at(day: dt.date) -> ParameterValue:
    value = parameter_at(THRESHOLD, day)
    if not isinstance(value.value, int) or value.value < 2:
        raise ValueError(f"{value.version}: the threshold must be a whole number of at least 2")
    return value


def bands_at(day: dt.date) -> tuple[list[dict], ParameterValue]:
    """The bands in force on ``day``, validated: ends increase, and only the last band is open."""
    value = parameter_at(BANDS, day)
    bands = [Band.model_validate(b) for b in value.value]
    if not bands or bands[-1].max_days is not None or bands[-1].max_months is not None:
        raise ValueError(f"{value.version}: the last band must have no end")
    if any(b.max_days is None and b.max_months is None for b in bands[:-1]):
        raise ValueError(f"{value.version}: only the last band may have no end")
    days = [b.max_days for b in bands if b.max_days is not None]
    months = [b.max_months for b in bands if b.max_months is not None]
    if days != sorted(set(days)) or months != sorted(set(months)):
        raise ValueError(f"{value.version}: band ends must increase")
    first_month = next((i for i, b in enumerate(bands) if b.max_months is not None), len(bands))
    if any(b.max_days is not None for b in bands[first_month:]):
        raise ValueError(f"{value.version}: bands in days come before bands in months")
    if days and months and days[-1] >= 28 * months[0]:
        raise ValueError(f"{value.version}: a band in days must end before the first band in months can")
    return [b.model_dump(exclude_none=True) for b in bands], value
