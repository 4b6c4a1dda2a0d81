"""Small formatting helpers for the support pages."""

from django import template

from palermo.core.calendar import NATION_LABELS

register = template.Library()


@register.filter
def nation_name(code: str) -> str:
    return NATION_LABELS.get(code, code)


@register.filter
def nation_names(codes) -> str:
    return ", ".join(NATION_LABELS.get(c, c) for c in codes or [])


@register.filter
def days_text(days) -> str:
    """"Today", "1 day", "12 days"."""
    if days is None:
        return ""
    days = int(days)
    if days == 0:
        return "Less than a day"
    return f"{days} day" if days == 1 else f"{days} days"
