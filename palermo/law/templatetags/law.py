"""Small formatting helpers for the Law pages."""

from django import template

from palermo.law.vocab import NATION_LABELS

register = template.Library()


@register.filter
def nation_label(code: str) -> str:
    return NATION_LABELS.get(code, code)


@register.filter
def section_label(section: str) -> str:
    """'57' -> 's57' (as statutes are cited)."""
    return section if str(section).lower().startswith(("s", "art")) else f"s{section}"
