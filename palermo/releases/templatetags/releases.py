"""Formatting for the release pages: rates as percentages, p-values, decimals."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.4567 → "45.7%"; nothing for None."""
    return "" if value is None else f"{value * 100:.1f}%"


@register.filter
def p_value(value) -> str:
    """A p-value as a reader expects it: "< 0.001" or three decimals."""
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


@register.filter
def epsilon(value) -> str:
    """A Decimal epsilon without trailing zeros: 0.5000 → "0.5"."""
    if value is None:
        return ""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"
