"""Justice statistics as queries over the recorded charges (seed note §4, f.2 S14–S21).

The unit is a **defendant**: one person in one prosecution (a person prosecuted twice counts
twice, as the Ministry of Justice's "defendants found guilty" do). Each defendant is counted once,
under their **principal offence** (``reference.principal_offence``; the rule and its tie-break are
cited law data, ``law/data/policy/justice/principal_offence.yaml``):

* **proceeded against** in the year of the date of charge, under the charged offence with the most
  severe statutory maximum;
* **found guilty** in the year of the finding of guilt on the principal offence, which is the
  offence with the heaviest disposal imposed, then the most severe statutory maximum;
* **average custodial sentence**: the mean immediate-custody term (months) imposed for the principal
  offence of those found guilty in the year whose principal disposal was immediate custody;
* **prosecutions per offence**: prosecutions, defendants and charges naming each offence, and the
  charges that ended in a finding of guilt.

The figures are counts over every prosecution (not only the reader's organisation's): they name no
defendant, victim or court. Read once, in one query; the rule runs in Python per defendant.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from palermo.justice.models import Charge
from palermo.justice.offences import offence_name
from palermo.justice.reference import ChargeFacts, current_rule, principal_offence


@dataclass
class OffenceYear:
    year: int
    offence_id: str
    offence: str
    proceeded_against: int = 0
    found_guilty: int = 0


@dataclass
class YearTotal:
    year: int
    proceeded_against: int = 0
    found_guilty: int = 0
    immediate_custody: int = 0
    custody_months_total: int = 0

    @property
    def average_custody_months(self) -> float | None:
        return round(self.custody_months_total / self.immediate_custody, 1) if self.immediate_custody else None


@dataclass
class OffenceTotal:
    offence_id: str
    offence: str
    prosecutions: int = 0
    defendants: int = 0
    charges: int = 0
    charges_found_guilty: int = 0


@dataclass
class JusticeStatistics:
    rule_version: str
    nation: str
    years: list[YearTotal] = field(default_factory=list)
    by_offence_year: list[OffenceYear] = field(default_factory=list)
    per_offence: list[OffenceTotal] = field(default_factory=list)

    def found_guilty_by_year(self) -> dict[int, int]:
        return {y.year: y.found_guilty for y in self.years}


def justice_statistics(*, nation: str = "", start_year: int | None = None,
                       end_year: int | None = None) -> JusticeStatistics:
    """The tables (see the module docstring); ``nation`` empty for the whole UK. Years without a
    defendant inside ``start_year``–``end_year`` are shown with zeros (the note's 2004 "-")."""
    rule, version = current_rule()
    qs = Charge.objects.all()
    if nation:
        qs = qs.filter(defendant__prosecution__nation=nation)
    rows = qs.values_list("defendant_id", "defendant__prosecution_id", "defendant__prosecution__charged_on",
                          "offence_id", "offence_on", "outcome", "outcome_on", "disposal", "custody_months",
                          "fine_pounds").order_by("defendant_id", "id")
    by_defendant: dict[int, list] = defaultdict(list)
    for r in rows:
        by_defendant[r[0]].append(r)
    years: dict[int, YearTotal] = {}
    cells: dict[tuple[int, str], OffenceYear] = {}
    offences: dict[str, OffenceTotal] = {}
    prosecutions: dict[str, set] = defaultdict(set)
    defendants: dict[str, set] = defaultdict(set)

    def year(y: int) -> YearTotal:
        return years.setdefault(y, YearTotal(y))

    def cell(y: int, oid: str) -> OffenceYear:
        return cells.setdefault((y, oid), OffenceYear(y, oid, offence_name(oid)))

    for did, charges in by_defendant.items():
        facts = []
        for (_, pid, _charged, oid, offence_on, outcome, outcome_on, disposal, months, fine) in charges:
            f = ChargeFacts(oid, offence_on, outcome == "convicted", disposal, months, fine, outcome_on)
            facts.append(f)
            o = offences.setdefault(oid, OffenceTotal(oid, offence_name(oid)))
            o.charges += 1
            o.charges_found_guilty += f.guilty
            prosecutions[oid].add(pid)
            defendants[oid].add(did)
        charged_year = charges[0][2].year
        first = principal_offence(facts, basis="proceeded_against", rule=rule)
        year(charged_year).proceeded_against += 1
        cell(charged_year, first.offence_id).proceeded_against += 1
        guilty = principal_offence(facts, basis="found_guilty", rule=rule)
        if guilty is not None:
            gy = guilty.outcome_on.year
            year(gy).found_guilty += 1
            cell(gy, guilty.offence_id).found_guilty += 1
            if guilty.disposal == "immediate_custody" and guilty.custody_months:
                year(gy).immediate_custody += 1
                year(gy).custody_months_total += guilty.custody_months
    for oid, o in offences.items():
        o.prosecutions, o.defendants = len(prosecutions[oid]), len(defendants[oid])
    lo = start_year if start_year is not None else min(years, default=dt.date.today().year)
    hi = end_year if end_year is not None else max(years, default=lo)
    return JusticeStatistics(
        rule_version=version, nation=nation,
        years=[years.get(y, YearTotal(y)) for y in range(lo, hi + 1)],
        by_offence_year=sorted((c for c in cells.values() if lo <= c.year <= hi), key=lambda c: (c.year, c.offence_id)),
        per_offence=sorted(offences.values(), key=lambda o: (-o.prosecutions, o.offence_id)))
