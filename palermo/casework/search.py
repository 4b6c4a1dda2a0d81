"""Reading what someone typed into the search box (issue 14): a date is a date of birth, ``P-``
and eight characters a person reference, anything with a digit a case reference (whole or in
part), anything else a name. The API takes the same fields separately."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERSON_REFERENCE = re.compile(r"^P-[0-9A-F]{8}$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})


@dataclass(frozen=True)
class SearchQuery:
    reference: str = ""
    name: str = ""
    person_reference: str = ""
    date_of_birth: dt.date | None = None

    @property
    def kind(self) -> str:
        """What was searched for, as a code (audited; the text never is)."""
        for kind in ("reference", "name", "person_reference", "date_of_birth"):
            if getattr(self, kind):
                return kind
        return ""

    def is_empty(self) -> bool:
        return not self.kind


def parse_date(text: str) -> dt.date | None:
    """2 March 1990, 2 Mar 1990, 02/03/1990, 2.3.1990 (day first, as in the UK) or 1990-03-02."""
    t = text.strip().lower().replace(",", " ")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", t):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", t):
            month = _MONTHS.get(m[2])
            return dt.date(int(m[3]), month, int(m[1])) if month else None
    except ValueError:
        return None
    return None


def search_query_from_text(text: str) -> SearchQuery:
    t = " ".join(text.split())
    if not t:
        return SearchQuery()
    if (day := parse_date(t)) is not None:
        return SearchQuery(date_of_birth=day)
    if PERSON_REFERENCE.match(t):
        return SearchQuery(person_reference=t.upper())
    if any(c.isdigit() for c in t) or ("-" in t and " " not in t) or re.fullmatch(r"[0-9A-Fa-f]{8}", t):
        return SearchQuery(reference=t)
    return SearchQuery(name=t)
