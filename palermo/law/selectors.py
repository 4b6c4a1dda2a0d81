"""The law library's public API, in one place, for prosecutions, the web "Law" page and the CLI.

Everything here is a pure read of the data files (no database):

* ``offences_applicable(facts) -> Answer`` with ``.offences``, ``.not_applicable``, ``.reasons``,
  ``.to_json()``; ``facts_parse`` and ``FactsError`` for forms.
* ``offence_get(id)``, ``offence_list()``, ``offence_history(id)`` (a page per offence).
* ``definition_get(term)``, ``definition_list()``.
* ``timeline(nation=..., start=..., end=...)``, ``offences_in_force(on=..., nation=...)``.
* ``assess_palermo_elements(act=..., means=..., purpose=..., victim_is_child=...)`` and
  ``palermo_element_codes()`` (choices for a form).
* ``permit_rules_at(on)``, ``permit_dates(...)``, ``permit_eligibility_explain(facts)`` and
  ``PermitFacts``: residence permits for victims (the rules in force, a permit's dates, and an
  application checked against the rules, with the rule path and sources).
* ``law_data_check()`` (what CI runs).
"""

from palermo.law.assessment import PalermoAssessment, assess_palermo_elements, palermo_element_codes
from palermo.law.checks import law_data_check
from palermo.law.definitions import Definition, definition_get, definition_list
from palermo.law.engine import Answer, AppliedOffence, NearMiss, Step, offences_applicable
from palermo.law.facts import Facts, FactsError, facts_parse
from palermo.law.offences import Offence, offence_get, offence_list
from palermo.law.permits import (
    PermitAnswer,
    PermitDates,
    PermitFacts,
    PermitRules,
    add_months,
    permit_dates,
    permit_eligibility_explain,
    permit_rules_at,
)
from palermo.law.schema import LawDataError
from palermo.law.timeline import TimelineEvent, offence_history, offences_in_force, timeline

__all__ = [
    "Answer",
    "AppliedOffence",
    "Definition",
    "Facts",
    "FactsError",
    "LawDataError",
    "NearMiss",
    "Offence",
    "PalermoAssessment",
    "PermitAnswer",
    "PermitDates",
    "PermitFacts",
    "PermitRules",
    "Step",
    "TimelineEvent",
    "add_months",
    "assess_palermo_elements",
    "definition_get",
    "definition_list",
    "facts_parse",
    "law_data_check",
    "offence_get",
    "offence_history",
    "offence_list",
    "offences_applicable",
    "offences_in_force",
    "palermo_element_codes",
    "permit_dates",
    "permit_eligibility_explain",
    "permit_rules_at",
    "timeline",
]
