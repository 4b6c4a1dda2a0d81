"""Date arithmetic for retention periods, kept apart so the rules can be property-tested.

A period of N years ends on the same day and month N years later; a period that starts on
29 February ends on 1 March in a year without one, so a record is always kept for at least the
full period (keeping one day longer is the safe side of a retention rule).
"""

from __future__ import annotations

import datetime as dt

from palermo.law.retention import RetentionRule


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved ``years`` later; 29 February becomes 1 March in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(day.year + years, 3, 1)


def due_on(start: dt.date, rule: RetentionRule) -> dt.date | None:
    """The first day the rule allows the record's removal, counted from ``start`` (None for a
    rule that keeps the record)."""
    if rule.action == "keep":
        return None
    if rule.years is not None:
        return add_years(start, rule.years)
    return start + dt.timedelta(days=rule.days or 0)


def latest_start(moment: dt.datetime, rule: RetentionRule) -> dt.datetime:
    """For records stamped with a time (sessions, sign-in failures, tokens): the latest stamp
    whose period has ended by ``moment`` (a record stamped at or before it is due)."""
    if rule.years is not None:
        try:
            return moment.replace(year=moment.year - rule.years)
        except ValueError:  # 29 February back into a common year
            return moment.replace(year=moment.year - rule.years, day=28)
    return moment - dt.timedelta(days=rule.days or 0)


def eighteenth_birthday(
    *, date_of_birth: dt.date | None, assessed_age: int | None, claimed_age: int | None, received_on: dt.date
) -> dt.date:
    """The day a person referred as a child turns 18, for the child's retention period.

    From the date of birth when it is recorded. Otherwise from the assessed age (else the claimed
    age) on the day the referral was received: someone aged ``a`` that day was born at most
    ``a`` years before it, so the *latest* 18th birthday that age allows is ``18 - a`` years
    after it (the record is kept longer rather than removed before the child could claim). With
    no date of birth and no age, 18 years after the referral (as if the person were a newborn).
    """
    if date_of_birth is not None:
        return add_years(date_of_birth, 18)
    age = assessed_age if assessed_age is not None else claimed_age
    if age is None:
        return add_years(received_on, 18)
    return add_years(received_on, max(18 - age, 0))
