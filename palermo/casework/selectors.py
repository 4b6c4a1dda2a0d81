"""Reads for finding and allocating cases (issue 14). Every one starts from
``case_list_for_user``, so scope is decided in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.crypto import blind_index
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.nrm.selectors import CaseFilters, case_list_for_user, next_due, reference_q, working_day_horizon
from palermo.people.models import person_full_name_index

from .search import SearchQuery

SEARCH_LIMIT = 50


def can_search(user) -> bool:
    """The roles that see cases may search them (within their scope)."""
    from palermo.web import access

    return access.can_list_cases(user)


def can_search_identity(user) -> bool:
    """Searching by name or date of birth tells whether a person is known: only roles that may
    see identity on the cases in their scope (``IDENTITY_ROLES``) may do it."""
    return bool(user.roles() & R.IDENTITY_ROLES)


@dataclass
class SearchResult:
    query: SearchQuery
    cases: list = field(default_factory=list)
    count: int = 0
    truncated: bool = False


def case_search_for_user(*, user, query: SearchQuery, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Cases in the user's scope that match. Names match through the order- and
    accent-insensitive full-name blind index or the family-name index; a date of birth through
    its blind index (the column is encrypted). One audit event per search with what kind of
    search and how many cases it found: never the text searched for."""
    qs = case_list_for_user(user=user, filters=CaseFilters())
    if query.reference:
        qs = qs.filter(reference_q(query.reference))
    elif query.person_reference:
        qs = qs.filter(referral__person__pseudonym__iexact=query.person_reference.strip())
    elif query.name:
        parts = query.name.split()
        by_full = person_full_name_index(" ".join(parts[:-1]), parts[-1]) if parts else ""
        by_family = blind_index(query.name, purpose="family_name")
        qs = qs.filter(Q(referral__person__full_name_bi=by_full) | Q(referral__person__family_name_bi=by_family))
    elif query.date_of_birth:
        qs = qs.filter(referral__person__dob_bi=blind_index(query.date_of_birth.isoformat(), purpose="dob"))
    else:
        return SearchResult(query=query)
    qs = qs.order_by("-referral__received_on", "-id")
    cases = list(qs[: limit + 1])
    result = SearchResult(query=query, cases=cases[:limit], count=len(cases[:limit]), truncated=len(cases) > limit)
    audit_record(actor=user, action="case.search", object_type="nrm.case",
                 detail={"kind": query.kind, "results": result.count, "truncated": result.truncated})
    return result


def allocation_of(case: Case):
    from .models import CaseAllocation

    return CaseAllocation.objects.filter(case=case).select_related("allocated_to", "allocated_by").first()


def decision_makers_at(org_id: int) -> QuerySet:
    """Active users who hold the decision maker role at this competent authority."""
    return (get_user_model().objects.filter(
        is_active=True, memberships__organisation_id=org_id, memberships__role=R.DECISION_MAKER,
        memberships__organisation__disabled_on__isnull=True).distinct().order_by("last_name", "first_name", "username"))


def due_row(case: Case, today: dt.date) -> dict:
    """What is due next on a case, with the words a list shows."""
    found = next_due(case)
    if found is None:
        return {"kind": None, "date": None, "overdue": False}
    kind, on = found
    return {"kind": kind, "date": on, "overdue": kind == "reasonable_grounds" and on < today}


def my_cases_for_user(*, user, today: dt.date | None = None) -> list[dict]:
    """Open cases allocated to the signed-in user (in their scope), soonest due first."""
    today = today or timezone.localdate()
    qs = (case_list_for_user(user=user, filters=CaseFilters())
          .filter(allocation__allocated_to=user, status__in=workflow.OPEN_STATUSES))
    rows = []
    for case in qs:
        rows.append({"case": case, "reference": case.referral.reference, "status": case.status,
                     "status_label": workflow.STATUS_LABELS.get(case.status, case.status),
                     "person_reference": case.referral.person.pseudonym if case.referral.person else "",
                     "due": due_row(case, today)})
    rows.sort(key=lambda r: (r["due"]["date"] or dt.date.max, r["case"].pk))
    return rows


def team_leader_orgs(user) -> list[int]:
    return user.organisations_for(R.TEAM_LEADER)


def workload_for_user(*, user, today: dt.date | None = None) -> list[dict]:
    """For each competent authority where the user is a team leader: every decision maker with
    their allocated open cases, how many of those have a reasonable grounds decision overdue,
    and how many are due within two working days; then the open cases nobody has."""
    today = today or timezone.localdate()
    horizon = working_day_horizon(today, 2)
    from palermo.accounts.models import Organisation

    out = []
    for org in Organisation.objects.filter(pk__in=team_leader_orgs(user)).order_by("name"):
        open_cases = Case.objects.filter(competent_authority=org, status__in=workflow.OPEN_STATUSES)
        overdue_q = Q(status=workflow.REFERRED, rg_due__lt=today)
        soon_q = (Q(status=workflow.REFERRED, rg_due__gte=today, rg_due__lte=horizon)
                  | Q(status=workflow.RECOVERY_PERIOD, cg_earliest__gte=today, cg_earliest__lte=horizon))
        counts = {row["allocation__allocated_to"]: row for row in (
            open_cases.filter(allocation__isnull=False).values("allocation__allocated_to")
            .annotate(open=Count("id"), overdue=Count("id", filter=overdue_q), soon=Count("id", filter=soon_q)))}
        people = []
        for dm in decision_makers_at(org.pk):
            c = counts.get(dm.pk, {})
            people.append({"user": dm, "name": dm.get_full_name() or dm.username,
                           "open": c.get("open", 0), "overdue": c.get("overdue", 0), "soon": c.get("soon", 0)})
        unallocated = open_cases.filter(allocation__isnull=True)
        out.append({"organisation": org, "people": people, "unallocated": unallocated.count(),
                    "unallocated_overdue": unallocated.filter(overdue_q).count()})
    return out


def possible_matches_q(user) -> Q:
    """Cases whose person has a pending possible match the user may see: both people must be on
    cases where the user sees identity (``linkage.rules``), which for a role in
    ``IDENTITY_ROLES`` means both have a case in the user's scope. Nobody else sees any."""
    from palermo.linkage.models import PENDING, LinkCandidate
    from palermo.nrm.rules import case_scope_q

    if not can_search_identity(user):
        return Q(pk__in=[])
    visible = Case.objects.filter(case_scope_q(user)).exclude(referral__person__isnull=True).values("referral__person_id")
    pending = LinkCandidate.objects.filter(status=PENDING, person_a_id__in=visible, person_b_id__in=visible)
    return (Q(referral__person_id__in=pending.values("person_a_id"))
            | Q(referral__person_id__in=pending.values("person_b_id")))


def possible_match_count_for_user(*, user) -> int:
    """Open cases in scope with a possible match waiting for a caseworker's decision."""
    return (case_list_for_user(user=user, filters=CaseFilters())
            .filter(possible_matches_q(user), status__in=workflow.OPEN_STATUSES).count())


def possible_match_case_ids(*, user, case_ids) -> set[int]:
    """Of ``case_ids``, those with a possible match the user may see (the case list's tag)."""
    return set(Case.objects.filter(pk__in=list(case_ids)).filter(possible_matches_q(user)).values_list("pk", flat=True))
