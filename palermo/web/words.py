"""Words on pages: abbreviations and the sentence a due date becomes.

A date someone can act on is said as what to do: "Due in 3 working days (Friday 4 December
2026)", "Overdue by 2 working days", "Window closed on Tuesday 3 March 2012" — never "Possible
for 4163 working days". Counts of working days are shown only while they help (up to
``COUNT_CAP`` working days either side of today); beyond that the sentence gives the date, which
is what a person looks up. A conclusive grounds decision has an earliest day, not a deadline,
so it is never "overdue".
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ABBREVIATIONS = {
    "NRM": "National Referral Mechanism",
    "RG": "reasonable grounds",
    "CG": "conclusive grounds",
    "SCA": "Single Competent Authority",
    "IECA": "Immigration Enforcement Competent Authority",
    "UKHTC": "UK Human Trafficking Centre",
    "UKBA": "UK Border Agency",
    "DtN": "Duty to Notify",
    "CEOP": "Child Exploitation and Online Protection Centre",
}

_ABBR_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True))
                      + r")(?![\w-])")


def abbreviate(text) -> str:
    """``text`` escaped for HTML, with every abbreviation caseworkers meet (SCA, IECA, UKHTC,
    UKBA, NRM, RG, CG…) in ``<abbr title="Single Competent Authority">SCA</abbr>``, unless it
    follows its own long form ("Single Competent Authority (SCA)": already spelled out). The
    one pattern for text that may hold an abbreviation (organisation names, labels from data):
    ``{{ value|abbreviate }}`` in a template."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if text is None:
        return ""
    raw = str(text)

    def wrap(m: re.Match) -> str:
        code = m.group(1)
        before = raw[:m.start()].rstrip(" (")
        if before.endswith(ABBREVIATIONS[code]):
            return code
        return f'<abbr title="{escape(ABBREVIATIONS[code])}">{code}</abbr>'

    # Escape the pieces between matches, so the markup added is the only markup.
    out, last = [], 0
    for m in _ABBR_RE.finditer(raw):
        out.append(escape(raw[last:m.start()]))
        out.append(wrap(m))
        last = m.end()
    out.append(escape(raw[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the input is escaped above


# Beyond this many working days a count is no longer something to act on: say the date.
COUNT_CAP = 20

RG = "reasonable_grounds"
CG_FROM = "conclusive_grounds_possible_from"
RECONSIDERATION = "reconsideration_window_closes"


def long_date(day: dt.date) -> str:
    return date_format(day, "l j F Y")


def _wd(n: int) -> str:
    return ngettext("%(n)d working day", "%(n)d working days", n) % {"n": n}


def due_words(kind: str | None, due: dt.date | None, working_days_left: int | None, *, closed: bool = False) -> str:
    """What a due date means to the person reading it today.

    ``working_days_left`` is counted in the referral's nation's calendar (negative when the day
    has passed); ``closed`` says the case has nothing left to decide."""
    if closed:
        return _("Closed")
    if kind is None or due is None or working_days_left is None:
        return _("Nothing due")
    n = int(working_days_left)
    on = long_date(due)
    if kind == CG_FROM:
        if n > 0:
            if n <= COUNT_CAP:
                return _("Can be decided from %(on)s (in %(wd)s)") % {"on": on, "wd": _wd(n)}
            return _("Can be decided from %(on)s") % {"on": on}
        if n == 0:
            return _("Can be decided from today")
        return _("Can be decided now (possible since %(on)s)") % {"on": on}
    if kind == RECONSIDERATION:
        if n > 0:
            if n <= COUNT_CAP:
                return _("Reconsideration window closes in %(wd)s (%(on)s)") % {"wd": _wd(n), "on": on}
            return _("Reconsideration window closes on %(on)s") % {"on": on}
        if n == 0:
            return _("Reconsideration window closes today")
        return _("Reconsideration window closed on %(on)s") % {"on": on}
    # A decision with a target date.
    if n > 0:
        if n <= COUNT_CAP:
            return _("Due in %(wd)s (%(on)s)") % {"wd": _wd(n), "on": on}
        return _("Due on %(on)s") % {"on": on}
    if n == 0:
        return _("Due today")
    if -n <= COUNT_CAP:
        return _("Overdue by %(wd)s (due %(on)s)") % {"wd": _wd(-n), "on": on}
    return _("Overdue since %(on)s") % {"on": on}


def decision_recorded_words(decision, case) -> str:
    """The banner after a decision: which decision was recorded and what happens next, from the
    case's dates as the service just set them."""
    kind = {"reasonable_grounds": _("reasonable grounds"), "conclusive_grounds": _("conclusive grounds"),
            "reconsideration": _("reconsideration")}.get(decision.kind, decision.kind)
    if decision.kind == "reconsideration":
        if decision.outcome == "positive":
            return _("Reconsideration accepted. The case is open again and waits for a fresh decision.")
        return _("Reconsideration refused. The earlier decision stands.")
    head = (_("Positive %(kind)s decision recorded.") if decision.outcome == "positive"
            else _("Negative %(kind)s decision recorded.")) % {"kind": kind}
    if decision.state == "awaiting_review":
        return head + " " + _("It does not take effect until a second reviewer at the competent authority agrees.")
    if decision.kind == "reasonable_grounds" and case.recovery_period_min_end:
        nxt = _("The recovery period runs until at least %(end)s.") % {"end": long_date(case.recovery_period_min_end)}
        if case.cg_earliest:
            nxt += " " + _("A conclusive grounds decision can be made from %(on)s.") % {"on": long_date(case.cg_earliest)}
        return head + " " + nxt
    if decision.kind == "conclusive_grounds" and decision.outcome == "positive":
        return head + " " + _("The person is identified as a victim of trafficking and the case is closed.")
    return head


_CITATION_RE = re.compile(r"\s*\((?P<source>seed note\s*§[^)]*)\)"
                          r"|,\s*(?P<inline>seed note\s*§[0-9.]+(?:,\s*fn\s*[0-9]+(?:,\s*[0-9]+)*)?)")


def split_citation(text: str) -> tuple[str, str]:
    """("The definition does not require movement across borders.", "seed note §1") from text
    that cites in brackets: the words for the page, the citation for a "Source" disclosure."""
    sources = [m["source"] or m["inline"] for m in _CITATION_RE.finditer(text or "")]
    return _CITATION_RE.sub("", text or ""), "; ".join(sources)
