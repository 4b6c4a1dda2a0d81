"""How a possible match is put into words (issue 14): never a rounded percentage ("100% likely"
reads as certainty), but the share of the odds in words, capped below certainty, and the
evidence: which of name, date of birth, nationality and gender agree, differ or are not known.

The share is ``clustering.odds_shares`` over the pending matches of one person: two matches
at 0.8 are "about 4 in 10" each, because the person can be only one of them."""

from __future__ import annotations

from django.utils.translation import gettext as _


def share_words(share: float) -> str:
    """0.999 → "more than 9 in 10"; 0.44 → "about 4 in 10"; 0.03 → "less than 1 in 10"."""
    if share >= 0.9:
        return _("more than 9 in 10")
    tenths = round(share * 10)
    if tenths < 1:
        return _("less than 1 in 10")
    return _("about %(n)d in 10") % {"n": tenths}


def evidence(a, b) -> list[dict]:
    """Field by field, for two people: ``{"field", "label", "state"}`` with state ``agree``,
    ``differ`` or ``unknown`` (one of them does not have it). Compared through the blind
    indexes and codes, so nothing is decrypted to compare."""

    def compare(x, y) -> str:
        if not x or not y:
            return "unknown"
        return "agree" if x == y else "differ"

    name = ("agree" if a.full_name_bi and a.full_name_bi == b.full_name_bi
            else "agree" if a.family_name_bi and a.family_name_bi == b.family_name_bi
            else compare(a.full_name_bi, b.full_name_bi))
    nat = ("unknown" if not a.nationalities or not b.nationalities
           else "agree" if set(a.nationalities) & set(b.nationalities) else "differ")
    gender = compare(a.gender if a.gender != "unknown" else "", b.gender if b.gender != "unknown" else "")
    return [
        {"field": "name", "label": _("Name"), "state": name},
        {"field": "date_of_birth", "label": _("Date of birth"), "state": compare(a.dob_bi, b.dob_bi)},
        {"field": "nationality", "label": _("Nationality"), "state": nat},
        {"field": "gender", "label": _("Gender"), "state": gender},
    ]


def evidence_words(items: list[dict]) -> dict:
    """{"agree": "name, date of birth", "differ": "…", "unknown": "…"} for a sentence."""
    out = {}
    for state in ("agree", "differ", "unknown"):
        labels = [i["label"] for i in items if i["state"] == state]
        out[state] = ", ".join(labels[:1] + [label.lower() for label in labels[1:]])
    return out
