"""Who may use justice records (docs/justice.md).

* **Record and see prosecutions**: intelligence officers, through the organisations where they
  hold the role, and only the prosecutions those organisations recorded (a police force's cases
  are its own; other forces see them in the statistics only). Outside that: 403, audited.
* **See the statistics**: intelligence officers, analysts and monitors — counts over every
  prosecution, never a defendant, a victim or a court's name.
"""

from __future__ import annotations

from palermo.accounts import roles as R
from palermo.intelligence.rules import intelligence_orgs

STATISTICS_ROLES = frozenset({R.INTELLIGENCE_OFFICER, R.ANALYST, R.MONITOR})


def justice_orgs(user) -> list[int]:
    """The organisations through which ``user`` records and sees prosecutions (none: no access)."""
    return intelligence_orgs(user)


def can_use_justice(user) -> bool:
    return bool(justice_orgs(user))


def can_see_justice_statistics(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.organisations_for(*STATISTICS_ROLES))
