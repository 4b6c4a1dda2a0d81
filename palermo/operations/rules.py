"""Who may use operations (docs/operations.md).

* **Intelligence officers** record operations and their outcomes, through the organisations in
  which they hold the role, and only on operations their organisation leads or takes part in;
  they see those operations' records (victims by pseudonym; a victim's name only where their
  organisation recorded a lawful reason in intelligence, as on the entity page).
* **Analysts and monitors** see the list of operations and each operation's aggregate report
  (counts, never records): they see national figures, never case records (docs/architecture.md).
* Nobody else sees operations.
"""

from __future__ import annotations

from palermo.accounts import roles as R
from palermo.intelligence.rules import intelligence_orgs

REPORT_ROLES = (R.ANALYST, R.MONITOR)


def operation_orgs(user) -> list[int]:
    """The organisations through which ``user`` records operations (intelligence officers')."""
    return intelligence_orgs(user)


def can_record_operations(user) -> bool:
    return bool(operation_orgs(user))


def sees_all_reports(user) -> bool:
    """Analysts and monitors: every operation's aggregate report (national figures)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(user.organisations_for(role) for role in REPORT_ROLES)


def can_see_operations(user) -> bool:
    return can_record_operations(user) or sees_all_reports(user)
