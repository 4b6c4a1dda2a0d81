"""Who may see and do what with residence permits (the ``rules`` package); docs/permits.md.

Decided from the seed note's era and today's practice: the competent authority that identified
the person decides on their permit (seed note §5.1-§5.2: the "relevant authorities"; from 2023 the
competent authority considers temporary permission to stay for the victims it confirms), so:

* ``permits.record_application`` and ``permits.decide_permit``: a decision maker at the competent
  authority the case is routed to;
* ``permits.view_permit`` (the whole record: grounds, the investigation reference, reasons and
  who decided): decision makers and reviewers at that competent authority;
* ``permits.view_permit_dates`` (whether there is a permit, its start, expiry and renewal date,
  and whether an application awaits a decision — nothing about why): everyone who sees the case,
  that is the referring first responder's organisation and, for a child, the local authority's
  children's services, who help the person renew in time. A support provider will join them when
  support placements link a provider to a person (the support app); until then support workers
  see no permits, like every other role.

Django's superuser flag opens nothing here (``permits`` is a case-content app in
``accounts.models.CONTENT_APPS``).
"""

from __future__ import annotations

import rules
from django.db.models import Q

from palermo.accounts import roles as R
from palermo.nrm.rules import case_in_scope, case_scope_q, decides_for_case

#: Roles whose case scope includes permits at all (the list page and the navigation link).
PERMIT_ROLES = (R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER, R.CHILDRENS_SERVICES)


@rules.predicate
def at_deciding_authority(user, case) -> bool:
    """A decision maker or reviewer at the competent authority the case is routed to."""
    return case is not None and case.competent_authority_id in user.organisations_for(R.DECISION_MAKER, R.REVIEWER)


rules.add_perm("permits.view_permit", at_deciding_authority)
rules.add_perm("permits.view_permit_dates", case_in_scope)
rules.add_perm("permits.record_application", decides_for_case)
rules.add_perm("permits.decide_permit", decides_for_case)


def permit_scope_q(user, prefix: str = "") -> Q:
    """A filter selecting the permit records (permits, applications) ``user`` may see at least the
    dates of: those on cases in the user's case scope. Every list applies it."""
    return case_scope_q(user, prefix=f"{prefix}case__")


def can_list_permits(user) -> bool:
    return user.is_authenticated and user.has_role(*PERMIT_ROLES)
