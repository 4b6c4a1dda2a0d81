"""Periods of a statistical release: calendar quarters, and the rules a published period follows.

NRM statistics are published by quarter (seed note §5.1: "Quarterly statistics on the number of
victims referred ... are also published"), from 1 April 2009 when the NRM began. A *published*
release (suppressed tables that anyone in a statistics role may read, and the bulletin) covers
whole quarters that have ended:

* whole quarters, because two releases whose periods differ by a few days would give away, by
  subtraction, the referrals of those days, which no suppression in either release protects;
* quarters that have ended, because the same quarter read today and again tomorrow would give
  away, by subtraction, the referrals recorded in between.

Analysts may read unsuppressed tables for any dates (``palermo.stats.selectors``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from palermo.core.exceptions import ValidationFailed

NRM_START = dt.date(2009, 4, 1)  # seed note §5.1: NRM statistics begin on 1 April 2009
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_QUARTER = re.compile(r"(\d{4})-[qQ]([1-4])")


def long_date(day: dt.date) -> str:
    """'1 January 2023' (GOV.UK style: no leading zero, month in words)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2023-q1' or '2023-Q1'. Raises ValueError otherwise."""
        m = _QUARTER.fullmatch(text or "")
        if not m:
            raise ValueError(f"{text!r} is not a quarter such as 2023-q1")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def index(self) -> int:
        """Quarters counted from year 0: consecutive quarters have consecutive indexes."""
        return self.year * 4 + self.number - 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        nxt = Quarter.from_index(self.index + 1).start
        return nxt - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        """'2023-Q1': the value tables and files use."""
        return f"{self.year}-Q{self.number}"

    @property
    def slug(self) -> str:
        """'2023-q1': the form URLs use."""
        return f"{self.year}-q{self.number}"

    @property
    def label(self) -> str:
        """'January to March 2023'."""
        return f"{MONTHS[3 * self.number - 3]} to {MONTHS[3 * self.number - 1]} {self.year}"

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def of_quarters(cls, first: Quarter, last: Quarter) -> Period:
        return cls(first.start, last.end)

    @property
    def quarters(self) -> list[Quarter]:
        """Every quarter with at least one day in the period, in order."""
        first, last = Quarter.of(self.start), Quarter.of(self.end)
        return [Quarter.from_index(i) for i in range(first.index, last.index + 1)]

    @property
    def whole_quarters(self) -> bool:
        return self.start == Quarter.of(self.start).start and self.end == Quarter.of(self.end).end

    @property
    def label(self) -> str:
        """'1 January 2023 to 31 December 2023'."""
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def slug(self) -> str:
        """'2023-01-01_2023-12-31': in file names and audit events."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def last_complete_quarter(today: dt.date) -> Quarter:
    return Quarter.from_index(Quarter.of(today).index - 1)


def default_period(today: dt.date) -> Period:
    """The last four quarters that have ended: a year of figures on any day."""
    last = last_complete_quarter(today)
    return Period.of_quarters(Quarter.from_index(last.index - 3), last)


def published_quarters(today: dt.date) -> list[Quarter]:
    """Every quarter a published release may cover, newest first: from the NRM's first quarter
    (April to June 2009) to the last one that has ended."""
    first, last = Quarter.of(NRM_START), last_complete_quarter(today)
    return [Quarter.from_index(i) for i in range(last.index, first.index - 1, -1)]


def period_check(period: Period, *, today: dt.date, published: bool) -> None:
    """Raise ValidationFailed (fields ``from`` and ``to``) unless ``period`` may be released.

    Every period starts on or after 1 April 2009 and ends no later than today, with its start not
    after its end. A published period must also be whole quarters that have ended (module
    docstring)."""
    errors: dict[str, str] = {}
    if period.start > period.end:
        errors["to"] = "The end of the period must be the same as or after its start"
    if period.start < NRM_START:
        errors["from"] = "The start of the period must be on or after 1 April 2009, when the NRM began"
    if period.end > today:
        errors["to"] = "The end of the period must be today or in the past"
    if published and not errors:
        if period.start != Quarter.of(period.start).start:
            errors["from"] = "Published statistics start on the first day of a quarter (1 January, 1 April, 1 July or 1 October)"
        if period.end != Quarter.of(period.end).end:
            errors["to"] = "Published statistics end on the last day of a quarter (31 March, 30 June, 30 September or 31 December)"
        elif period.end >= today:
            errors["to"] = "Published statistics end with a quarter that has ended"
    if errors:
        raise ValidationFailed("The period cannot be released", errors)
