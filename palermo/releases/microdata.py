"""Safe microdata: one de-identified record a case, in the field names of IOM's Human
Trafficking Case Data Standard (HTCDS) **version 2.0** (24 December 2021, "HTCDS Field Standards
2.0", github.com/UNMigration/HTCDS), released only if it is k-anonymous.

Columns (HTCDS field name with its table prefix, and what Palermo puts in it):

| field | from | as released |
|---|---|---|
| ``cas_IncomingReferralDate`` | the date the referral was received | the **year** only (coarsened further to a three-year period, or blank, if k needs it) |
| ``cas_ReferringOrganisation`` | the referring organisation | its HTCDS ``org_Type`` (LawEnforcement, ImmigrationService, LocalGovernmentOrganisation, NGO), never its name |
| ``prs_Gender`` | gender | Feminine, Masculine or NonSpecifiedUnknown ("other" is counted with not known: too few to release) |
| ``prs_Citizenship`` | nationalities | ISO 3166 alpha-2 codes, ``;`` between several (coarsened to GB / EEA / OTHER, or blank, if k needs it) |
| ``vic_AgeWhenTrafficked`` | child or adult when exploited | the band ``0-17`` or ``18+`` (blank when not known), never an age |
| ``vic_TypeOfExploitation`` | exploitation types | HTCDS values, ``;`` between several (coarsened to ``Multiple``, or blank, if k needs it) |
| ``vic_TraffickingStatus`` | the case's status | ActualVictimOfTrafficking (identified), NotAVictimOfTrafficking (a negative outcome in effect), PossibleVictimOfTrafficking (otherwise) |
| ``cas_Status`` | the case's status | Active (open) or Closed |

No name, date of birth, contact detail, narrative, reason, reference, pseudonym or exact date is
ever in the file, and the rows are shuffled, so their order says nothing about when cases came.

**Quasi-identifiers** — what someone who knows a person could know and look for — are the first
six columns: year, referring organisation type, gender, citizenship, age band and exploitation
type. The trafficking status and case status are what the release is for, not identifiers.

**Reaching k.** Each quasi-identifier has a ladder of coarser values (level 0 as above, then the
coarser forms, then blank). Palermo tries every combination of levels, lowest total first, and
keeps the first height at which some combination leaves at most 5% of the records in groups
smaller than k; of those, the one that removes fewest records. Records in groups smaller than k
are then left out (suppressed). The result is checked again, group by group, before a byte is
written: every combination of quasi-identifier values in the file is shared by at least k
records. A set that cannot reach k (fewer than k records in all) is refused.

k comes from the dated, cited parameter ``releases.microdata_k`` (10, as CTDC publishes).
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pycountry

from palermo.law.parameters import parameter_at
from palermo.nrm import workflow
from palermo.releases.dataset import CaseFacts

HTCDS_VERSION = "2.0"
MAX_SUPPRESSED_SHARE = 0.05

GENDER = {"female": "Feminine", "male": "Masculine"}  # other and unknown: NonSpecifiedUnknown
ORG_TYPE = {"police_force": "LawEnforcement", "border_agency": "ImmigrationService",
            "local_authority": "LocalGovernmentOrganisation", "ngo": "NGO", "support_provider": "NGO",
            "competent_authority": "CentralGovernmentOrganisation"}
EXPLOITATION = {"sexual": "SexualExploitation", "labour": "ForcedLabour", "domestic_servitude": "Servitude",
                "criminal": "Other", "organ_harvesting": "OrganRemoval"}  # unknown: left out
NEGATIVE_IN_EFFECT = {workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED}


class NotKAnonymous(Exception):
    """The records cannot be released k-anonymously."""

    def __init__(self, message: str, *, records: int, k: int):
        super().__init__(message)
        self.message, self.records, self.k = message, records, k


def _alpha2(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else "XX"


def _period(year: str) -> str:
    start = 2009 + (int(year) - 2009) // 3 * 3
    return f"{start}-{start + 2}"


def _citizenship_group(value: str) -> str:
    codes = value.split(";") if value else []
    if not codes:
        return ""
    if "GB" in codes:
        return "GB"
    return "EEA" if any(c.startswith("EEA:") for c in codes) else "OTHER"


@dataclass(frozen=True)
class QuasiIdentifier:
    field: str
    levels: tuple[Callable[[str], str], ...]  # level 1.. from the level-0 value; the last gives ""


def _blank(_: str) -> str:
    return ""


QUASI_IDENTIFIERS = [
    QuasiIdentifier("cas_IncomingReferralDate", (_period, _blank)),
    QuasiIdentifier("cas_ReferringOrganisation", (_blank,)),
    QuasiIdentifier("prs_Gender", (_blank,)),
    QuasiIdentifier("prs_Citizenship", (_citizenship_group, _blank)),
    QuasiIdentifier("vic_AgeWhenTrafficked", (_blank,)),
    QuasiIdentifier("vic_TypeOfExploitation", (lambda v: "Multiple" if ";" in v else v, _blank)),
]
OTHER_COLUMNS = ["vic_TraffickingStatus", "cas_Status"]
COLUMNS = [q.field for q in QUASI_IDENTIFIERS] + OTHER_COLUMNS


def record(f: CaseFacts, eea: set[str]) -> tuple[list[str], list[str]]:
    """A case as its level-0 quasi-identifiers (citizenship marked EEA for the coarsening) and
    its other columns."""
    citizenship = ";".join(sorted({("EEA:" if n in eea and n != "GBR" else "") + _alpha2(n) for n in f.nationalities}))
    age = {"child": "0-17", "adult": "18+"}.get(f.age_at_exploitation, "")
    types = ";".join(sorted({EXPLOITATION[t] for t in f.exploitation_types if t in EXPLOITATION}))
    if f.status == workflow.IDENTIFIED:
        status = "ActualVictimOfTrafficking"
    elif f.status in NEGATIVE_IN_EFFECT:
        status = "NotAVictimOfTrafficking"
    else:
        status = "PossibleVictimOfTrafficking"
    qi = [str(f.received_on.year), ORG_TYPE.get(f.first_responder_kind, ""), GENDER.get(f.gender, "NonSpecifiedUnknown"),
          citizenship, age, types]
    return qi, [status, "Active" if f.status in workflow.OPEN_STATUSES else "Closed"]


def _shown(field: str, value: str) -> str:
    """The released form of a level-0 value (the EEA mark is only for coarsening)."""
    if field == "prs_Citizenship":
        return ";".join(sorted(c.removeprefix("EEA:") for c in value.split(";"))) if value else ""
    return value


@dataclass(frozen=True)
class Microdata:
    columns: list[str]
    rows: list[list[str]]
    k: int
    levels: dict[str, int]  # the coarsening level chosen for each quasi-identifier (0 = as in the table)
    suppressed: int  # records left out because their group stayed smaller than k
    records: int  # records before suppression
    rule: str  # the parameter version k came from


def smallest_group(rows: list[list[str]]) -> int:
    """The size of the smallest group of rows sharing every quasi-identifier value."""
    n = len(QUASI_IDENTIFIERS)
    counts = Counter(tuple(r[:n]) for r in rows)
    return min(counts.values()) if counts else 0


def microdata_build(facts: list[CaseFacts], *, today: dt.date | None = None) -> Microdata:
    """The k-anonymous microdata of ``facts``, or :class:`NotKAnonymous`."""
    today = today or dt.date.today()
    param = parameter_at("releases.microdata_k", today)
    k = int(param.value)
    if len(facts) < k:
        raise NotKAnonymous(f"There are {len(facts)} records: fewer than k = {k}, so no release can be k-anonymous",
                            records=len(facts), k=k)
    eea_by_date: dict[dt.date, set[str]] = {}
    base, others = [], []
    for f in facts:
        eea = eea_by_date.get(f.received_on)
        if eea is None:
            eea = eea_by_date[f.received_on] = set(parameter_at("reference.eea_states", f.received_on).value)
        qi, other = record(f, eea)
        base.append(qi)
        others.append(other)
    # every level of every quasi-identifier, computed once: columns[q][level][i]
    columns = []
    for q_i, q in enumerate(QUASI_IDENTIFIERS):
        level0 = [r[q_i] for r in base]
        columns.append([level0] + [[fn(v) for v in level0] for fn in q.levels])
    heights = [range(len(q.levels) + 1) for q in QUASI_IDENTIFIERS]
    nodes = sorted(itertools.product(*heights), key=lambda node: (sum(node), node))
    allowed = int(len(facts) * MAX_SUPPRESSED_SHARE)
    best = None
    for _height, group in itertools.groupby(nodes, key=sum):
        for node in group:
            keys = list(zip(*(columns[q][lvl] for q, lvl in enumerate(node)), strict=True))
            sizes = Counter(keys)
            small = sum(n for n in sizes.values() if n < k)
            if small <= allowed and (best is None or small < best[1]):
                best = (node, small, keys, sizes)
        if best is not None:
            break
    if best is None:  # cannot happen with at least k records (all blank is one group), but never release unchecked
        raise NotKAnonymous("No coarsening reaches k", records=len(facts), k=k)
    node, small, keys, sizes = best
    rows = [[_shown(q.field, v) if lvl == 0 else v for q, lvl, v in zip(QUASI_IDENTIFIERS, node, key, strict=True)]
            + others[i] for i, key in enumerate(keys) if sizes[key] >= k]
    secrets.SystemRandom().shuffle(rows)
    result = Microdata(columns=COLUMNS, rows=rows, k=k, levels={q.field: lvl for q, lvl in zip(QUASI_IDENTIFIERS, node,
                                                                                                 strict=True)},
                       suppressed=small, records=len(facts), rule=param.version)
    if len(rows) < k or smallest_group(rows) < k:  # the check the release stands on, on what will be written
        raise NotKAnonymous("The coarsened records are not k-anonymous", records=len(facts), k=k)
    return result
