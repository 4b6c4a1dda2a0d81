"""Who may use intelligence (docs/intelligence.md).

Only intelligence officers, and only through the organisations in which they hold that role. Every
read of a report, an entity, a link, a search and an export goes through one filter,
:func:`palermo.intelligence.selectors.report_scope_q`, which applies the report's handling code.
"""

from __future__ import annotations

from palermo.accounts import roles as R


def intelligence_orgs(user) -> list[int]:
    """The organisations through which ``user`` holds intelligence (none: no intelligence)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user.organisations_for(R.INTELLIGENCE_OFFICER)


def can_use_intelligence(user) -> bool:
    return bool(intelligence_orgs(user))
