"""A stored rule version in a caseworker's words.

A case stores which dated rule set each of its dates (``nrm.rg_target_working_days@2019-04-29
+holidays-0.109``): that string is for auditors. Pages show the date, and behind a "Why this
date?" disclosure the rule's title with its value, the day it took effect and the calendar, in
plain words ("Reasonable grounds decision target: 5 working days from the referral. In force
since 29 April 2019. Working days count the bank holidays in England."), then its sources and,
last, the stored version for anyone who has to trace it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from palermo.core.calendar import NATION_LABELS
from palermo.law.parameters import ParameterError, all_parameters, parameter_history

VERSION_RE = re.compile(r"^(?P<id>[a-z0-9_.]+)@(?P<from>\d{4}-\d{2}-\d{2})(?:\+(?P<calendar>.+))?$")
# What internal identifiers look like on a page: a dated rule version. Pages may show one only
# inside a details disclosure (tests/web/test_plain_words.py walks every page for it).
RULE_ID_RE = re.compile(r"@\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RuleExplanation:
    title: str  # "Reasonable grounds decision target: 5 working days from the referral"
    in_force_from: dt.date | None
    calendar: str  # "Working days count the bank holidays in England." or ""
    sources: tuple[str, ...]
    version: str  # the stored string, for auditors

    @property
    def sentence(self) -> str:
        """One line: title, the day it took effect, the calendar."""
        out = self.title.rstrip(".") + "."
        if self.in_force_from:
            out += f" In force since {self.in_force_from:%-d %B %Y}."
        if self.calendar:
            out += f" {self.calendar}"
        return out


def _value_words(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def rule_explain(version: str | None, *, nation: str | None = None) -> RuleExplanation | None:
    """The plain-words explanation of a stored rule version; None for an empty version. A
    version Palermo does not know (an imported one, say) is explained as well as it can be:
    its date in words and a neutral title, never a raised error on a case page."""
    if not version:
        return None
    m = VERSION_RE.match(version)
    if not m:
        return RuleExplanation("The rule recorded with this case", None, "", (), version)
    pid, from_ = m["id"], dt.date.fromisoformat(m["from"])
    title, sources = "The rule recorded with this case", ()
    params = all_parameters()
    if pid in params:
        try:
            value = next((v for v in parameter_history(pid) if v.effective_from == from_), None)
        except ParameterError:  # pragma: no cover - the id is known
            value = None
        template = params[pid].title
        if template and value is not None:
            title = template.replace("{value}", _value_words(value.value)) if "{value}" in template else template
        elif template:
            title = template.replace("{value}", "the number of days in force")
        else:  # no title yet: the first sentence of the description, which is written for people
            title = params[pid].description.split(". ")[0].strip().rstrip(".")
        if value is not None:
            sources = tuple(s.citation + ("" if s.verified else " (not checked)") for s in value.sources)
    calendar = ""
    if m["calendar"] and m["calendar"].startswith("holidays-"):
        where = NATION_LABELS.get(nation or "", "")
        calendar = (f"Working days count the bank holidays in {where}." if where
                    else "Working days leave out weekends and bank holidays.")
    return RuleExplanation(title, from_, calendar, sources, version)
