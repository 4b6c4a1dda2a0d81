"""Object permissions for possible matches (the ``rules`` package).

Seeing or deciding a possible match shows both people's identities side by side, so a user
needs identity access (``people.view_identity``) to a case of *each* of the two people.
``palermo.accounts.models.User.has_perm`` treats ``linkage`` as case content: Django's
superuser flag opens nothing here.
"""

from __future__ import annotations

import rules

from palermo.nrm.models import Case


def may_see_identity_of(user, person_id: int) -> bool:
    """True when ``user`` may see the identity on some NRM case of the person."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or person_id is None:
        return False
    cases = Case.objects.filter(referral__person_id=person_id).select_related("referral")
    return any(user.has_perm("people.view_identity", case) for case in cases)


@rules.predicate
def sees_both_identities(user, candidate) -> bool:
    if candidate is None:
        return False
    return may_see_identity_of(user, candidate.person_a_id) and may_see_identity_of(user, candidate.person_b_id)


rules.add_perm("linkage.view_candidate", sees_both_identities)
rules.add_perm("linkage.decide_candidate", sees_both_identities)
