"""When support ends after the conclusive grounds decision, from dated, cited parameters.

* a **positive** conclusive grounds decision starts the **move-on** period: at least N calendar
  days (``support.move_on_days_after_positive_cg`` on the day of the decision: 45 today, 14 from
  2011 until the change; law/data/policy/support);
* a **negative** one, once it takes effect (a second person, a reviewer, agreed it), starts the
  **exit** period: N working days in the nation where the person was referred
  (``support.exit_working_days_after_negative_cg`` on the day it took effect; 9 today), counted with
  that nation's bank holidays (``palermo.core.calendar``).

Each answer carries the parameter version and calendar release, its sources, and a plain sentence
for the "Why this date?" details on the support record. Decisions before the adult victim care
contract (1 July 2011) have no period: the parameter has no value then, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from palermo.core.calendar import CALENDAR_VERSION, NATION_LABELS, add_working_days
from palermo.law.parameters import ParameterError, parameter_at
from palermo.law.schema import Source
from palermo.nrm import workflow
from palermo.nrm.models import Case

MOVE_ON = "support.move_on_days_after_positive_cg"
EXIT = "support.exit_working_days_after_negative_cg"


@dataclass(frozen=True)
class SupportPeriod:
    kind: str  # "move_on" or "exit"
    starts_on: dt.date  # the day of the positive decision / the day the negative one took effect
    ends_on: dt.date | None  # None: no value of the parameter on that day
    days: int | None
    unit: str  # "calendar days" or "working days"
    version: str
    why: str
    sources: tuple[Source, ...] = ()

    def to_json(self) -> dict:
        return {"kind": self.kind, "starts_on": self.starts_on, "ends_on": self.ends_on, "days": self.days,
                "unit": self.unit, "version": self.version, "why": self.why,
                "sources": [s.model_dump(exclude_none=True) for s in self.sources]}


def move_on_end(*, decided_on: dt.date) -> SupportPeriod:
    """Move-on after a positive conclusive grounds decision made on ``decided_on``."""
    try:
        p = parameter_at(MOVE_ON, decided_on)
    except ParameterError:
        return SupportPeriod("move_on", decided_on, None, None, "calendar days", MOVE_ON,
                             f"No move-on period is recorded for a decision made on {decided_on:%-d %B %Y}.")
    days = int(p.value)
    ends = decided_on + dt.timedelta(days=days)
    why = (f"Positive conclusive grounds decision on {decided_on:%-d %B %Y}, plus at least {days} calendar days "
           f"of move-on support (the rule in force on the day of the decision, from {p.effective_from:%-d %B %Y}).")
    return SupportPeriod("move_on", decided_on, ends, days, "calendar days", p.version, why, p.sources)


def exit_end(*, effective_on: dt.date, nation: str) -> SupportPeriod:
    """Exit after a negative conclusive grounds decision that took effect on ``effective_on``,
    in working days of ``nation``."""
    try:
        p = parameter_at(EXIT, effective_on)
    except ParameterError:
        return SupportPeriod("exit", effective_on, None, None, "working days", EXIT,
                             f"No exit period is recorded for a decision that took effect on {effective_on:%-d %B %Y}.")
    days = int(p.value)
    ends = add_working_days(effective_on, days, nation=nation)
    why = (f"Negative conclusive grounds decision took effect on {effective_on:%-d %B %Y} (a reviewer agreed it), "
           f"plus {days} working days in {NATION_LABELS[nation]}, counting its bank holidays (the rule in force "
           f"that day, from {p.effective_from:%-d %B %Y}).")
    return SupportPeriod("exit", effective_on, ends, days, "working days", f"{p.version}+{CALENDAR_VERSION}", why, p.sources)


def support_period_for_case(case: Case) -> SupportPeriod | None:
    """The move-on or exit period of a case whose conclusive grounds outcome is in effect; None
    while there is none (no decision yet, or one awaiting its second review)."""
    if case.status == workflow.IDENTIFIED and case.cg_decided_on:
        return move_on_end(decided_on=case.cg_decided_on)
    if case.status == workflow.NOT_IDENTIFIED:
        negative = (case.decisions.filter(kind="conclusive_grounds", outcome="negative", state="effective")
                    .order_by("-reviewed_on", "-decided_on", "-id").first())
        if negative is not None:
            return exit_end(effective_on=negative.reviewed_on or negative.decided_on, nation=case.referral.nation)
    return None
