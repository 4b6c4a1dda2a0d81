"""What each published table counts: populations, dimensions and table definitions.

A table is an id, a title, the *population* it counts (NRM referrals, Duty to Notify reports,
reasonable or conclusive grounds decisions), its dimensions grouped in *axes*, its counting rule
and a query. Every dimension is a first-class column (design.md: statistics never read free
text). The query (:meth:`TableDef.sql`) is plain SQL over the snapshot's views
(:mod:`palermo.stats.snapshot`): anyone can run it in DuckDB, and other parts of Palermo (safe
microdata, differentially private releases) can reuse the same definitions and views.
:mod:`palermo.stats.compute` produces the same counts faster, from the snapshot's coded arrays
(``tests/stats/test_compute.py`` checks they agree).

An *axis* is one dimension, or a hierarchy of dimensions from coarse to fine (a first responder's
kind of organisation, then the organisation). A table publishes every combination of its axes
at every level, "Total" included: the cells and all their margins.

The tables follow the Home Office's NRM statistics (seed note §5.1: quarterly statistics on
referrals; 1,664 referred between 1 April 2009 and 30 June 2011, 565 positively identified,
405 adults and 160 children) and the banded decision times published in 2010.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_SPECIFIED = "not_specified"
TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    #: The categories always shown, in order (``None``: the values found in the data, shown
    #: only where they count someone, such as nationalities or organisations).
    categories: tuple[tuple[str, str], ...] | None = None
    #: What "not specified" means for this dimension (shown beside every table that uses it).
    not_specified: str = ""

    @property
    def fixed(self) -> bool:
        return self.categories is not None


@dataclass(frozen=True)
class Population:
    id: str
    label: str  # "NRM referrals"
    unit: str  # "referral": what one count is
    date_rule: str  # which date places a unit in a period
    view: str  # the snapshot view that holds one row per unit


@dataclass(frozen=True)
class TableDef:
    id: str
    title: str
    population: str
    axes: tuple[tuple[str, ...], ...]
    counting_rule: str
    short_title: str = ""  # a sheet name (at most 31 characters)

    @property
    def dimensions(self) -> list[str]:
        return [d for axis in self.axes for d in axis]

    def sql(self, *, start: str, end: str, band_case: str = "") -> str:
        """The reference query: one row per combination of the finest categories found, with its
        count (the margins are sums of these). ``start`` and ``end`` are ISO dates; ``band_case``
        is the SQL that puts a decision into its time band (:func:`band_case_sql`)."""
        cols = [band_case + " AS band" if (d == "band" and band_case) else d for d in self.dimensions]
        view = POPULATIONS[self.population].view
        return (f"SELECT {', '.join(cols)}, count(*) AS count FROM {view} "
                f"WHERE day BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL ORDER BY ALL")


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    population: str
    column: str  # the snapshot column holding each unit's value
    unit: str  # "working days", "days"
    phrase: str = ""  # "from referral to a reasonable grounds decision"


@dataclass(frozen=True)
class SummaryDef:
    """A table of medians and quartiles rather than counts (decision times)."""

    id: str
    title: str
    measures: tuple[Measure, ...]
    counting_rule: str
    short_title: str = ""
    columns: tuple[tuple[str, str], ...] = field(default=(
        ("decisions", "Decisions"), ("lower_quartile", "Lower quartile"), ("median", "Median"),
        ("upper_quartile", "Upper quartile")))


def _support_codes(list_name: str) -> tuple[tuple[str, str], ...]:
    from palermo.support.codes import labels

    return tuple(labels(list_name).items())


AGE = Dimension("age", "Age at exploitation", (
    ("adult", "Adult (18 or over)"), ("child", "Child (under 18)"), (NOT_SPECIFIED, "Age not specified")),
    not_specified="Age not specified: the first responder did not know whether the person was an adult or a child "
                  "when they were exploited.")
GENDER = Dimension("gender", "Gender", (
    ("female", "Female"), ("male", "Male"), ("other", "Other"), (NOT_SPECIFIED, "Gender not specified")),
    not_specified="Gender not specified: not recorded, or no person recorded (an anonymous Duty to Notify report).")
NATIONALITY = Dimension("nationality", "Nationality",
                        not_specified="Nationality not specified: no nationality recorded, or no person recorded "
                                      "(an anonymous Duty to Notify report). A person with more than one nationality "
                                      "is counted under the first one recorded.")
EXPLOITATION = Dimension("exploitation", "Exploitation type", (
    ("sexual", "Sexual exploitation"), ("labour", "Labour exploitation"), ("domestic_servitude", "Domestic servitude"),
    ("criminal", "Criminal exploitation"), ("organ_harvesting", "Organ harvesting"),
    ("more_than_one", "More than one type"), (NOT_SPECIFIED, "Type not specified")),
    not_specified="Type not specified: no type recorded, or only 'not known'. A referral with two or more types is "
                  "counted once, under 'More than one type'.")
LOCATION = Dimension("location", "Where the exploitation happened", (
    ("uk", "UK only"), ("overseas", "Overseas only"), ("both", "UK and overseas"), (NOT_SPECIFIED, "Location not specified")),
    not_specified="Location not specified: the first responder recorded the place as not known.")
RESPONDER_KIND = Dimension("responder_kind", "Kind of first responder organisation")
RESPONDER = Dimension("responder", "First responder organisation")
AUTHORITY = Dimension("competent_authority", "Competent authority")
NATION = Dimension("nation", "UK nation", (
    ("england", "England"), ("wales", "Wales"), ("scotland", "Scotland"), ("northern_ireland", "Northern Ireland")))
FORCE = Dimension("police_force_area", "Police force area",
                  not_specified="Police force area not specified: the first responder did not record one.")
HISTORY = Dimension("history", "Referred before", (
    ("first", "No earlier referral known"),
    ("repeat", "Referred before, no positive decision by then"),
    ("repeat_after_positive", "Referred before, after a positive decision")),
    not_specified="")
OUTCOME = Dimension("outcome", "Outcome", (("positive", "Positive"), ("negative", "Negative")))
BAND = Dimension("band", "Time taken",
                 not_specified="Not known: the date the time runs from is not recorded.")
# Support (palermo/support): codes from support/data/codes.yaml, which never deletes or renames one.
PROVIDER_KIND = Dimension("provider_kind", "Kind of provider",
                          not_specified="Kind not recorded: the provider had no dated term in force on the day the "
                                        "placement started.")
PROVIDER = Dimension("provider", "Provider")
PLACEMENT_KIND = Dimension("placement_kind", "Kind of place", (
    *_support_codes("placement_kinds"), (NOT_SPECIFIED, "Kind of place not specified")),
    not_specified="Kind of place not specified: a code no longer in the list of kinds of place.")
EXIT_REASON = Dimension("exit_reason", "Why the placement ended", (
    *_support_codes("exit_reasons"), (NOT_SPECIFIED, "Reason not recorded")),
    not_specified="Reason not recorded: the placement was ended without a coded reason.")
# Children missing from care (palermo/children)
RETURNED = Dimension("returned", "Found or returned", (
    ("returned", "Found or returned"), ("still_missing", "Not found or returned")),
    not_specified="")
FOUND_WHERE = Dimension("found_where", "How the child was found or returned", (
    ("returned_to_placement", "Returned to the placement by themselves"), ("found_by_police", "Found by the police"),
    ("found_by_others", "Found by someone else"), ("found_elsewhere", "Found somewhere else"),
    (NOT_SPECIFIED, "How not recorded"), ("still_missing", "Not found or returned")),
    not_specified="How not recorded: a return recorded with 'not known' or no answer for how the child was found.")
QUARTER = Dimension("quarter", "Quarter")
MEASURE = Dimension("measure", "Time measured")

DIMENSIONS = {d.id: d for d in (AGE, GENDER, NATIONALITY, EXPLOITATION, LOCATION, RESPONDER_KIND, RESPONDER, AUTHORITY,
                                NATION, FORCE, HISTORY, OUTCOME, BAND, QUARTER, MEASURE, PROVIDER_KIND, PROVIDER,
                                PLACEMENT_KIND, EXIT_REASON, RETURNED, FOUND_WHERE)}

POPULATIONS = {p.id: p for p in (
    Population("nrm_referral", "NRM referrals", "referral",
               "by the date the referral was received", "nrm_referral"),
    Population("dtn_report", "Duty to Notify reports", "report",
               "by the date the report was received", "dtn_report"),
    Population("rg_decision", "Reasonable grounds decisions", "decision",
               "by the date of the decision", "rg_decision"),
    Population("cg_decision", "Conclusive grounds decisions", "decision",
               "by the date of the decision", "cg_decision"),
    Population("support_start", "Support placements started", "placement",
               "by the day the placement started", "support_start"),
    Population("support_end", "Support placements ended", "placement",
               "by the day the placement ended", "support_end"),
    Population("missing_episode", "Missing-from-care episodes of children", "episode",
               "by the day (UK time) the child went missing", "missing_episode"),
)}

_REFERRALS = ("Each NRM referral received in the period is counted once, by the date it was received (a child, or an "
              "adult who consented, referred by a first responder). Duty to Notify reports are not NRM referrals and "
              "are counted in their own table.")
_DECISIONS = ("Each {kind} decision in effect is counted once, by the date of the decision: a positive decision from "
              "the day it is made, a negative one once a second person has agreed it (dated by the decision, not the "
              "review). A decision a reviewer returned is not counted; reconsiderations are not counted here.")

_SUPPORT = ("Each support placement (a person in the NRM placed with a support provider, seed note §5.2) is counted "
            "once, {rule}. A person who moves to another provider or kind of place has two placements.")
_MISSING = ("Each episode of a child going missing from care (seed note §6) is counted once, by the day, in UK time, "
            "the child went missing; a child who went missing twice is counted twice. 'Found or returned' is as "
            "recorded when the figures were taken: an episode still open then counts as not found or returned, and a "
            "later release may move it.")

TABLES: tuple[TableDef, ...] = (
    TableDef("referrals_quarter_age_gender", "NRM referrals by quarter, age at exploitation and gender", "nrm_referral",
             (("quarter",), ("age",), ("gender",)), _REFERRALS, "Referrals by quarter"),
    TableDef("referrals_nationality_age_gender", "NRM referrals by nationality, age at exploitation and gender",
             "nrm_referral", (("nationality",), ("age",), ("gender",)), _REFERRALS, "Referrals by nationality"),
    TableDef("referrals_exploitation_location", "NRM referrals by exploitation type and where it happened",
             "nrm_referral", (("exploitation",), ("location",)), _REFERRALS, "Referrals by exploitation"),
    TableDef("referrals_first_responder", "NRM referrals by first responder", "nrm_referral",
             (("responder_kind", "responder"),), _REFERRALS + " Organisations are grouped by their kind.",
             "Referrals by first responder"),
    TableDef("referrals_competent_authority", "NRM referrals by competent authority", "nrm_referral",
             (("competent_authority",),), _REFERRALS + " The competent authority is the one the case was routed to "
                                                       "by the rule in force on the day it was received.",
             "Referrals by authority"),
    TableDef("referrals_police_force_area", "NRM referrals by UK nation and police force area", "nrm_referral",
             (("nation", "police_force_area"),), _REFERRALS + " The nation is where the referral was made.",
             "Referrals by police force"),
    TableDef("referrals_repeat", "NRM referrals of people referred before", "nrm_referral", (("history",),),
             _REFERRALS + " A person counts as referred before when an earlier NRM referral was of the same person "
                          "record, or of a person a caseworker confirmed as the same (record linkage, issue 5). "
                          "'After a positive decision' means a positive reasonable or conclusive grounds decision on an "
                          "earlier referral was in effect before this referral was received.",
             "Repeat referrals"),
    TableDef("dtn_nationality_quarter", "Duty to Notify reports by nationality and quarter", "dtn_report",
             (("nationality",), ("quarter",)),
             "Each Duty to Notify report received in the period is counted once, by the date it was received (an "
             "adult who did not consent to an NRM referral; the report may be anonymous).", "Duty to Notify reports"),
    TableDef("rg_decisions_quarter", "Reasonable grounds decisions by quarter, outcome and age", "rg_decision",
             (("quarter",), ("outcome",), ("age",)), _DECISIONS.format(kind="reasonable grounds"), "RG decisions by quarter"),
    TableDef("rg_decisions_authority", "Reasonable grounds decisions by competent authority, outcome and age",
             "rg_decision", (("competent_authority",), ("outcome",), ("age",)),
             _DECISIONS.format(kind="reasonable grounds"), "RG decisions by authority"),
    TableDef("cg_decisions_quarter", "Conclusive grounds decisions by quarter, outcome and age", "cg_decision",
             (("quarter",), ("outcome",), ("age",)), _DECISIONS.format(kind="conclusive grounds"), "CG decisions by quarter"),
    TableDef("cg_decisions_authority", "Conclusive grounds decisions by competent authority, outcome and age",
             "cg_decision", (("competent_authority",), ("outcome",), ("age",)),
             _DECISIONS.format(kind="conclusive grounds"), "CG decisions by authority"),
    TableDef("rg_decision_times", "Reasonable grounds decisions by time from referral", "rg_decision", (("band",),),
             _DECISIONS.format(kind="reasonable grounds") + " Time is counted in calendar days from the day the "
                                                            "referral was received to the day of the decision.",
             "RG decision times"),
    TableDef("cg_decision_times", "Conclusive grounds decisions by time from the reasonable grounds decision",
             "cg_decision", (("band",),),
             _DECISIONS.format(kind="conclusive grounds") + " Time is counted in calendar days from the positive "
                                                            "reasonable grounds decision on the case to the conclusive "
                                                            "grounds decision.", "CG decision times"),
    TableDef("support_started_provider_kind", "Support placements started by provider and kind of place",
             "support_start", (("provider_kind", "provider"), ("placement_kind",)),
             _SUPPORT.format(rule="by the day it started") + " Providers are grouped by their kind (prime contractor, "
                                                               "subcontractor…) under the dated term in force that day.",
             "Support placements started"),
    TableDef("support_ended_exit_reason", "Support placements ended by quarter and reason", "support_end",
             (("quarter",), ("exit_reason",)),
             _SUPPORT.format(rule="by the day it ended (the day the person left)") + " Reasons are the coded exit "
                                                                                     "reasons.",
             "Support placements ended"),
    TableDef("missing_episodes_quarter", "Children missing from care: episodes by quarter and whether found or "
             "returned", "missing_episode", (("quarter",), ("returned", "found_where")), _MISSING,
             "Missing children by quarter"),
    TableDef("missing_episodes_nationality", "Children missing from care: episodes by nationality and whether found or "
             "returned", "missing_episode", (("nationality",), ("returned",)),
             _MISSING + " A child with more than one nationality is counted under the first one recorded.",
             "Missing children by nationality"),
)

SUMMARY = SummaryDef(
    "decision_times", "Time taken to decide: median and quartiles",
    (Measure("referral_to_rg", "Referral to reasonable grounds decision", "rg_decision", "working_days", "working days",
             "from referral to a reasonable grounds decision"),
     Measure("rg_to_cg", "Reasonable grounds to conclusive grounds decision", "cg_decision", "days", "days",
             "from a positive reasonable grounds decision to a conclusive grounds decision")),
    "Decisions in effect made in the period, as in the decision tables. Working days are counted in the calendar of "
    "the nation where the referral was made (bank holidays differ by nation), from the day after the referral was "
    "received to the day of the decision. Quartiles and medians are interpolated between the two nearest decisions "
    "(R's type 7). A figure is withheld when fewer decisions than the suppression threshold have a known time.",
    "Decision times summary")

TABLE_IDS = {t.id for t in TABLES}


def table(table_id: str) -> TableDef:
    for t in TABLES:
        if t.id == table_id:
            return t
    raise KeyError(table_id)


def band_case_sql(bands: list[dict]) -> str:
    """The SQL CASE that puts a decision row (``days``, ``months_ceiling``) into its band."""
    parts = []
    for b in bands:
        if "max_days" in b:
            parts.append(f"WHEN days <= {int(b['max_days'])} THEN '{b['code']}'")
        elif "max_months" in b:
            parts.append(f"WHEN months_ceiling <= {int(b['max_months'])} THEN '{b['code']}'")
        else:
            parts.append(f"ELSE '{b['code']}'")
    return f"CASE WHEN days IS NULL THEN '{NOT_SPECIFIED}' {' '.join(parts)} END"
