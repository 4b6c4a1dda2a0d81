"""Whether the header shows the search box, and the casework links in the navigation."""

from __future__ import annotations

from palermo.casework.selectors import can_search


def casework(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"casework_search": can_search(user)}
