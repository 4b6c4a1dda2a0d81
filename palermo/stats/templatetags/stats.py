"""Formatting figures on statistics pages and in the bulletin."""

from __future__ import annotations

from django import template

from palermo.stats.disclosure import MARKER

register = template.Library()


@register.filter
def figure(cell, unsuppressed=False) -> str:
    """A cell as shown: '1,234', or [c] when withheld; with ``unsuppressed``, the true count,
    followed by [c] when the published tables withhold it."""
    if unsuppressed:
        return f"{cell.count:,}" + (f" {MARKER}" if cell.suppressed else "")
    return MARKER if cell.shown is None else f"{cell.shown:,}"


@register.filter
def quantity(value) -> str:
    """A median or quartile: whole numbers as they are, others to one decimal place."""
    if value is None:
        return MARKER
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
