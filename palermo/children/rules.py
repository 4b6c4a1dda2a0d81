"""Who may see and change a child's safeguarding record (the ``rules`` package).

* **Children's services of the lead local authority** (the referral's local authority, while the
  case is a child's: under 18 or not sure): see the record and keep it — the named person, care
  placements, missing episodes and their return, gradings, age assessments.
* **Decision makers and reviewers of the competent authority the case is routed to**: see the
  record (they are alerted when the child goes missing and decide the case); decision makers may
  record an age assessment (on any case of theirs: that is how an adult's case becomes a child's)
  and a grading.
* Nobody else: first responders keep the case page of their referral but not the safeguarding
  record (where the child is placed is for those who look after or decide for the child);
  support workers, intelligence officers, analysts, monitors and administrators see no case.

``palermo.accounts.models.User.has_perm`` treats ``children`` as case content, so Django's
superuser flag opens nothing here.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from palermo.accounts import roles as R


def la_leads(user, case) -> bool:
    """The case is a child's and its local authority is one where ``user`` is in children's services."""
    ref = case.referral
    return ref.is_child and ref.local_authority_id is not None and ref.local_authority_id in user.organisations_for(
        R.CHILDRENS_SERVICES)


@rules.predicate
def lead_local_authority(user, case) -> bool:
    return case is not None and la_leads(user, case)


@rules.predicate
def deciding_authority(user, case) -> bool:
    return case is not None and case.competent_authority_id in user.organisations_for(R.DECISION_MAKER, R.REVIEWER)


@rules.predicate
def decision_maker(user, case) -> bool:
    return case is not None and case.competent_authority_id in user.organisations_for(R.DECISION_MAKER)


def record_scope_q(user, prefix: str = "") -> Q:
    """The cases whose safeguarding record ``user`` may see (the same rule as ``children.view_record``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if orgs := user.organisations_for(R.CHILDRENS_SERVICES):
        q |= Q(**{f"{prefix}referral__local_authority__in": orgs, f"{prefix}referral__under_18__in": ["yes", "not_sure"]})
    if orgs := user.organisations_for(R.DECISION_MAKER, R.REVIEWER):
        q |= Q(**{f"{prefix}competent_authority__in": orgs})
    return q


def board_scope_q(user, prefix: str = "") -> Q:
    """The child cases on a local authority's children's board: led by the user's local authority."""
    orgs = user.organisations_for(R.CHILDRENS_SERVICES) if getattr(user, "is_authenticated", False) else []
    if not orgs:
        return Q(pk__in=[])
    return Q(**{f"{prefix}referral__local_authority__in": orgs, f"{prefix}referral__under_18__in": ["yes", "not_sure"]})


rules.add_perm("children.view_record", lead_local_authority | deciding_authority)
rules.add_perm("children.keep_record", lead_local_authority)  # named person, placements, missing episodes
rules.add_perm("children.record_age_assessment", lead_local_authority | decision_maker)
rules.add_perm("children.record_grading", lead_local_authority | decision_maker)
