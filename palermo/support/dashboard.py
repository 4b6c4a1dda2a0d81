"""What the dashboard shows about support, by role: a support worker's people placed and whose
support ends within a week; a prime contractor's people awaiting a place and the waiting list
(with the longest wait); for everyone who sees occupancy, providers below their warning level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from palermo.accounts import roles as R
from palermo.support.occupancy import occupancy
from palermo.support.periods import support_period_for_case
from palermo.support.rules import allocating_contracts
from palermo.support.selectors import awaiting_for_user, caseload_for_user, waiting_list_for_user

ENDING_WITHIN_DAYS = 7


@dataclass
class SupportDashboard:
    placed: int | None = None  # None: not a support worker
    ending_soon: int | None = None
    awaiting: int | None = None  # None: not allocating places
    waiting: int | None = None
    longest_wait_days: int | None = None
    low: list[dict] = field(default_factory=list)


def support_dashboard_for_user(*, user, today: dt.date | None = None) -> SupportDashboard | None:
    """None for a role that has nothing to do with support."""
    today = today or timezone.localdate()
    if not user.has_perm("support.view_occupancy"):
        return None
    dash = SupportDashboard()
    if user.has_role(R.SUPPORT_WORKER):
        placements = list(caseload_for_user(user=user))
        dash.placed = len(placements)
        horizon = today + dt.timedelta(days=ENDING_WITHIN_DAYS)
        ends = [support_period_for_case(p.case) for p in placements]
        dash.ending_soon = sum(1 for e in ends if e and e.ends_on and today <= e.ends_on <= horizon)
    if allocating_contracts(user, today):
        dash.awaiting = awaiting_for_user(user=user, on=today).count()
        rows = waiting_list_for_user(user=user, today=today)
        dash.waiting = len(rows)
        dash.longest_wait_days = max((r.days_waited for r in rows), default=None)
    dash.low = [{"code": r.organisation.code, "name": r.organisation.name, "free": r.free,
                 "level": r.profile.low_capacity_threshold} for r in occupancy(on=today) if r.low]
    return dash
