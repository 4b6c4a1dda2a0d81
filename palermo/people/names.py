"""What a person's name may hold.

People referred to the NRM are named in every script — Vietnamese with its tone marks, Arabic,
Cyrillic, Chinese, Tigrinya — so the rule is not "a to z". A name (given names, family name,
each alias) may hold:

* letters and combining marks of any script (Unicode categories L and M), and digits (an
  unidentified person is often recorded as "Unknown 1" until their name is known);
* spaces (any Unicode space: the ideographic space separates Japanese names);
* hyphens (``-``, U+2010, U+2011), apostrophes (``'``, ``’``, ``ʼ``) and full stops;
* the middle dots that join the parts of transliterated names in Chinese and Japanese
  (``·``, ``・``) and the zero-width joiners some scripts need (U+200C, U+200D).

Nothing else: no control characters (NUL, escape, tab, line breaks), no invisible
direction overrides (U+202E would make a name display backwards), and no ``=``, ``+`` or
``@`` — so a name can never start a formula in a spreadsheet. Names are stored exactly as
written (no case change, no Unicode normalisation); the blind index normalises its own copy.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from palermo.core.text import describe_character, field_label

NAME_MAX_LENGTH = 200
ALIASES_MAX = 20
_PUNCTUATION = frozenset("-\u2010\u2011'\u2019\u02bc.\u00b7\u30fb\u200c\u200d")
RULE = "must only include letters, numbers, spaces, hyphens, apostrophes and full stops"


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, in plain words ("must only include …"); None if it can."""
    for ch in value:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category in {"Zs", "Nd"} or ch in _PUNCTUATION:
            continue
        return f"{RULE}: remove {describe_character(ch)}"
    return None


def _check(value: str, info: ValidationInfo) -> str:
    problem = name_problem(value)
    if problem:
        raise PydanticCustomError("name", "{problem}", {"problem": f"{field_label(info)} {problem}"})
    return value


Name = Annotated[str, Field(max_length=NAME_MAX_LENGTH), AfterValidator(_check)]
