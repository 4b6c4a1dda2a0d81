"""Query-string checks shared by the API's list endpoints."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field

from palermo.core.exceptions import ValidationFailed


def reject_unknown_query(request, allowed) -> None:
    """A misspelt filter must not silently return everything, and a filter given twice must not
    silently use one of its values: both are 422, naming the parameter."""
    errors = {k: "Unknown query parameter" for k in sorted(set(request.GET) - set(allowed))}
    errors |= {k: "Give this parameter once" for k in sorted(request.GET) if len(request.GET.getlist(k)) > 1}
    if errors:
        raise ValidationFailed("The query string has errors", errors)


def _iso_only(value):
    """A date in a query string or a JSON body is YYYY-MM-DD: pydantic would also read ``0`` or
    ``1700000000`` (a string, or a number in a body) as a Unix time."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("Enter a date as YYYY-MM-DD")
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Enter a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]


class PageIn(Schema):
    """``?page=&page_size=`` of a list endpoint (50 a page by default, 200 at most)."""

    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


def page_of(qs, params, present) -> dict:
    """One page of ``qs`` as the list endpoints answer it: the count, the page asked for and its
    items, each through ``present``."""
    start = (params.page - 1) * params.page_size
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size,
            "items": [present(row) for row in qs[start : start + params.page_size]]}
