"""NRM deadlines from dated policy parameters and each nation's working-day calendar.

Every function returns the date and a version string naming the parameter value and the
calendar release used (``nrm.rg_target_working_days@2019-04-29+holidays-0.109``), which the case
stores beside the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from palermo.core.calendar import CALENDAR_VERSION, add_working_days
from palermo.law.parameters import parameter_at


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    version: str
    citation: str


def rg_due(*, received_on: dt.date, nation: str) -> Deadline:
    """Target date for the reasonable grounds decision: N working days after the referral is
    received, in the referral's nation (N from ``nrm.rg_target_working_days`` on that date)."""
    p = parameter_at("nrm.rg_target_working_days", received_on)
    return Deadline(add_working_days(received_on, int(p.value), nation=nation), f"{p.version}+{CALENDAR_VERSION}", p.citation)


def recovery_period_min_end(*, rg_decided_on: dt.date) -> Deadline:
    """Earliest end of the reflection and recovery period: at least N calendar days from the
    positive reasonable grounds decision (seed note §5.1: 45 days in 2012)."""
    p = parameter_at("nrm.minimum_recovery_period_days", rg_decided_on)
    return Deadline(rg_decided_on + dt.timedelta(days=int(p.value)), p.version, p.citation)


def cg_earliest(*, rg_decided_on: dt.date) -> Deadline:
    """The first day on which a conclusive grounds decision may be made."""
    p = parameter_at("nrm.cg_earliest_days_after_rg", rg_decided_on)
    return Deadline(rg_decided_on + dt.timedelta(days=int(p.value)), p.version, p.citation)


def reconsideration_deadline(*, effective_on: dt.date) -> Deadline:
    """Last day to ask for a negative decision to be reconsidered."""
    p = parameter_at("nrm.reconsideration_window_days", effective_on)
    return Deadline(effective_on + dt.timedelta(days=int(p.value)), p.version, p.citation)


def standard_of_proof(*, kind: str, on: dt.date) -> tuple[str, str]:
    """The standard of proof for ``kind`` ('reasonable_grounds' or 'conclusive_grounds') in
    force on ``on``, and its citation."""
    p = parameter_at("nrm.standard_of_proof", on)
    return p.value[kind], p.citation
