"""Every read of residence permits. Lists are scoped to the user (``permit_scope_q``); reading a
case's permit record is audited; dates are arguments, so "expiring" can be asked about any day.

**Expiring** (the renewal reminder): a permit whose renewal date has come — ``reminder_on``, set
when it was granted from the dated parameter (60 days before expiry) — and which has not yet
expired, and for which no renewal has been applied for. Once a renewal application is recorded
the reminder has done its work and the permit leaves the list (the application then waits in
"applications awaiting a decision").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.law.parameters import ParameterError
from palermo.law.permits import (
    PermitAnswer,
    PermitFacts,
    PermitRules,
    permit_eligibility_explain,
    permit_rules_at,
)
from palermo.nrm.models import Case
from palermo.permits.models import OPEN, Permit, PermitApplication
from palermo.permits.rules import can_list_permits, permit_scope_q


def permits_expiring_for_user(*, user, on: dt.date) -> QuerySet[Permit]:
    """Permits in the user's scope that are due for renewal on ``on``: their reminder date has
    come, they have not expired, and no renewal has been applied for. Soonest expiry first."""
    return (Permit.objects.filter(permit_scope_q(user), reminder_on__lte=on, expires_on__gte=on,
                                  renewal_applications__isnull=True)
            .select_related("case__referral__person", "case__competent_authority")
            .order_by("expires_on", "id"))


def permit_applications_awaiting_for_user(*, user) -> QuerySet[PermitApplication]:
    """Applications awaiting a decision, in the user's scope, oldest first."""
    return (PermitApplication.objects.filter(permit_scope_q(user), state=OPEN)
            .select_related("case__referral__person", "case__competent_authority", "renews")
            .order_by("applied_on", "id"))


def permit_list_for_user(*, user, on: dt.date | None = None, in_force: bool = False) -> QuerySet[Permit]:
    """Every permit in the user's scope (``in_force``: only those in force on ``on``)."""
    qs = Permit.objects.filter(permit_scope_q(user))
    if in_force:
        on = on or timezone.localdate()
        qs = qs.filter(starts_on__lte=on, expires_on__gte=on)
    return qs.select_related("case__referral__person", "case__competent_authority").order_by("expires_on", "id")


def permit_applications_for_export(*, user) -> QuerySet[PermitApplication]:
    """Every application in the user's scope with its decision and permit (the CSV export)."""
    return (PermitApplication.objects.filter(permit_scope_q(user))
            .select_related("case__referral__person", "case__competent_authority", "decision__permit", "renews")
            .order_by("case_id", "applied_on", "id"))


def full_view_case_ids(*, user, case_ids) -> set[int]:
    """Which of ``case_ids`` the user may see the whole permit record of (the deciding competent
    authority's decision makers and reviewers: ``permits.view_permit``)."""
    orgs = user.organisations_for(R.DECISION_MAKER, R.REVIEWER)
    if not orgs:
        return set()
    return set(Case.objects.filter(pk__in=list(case_ids), competent_authority__in=orgs).values_list("pk", flat=True))


@dataclass
class PermitCounts:
    expiring: int | None = None  # None: the role sees no permits
    awaiting_decision: int | None = None  # None: not a decision maker


def permit_counts_for_user(*, user, on: dt.date) -> PermitCounts:
    """The dashboard's counts: permits due for renewal (for everyone who sees permits, so they can
    help the person apply in time) and applications awaiting a decision (for decision makers,
    the only people who can act on them)."""
    counts = PermitCounts()
    if not can_list_permits(user):
        return counts
    counts.expiring = permits_expiring_for_user(user=user, on=on).count()
    if user.has_role(R.DECISION_MAKER):
        counts.awaiting_decision = (PermitApplication.objects.filter(
            state=OPEN, case__competent_authority__in=user.organisations_for(R.DECISION_MAKER)).count())
    return counts


# --- one case's record ---------------------------------------------------------------------------


@dataclass
class PermitRecord:
    """A case's permit history as the user may see it (``full``: the whole record)."""

    case: Case
    full: bool
    applications: list[PermitApplication]
    permits: list[Permit]
    current: Permit | None  # the permit in force on ``on``, else the latest one
    latest: Permit | None  # the latest permit (a renewal may start after ``on``)
    open_application: PermitApplication | None
    on: dt.date
    can_apply: bool = False
    can_renew: bool = False
    can_decide: bool = False
    why_not: str = ""  # why nothing can be recorded now, for a decision maker
    explanation: PermitAnswer | None = None  # the open application checked against the rules (full only)
    rules_today: PermitRules | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def upcoming(self) -> Permit | None:
        """A granted renewal that starts after ``on``."""
        return self.latest if self.latest is not None and self.latest.starts_on > self.on else None

    @property
    def in_force(self) -> bool:
        return self.current is not None and self.current.in_force_on(self.on)

    @property
    def due_for_renewal(self) -> bool:
        c = self.current
        return (c is not None and c.reminder_on <= self.on <= c.expires_on
                and not any(a.renews_id == c.pk for a in self.applications))


def application_facts(application: PermitApplication, case: Case) -> PermitFacts:
    return PermitFacts(
        date=application.applied_on, identified_on=case.cg_decided_on, grounds=tuple(application.grounds),
        investigation_reference_recorded=bool(application.investigation_reference),
        recovery_period_min_end=case.recovery_period_min_end,
        renewal_of_expiry=application.renews.expires_on if application.renews_id else None)


def permit_record_for_user(*, user, case: Case, on: dt.date | None = None, purpose: str = "view") -> PermitRecord:
    """The permit record of ``case`` (already read with ``case_get_for_user``, which checks and
    audits scope): the whole record for the deciding competent authority, the dates for everyone
    else who sees the case, NotAllowed for anyone else. The read is audited."""
    from palermo.nrm import workflow
    from palermo.permits.services import latest_permit, open_application

    full = user.has_perm("permits.view_permit", case)
    if not full and not user.has_perm("permits.view_permit_dates", case):
        audit_record(actor=user, action="permit.view_refused", obj=case)
        raise NotAllowed("You cannot see this case's permit record")
    on = on or timezone.localdate()
    applications = list(case.permit_applications.select_related("decision", "decision__decided_by", "recorded_by",
                                                                "renews", "decision__permit")
                        .prefetch_related(Prefetch("renews__renewal_applications")))
    permits = list(case.permits.order_by("starts_on", "id"))
    latest = latest_permit(case)
    in_force = [p for p in permits if p.in_force_on(on)]
    record = PermitRecord(case=case, full=full, applications=applications, permits=permits,
                          current=in_force[-1] if in_force else latest, latest=latest,
                          open_application=open_application(case), on=on)
    if user.has_perm("permits.decide_permit", case):
        if case.status != workflow.IDENTIFIED:
            record.why_not = ("A residence permit is only for a person identified as a victim: this case has no "
                              "positive conclusive grounds decision.")
        elif record.open_application is not None:
            record.can_decide = True
        else:
            record.can_renew = latest is not None and latest.starts_on <= on <= latest.expires_on
            record.can_apply = latest is None or latest.expires_on < on
    if full:
        if record.open_application is not None:
            record.explanation = permit_eligibility_explain(application_facts(record.open_application, case))
        try:
            record.rules_today = permit_rules_at(on)
        except ParameterError:
            record.rules_today = None
    audit_record(actor=user, action="permit.view", obj=case,
                 detail={"case_id": case.pk, "shown": "full" if full else "dates", "purpose": purpose})
    return record
