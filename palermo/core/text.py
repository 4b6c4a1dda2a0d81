"""What free text may hold, for every interface (API, CSV import, pages).

Text is stored as it was written — a narrative keeps its line breaks, its Unicode line and
paragraph separators (U+2028, U+2029, U+0085) and any formula-like words — but some characters
are never data:

* NUL (U+0000) and the other C0 control characters (escape, backspace, bell…): PostgreSQL
  refuses NUL in text, terminals obey escape sequences, and no person types them. Tabs and line
  breaks are allowed in multi-line text (a narrative, contact details, a note), never in a
  single-line value (a code, a language, a search);
* lone surrogates (U+D800–U+DFFF): not text at all; they reach us as ``\\ud800`` in JSON and
  cannot be encrypted or stored.

Every value is also bounded (``max_length`` on each field): the sizes are in
``palermo/nrm/schemas.py`` and docs/import.md.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

# What is never text: C0 controls and DEL (multi-line text keeps tab, LF, VT, FF and CR), and
# lone surrogates. One regular expression, so a 20,000-character narrative is checked in C.
_NOT_TEXT = {
    True: re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]"),
    False: re.compile("[\x00-\x1f\x7f\ud800-\udfff]"),
}


def describe_character(ch: str) -> str:
    """A character as a person can find it: visible ones as themselves, the rest by code."""
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}” ({code})"
    return f"the invisible character {code}"


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why ``value`` cannot be stored as text, in plain words; None when it can."""
    found = _NOT_TEXT[multiline].search(value)
    if found is None:
        return None
    ch = found.group()
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"has something that is not text: remove {describe_character(ch)}"
    where = "" if multiline else " or line breaks"
    return f"must not include control characters{where}: remove {describe_character(ch)}"


def field_label(info: ValidationInfo | None) -> str:
    """"Given name" for ``given_name``: how an error names the field it is about."""
    name = getattr(info, "field_name", None) or "this"
    return name.replace("_", " ").capitalize()


def _checker(multiline: bool):
    def check(value: str, info: ValidationInfo) -> str:
        problem = text_problem(value, multiline=multiline)
        if problem:
            raise PydanticCustomError("text", "{problem}", {"problem": f"{field_label(info)} {problem}"})
        return value

    return check


def SingleLine(max_length: int):
    """A one-line value (a code, a language): no control characters, no line breaks."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_checker(False))]


def MultiLine(max_length: int):
    """Free text that may span lines (a narrative, contact details, a note)."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_checker(True))]
