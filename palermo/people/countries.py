"""Nationalities and countries as ISO 3166-1 alpha-3 codes (pycountry)."""

from __future__ import annotations

from functools import cache

import pycountry

_DEMONYMS = {
    "british": "GBR", "english": "GBR", "scottish": "GBR", "welsh": "GBR", "northern irish": "GBR",
    "vietnamese": "VNM", "chinese": "CHN", "albanian": "ALB", "romanian": "ROU", "nigerian": "NGA",
    "eritrean": "ERI", "sudanese": "SDN", "polish": "POL", "afghan": "AFG", "iranian": "IRN",
    "iraqi": "IRQ", "indian": "IND", "pakistani": "PAK", "bangladeshi": "BGD", "lithuanian": "LTU",
    "slovak": "SVK", "czech": "CZE", "hungarian": "HUN", "bulgarian": "BGR", "ethiopian": "ETH",
    "ghanaian": "GHA", "filipino": "PHL", "thai": "THA", "ukrainian": "UKR", "irish": "IRL",
}


@cache
def country_code(value: str) -> str:
    """ISO alpha-3 code for a code (alpha-2/alpha-3), a country name or a common demonym.
    Raises ValueError naming the value when it is not recognised."""
    text = (value or "").strip()
    if not text:
        raise ValueError("Enter a country")
    if text.casefold() in _DEMONYMS:
        return _DEMONYMS[text.casefold()]
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        found = []
    if len(found) == 1:
        return found[0].alpha_3
    raise ValueError(f"{text!r} is not a recognised country or nationality")


def country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_3=code)
    return getattr(c, "common_name", None) or (c.name if c else code)
