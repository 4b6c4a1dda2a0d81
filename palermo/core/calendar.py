"""Working days in each UK nation, for NRM deadlines.

Bank holidays differ by nation (seed note §5.1 deadlines run in working days; the NRM covers the
whole UK): Scotland has 2 January and St Andrew's Day and no Easter Monday; Northern Ireland has
St Patrick's Day and the Battle of the Boyne. The ``holidays`` package supplies them per
subdivision. Its answers can change between releases (one-off bank holidays get added), so every
stored deadline records ``CALENDAR_VERSION``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import holidays

NATIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}
NATION_LABELS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}
CALENDAR_VERSION = f"holidays-{holidays.__version__}"


@cache
def _calendar(nation: str) -> holidays.HolidayBase:
    try:
        subdiv = NATIONS[nation]
    except KeyError:
        raise ValueError(f"unknown nation {nation!r}; expected one of {', '.join(NATIONS)}") from None
    return holidays.UK(subdiv=subdiv)


def is_working_day(day: dt.date, *, nation: str) -> bool:
    """True when ``day`` is neither a weekend nor a bank holiday in ``nation``."""
    return _calendar(nation).is_working_day(day)


def add_working_days(start: dt.date, days: int, *, nation: str) -> dt.date:
    """The ``days``-th working day after ``start`` in ``nation`` (``start`` itself not counted).

    Example (issue 2): received Wednesday 23 December 2026, 5 working days → England Monday
    4 January 2027, Scotland Tuesday 5 January 2027 (2 January's holiday moves to the 4th).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return next_working_day_on_or_after(start, nation=nation)
    return _calendar(nation).get_nth_working_day(start, days)


def next_working_day_on_or_after(day: dt.date, *, nation: str) -> dt.date:
    cal = _calendar(nation)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date, *, nation: str) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier).

    So ``working_days_between(d, add_working_days(d, n)) == n``. Cached: caseloads ask the same
    question for many cases due on the same day.
    """
    return _working_days_between(start, end, nation)


@lru_cache(maxsize=65536)
def _working_days_between(start: dt.date, end: dt.date, nation: str) -> int:
    if end == start:
        return 0
    cal = _calendar(nation)
    if end > start:
        return cal.get_working_days_count(start + dt.timedelta(days=1), end)
    return -cal.get_working_days_count(end + dt.timedelta(days=1), start)


def holiday_name(day: dt.date, *, nation: str) -> str | None:
    return _calendar(nation).get(day)
