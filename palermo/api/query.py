"""Query-string checks shared by the API's list endpoints."""

from __future__ import annotations

from palermo.core.exceptions import ValidationFailed


def reject_unknown_query(request, allowed) -> None:
    """A misspelt filter must not silently return everything, and a filter given twice must not
    silently use one of its values: both are 422, naming the parameter."""
    errors = {k: "Unknown query parameter" for k in sorted(set(request.GET) - set(allowed))}
    errors |= {k: "Give this parameter once" for k in sorted(request.GET) if len(request.GET.getlist(k)) > 1}
    if errors:
        raise ValidationFailed("The query string has errors", errors)
