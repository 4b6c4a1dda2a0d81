"""Whether an offence can be charged for a date in a nation, in words a person can act on.

Uses the offence files' dated ``in_force`` entries (``palermo.law.offences``): an offence that did
not extend to the nation, was not yet in force on the offence date, or had been repealed by then is
refused with the reason and the dates."""

from __future__ import annotations

import datetime as dt

from palermo.law.offences import offence_get
from palermo.law.vocab import NATION_LABELS


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def offence_name(offence_id: str) -> str:
    """``Trafficking into the UK for sexual exploitation (Sexual Offences Act 2003 s57)``."""
    try:
        o = offence_get(offence_id)
    except KeyError:
        return offence_id
    return f"{o.title} ({o.statute} s{o.section})"


def offence_refusal(offence_id: str, nation: str, on: dt.date) -> str | None:
    """Why ``offence_id`` cannot be charged for an offence on ``on`` in ``nation``; None if it can."""
    try:
        o = offence_get(offence_id)
    except KeyError:
        return "Enter an offence from the law library, like SOA2003_s57"
    name, where = f"{o.statute} s{o.section}", NATION_LABELS[nation]
    status = o.status_on(nation, on)
    if status == "in_force":
        return None
    if status == "not_extended":
        return f"{name} does not extend to {where}: it applies in {o.extent_text()}"
    history = o.in_force[nation]
    if status == "not_yet_in_force":
        return (f"{name} was not in force in {where} on {_day(on)}: it came into force there on "
                f"{_day(history[0].from_)}")
    ended = max(e.from_ for e in history if e.from_ <= on and e.value is None)
    return f"{name} was not in force in {where} on {_day(on)}: it was repealed there from {_day(ended)}"


def in_force_version(offence_id: str, nation: str, on: dt.date) -> str:
    entry = offence_get(offence_id).in_force_entry(nation, on)
    return f"{offence_id}@{nation}@{entry.from_.isoformat()}"
