"""What each role's dashboard shows, computed here so pages only format it.

* counts of cases by status in the user's scope (for analysts and monitors: national counts,
  aggregates only, because they see no case records);
* decisions overdue, and due within two working days;
* periods ending this week: recovery periods reaching their minimum end and reconsideration
  windows closing in the seven days from today (a rolling week, so on a Friday it still shows
  next Monday's);
* for decision makers: the median number of working days from referral to the first
  reasonable grounds decision, over decisions made in the last 90 days, counted in the
  referral's nation's calendar (the same calendar that set the target date);
* for reviewers: negative decisions waiting for their second review;
* for first responders and competent authorities: Duty to Notify reports;
* for children's services: their local authority's child cases, children reported missing now
  and child cases with no person named as responsible for their care (``palermo.children``);
* for analysts and monitors: a link to the time-to-first-missing statistic (aggregates only).
* for everyone who sees residence permits: permits due for renewal (the renewal reminder), and
  for decision makers, permit applications awaiting a decision (``palermo.permits.selectors``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.core.calendar import working_days_between
from palermo.nrm import workflow
from palermo.nrm.models import Case, Decision
from palermo.nrm.rules import case_scope_q
from palermo.nrm.selectors import _filter_due, decisions_awaiting_review_for_user, dtn_list_for_user

CASE_ROLES = {R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER, R.CHILDRENS_SERVICES, R.TEAM_LEADER}
AGGREGATE_ROLES = {R.ANALYST, R.MONITOR}
MEDIAN_WINDOW_DAYS = 90


@dataclass
class Dashboard:
    scope: str  # "cases" (the user's own scope), "national" (aggregates only) or "none"
    total: int = 0
    by_status: list[dict] = field(default_factory=list)  # {status, label, count}
    overdue: int = 0
    due_soon: int = 0
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    periods_ending: list[dict] = field(default_factory=list)  # case rows (case scope only)
    periods_ending_count: int = 0
    median_rg_working_days: float | None = None
    median_rg_decisions: int | None = None  # None: not a decision maker
    reviews_pending: int | None = None  # None: not a reviewer
    dtn_count: int | None = None  # None: no Duty to Notify reports in the user's roles
    children: dict | None = None  # children's services: child_cases, missing_now, without_named_person
    missing_statistics: bool = False  # the time-to-first-missing statistic is open to the user
    permits_expiring: int | None = None  # None: the role sees no residence permits
    permit_applications_awaiting: int | None = None  # None: not a decision maker


def _base_queryset(user, scope: str):
    if scope == "cases":
        return Case.objects.filter(case_scope_q(user))
    if scope == "national":
        return Case.objects.all()
    return Case.objects.none()


def dashboard_scope(user) -> str:
    roles = user.roles()
    if roles & CASE_ROLES:
        return "cases"
    if roles & AGGREGATE_ROLES:
        return "national"
    return "none"


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """Today and six days on: the rolling week the dashboard looks ahead over."""
    return today, today + dt.timedelta(days=6)


def periods_ending(qs, start: dt.date, end: dt.date):
    """Cases whose recovery period reaches its minimum end, or whose reconsideration window
    closes, between ``start`` and ``end`` inclusive."""
    return qs.filter(
        Q(status=workflow.RECOVERY_PERIOD, recovery_period_min_end__range=(start, end))
        | Q(status__in=[workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED], reconsideration_deadline__range=(start, end))
    )


def median_rg_working_days(*, user, today: dt.date, days: int = MEDIAN_WINDOW_DAYS) -> tuple[float | None, int]:
    """Median working days from referral to the first reasonable grounds decision, for cases
    routed to the user's competent authorities whose first RG decision was made in the last
    ``days`` days. A decision the reviewer returned still counts as the first decision made
    (it was made; the clock question is how long people wait for one). Returns (median, n)."""
    orgs = user.organisations_for(R.DECISION_MAKER)
    if not orgs:
        return None, 0
    since = today - dt.timedelta(days=days)
    firsts = (
        Decision.objects.filter(kind="reasonable_grounds", case__competent_authority__in=orgs)
        .values("case_id", "case__referral__received_on", "case__referral__nation")
        .annotate(first_on=Min("decided_on"))
        .filter(first_on__gte=since, first_on__lte=today)
    )
    spans = [
        working_days_between(row["case__referral__received_on"], row["first_on"], nation=row["case__referral__nation"])
        for row in firsts
    ]
    if not spans:
        return None, 0
    return float(statistics.median(spans)), len(spans)


def dashboard_for_user(*, user, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    scope = dashboard_scope(user)
    qs = _base_queryset(user, scope)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    start, end = week_bounds(today)
    dash = Dashboard(
        scope=scope,
        total=sum(counts.values()),
        by_status=[{"status": s, "label": label, "count": counts.get(s, 0)} for s, label in workflow.STATUS_CHOICES],
        overdue=_filter_due(qs, "overdue", today).count() if scope != "none" else 0,
        due_soon=_filter_due(qs, "soon", today).count() if scope != "none" else 0,
        week_start=start,
        week_end=end,
    )
    ending = periods_ending(qs, start, end).select_related("referral")
    dash.periods_ending_count = ending.count()
    if scope == "cases":
        for case in ending.order_by("recovery_period_min_end", "reconsideration_deadline", "id")[:50]:
            if case.status == workflow.RECOVERY_PERIOD:
                kind, on = "recovery_period_minimum_end", case.recovery_period_min_end
            else:
                kind, on = "reconsideration_window_closes", case.reconsideration_deadline
            dash.periods_ending.append({"case_id": case.pk, "reference": case.referral.reference, "kind": kind,
                                        "date": on, "status": case.status})
    if user.has_role(R.DECISION_MAKER):
        dash.median_rg_working_days, dash.median_rg_decisions = median_rg_working_days(user=user, today=today)
    if user.has_role(R.REVIEWER):
        dash.reviews_pending = decisions_awaiting_review_for_user(user=user).count()
    if user.has_role(R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER):
        dash.dtn_count = dtn_list_for_user(user=user).count()
    if user.has_role(R.CHILDRENS_SERVICES):
        from palermo.children.selectors import board_counts_for_user

        dash.children = board_counts_for_user(user=user)
    dash.missing_statistics = user.has_role(R.CHILDRENS_SERVICES, R.ANALYST, R.MONITOR)
    from palermo.permits.selectors import permit_counts_for_user

    permits = permit_counts_for_user(user=user, on=today)
    dash.permits_expiring, dash.permit_applications_awaiting = permits.expiring, permits.awaiting_decision
    return dash
