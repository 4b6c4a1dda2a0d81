"""Justice reference data and the principal-offence rule, read from cited law data.

* ``law/data/policy/justice/charge_outcomes.yaml``: what became of a charge (found guilty, found
  not guilty, discontinued, …), coded so outcomes can be counted;
* ``law/data/policy/justice/principal_offence.yaml``: the disposals, most severe first, and the
  order of the keys that choose one person's principal offence (seed note §4, fn 35);
* the statutory maximum of an offence on a date comes from the offence file's ``max_penalty``
  (``law/data/offences/``), read into a comparable :class:`Severity` by :func:`statutory_severity`.

``palermo law check`` validates both files through :func:`justice_parameter_problems`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from palermo.law.offences import offence_get
from palermo.law.parameters import POLICY_DIR, ParameterError, all_parameters, parameter_at, parameter_history
from palermo.law.schema import describe_validation_error

RULE, OUTCOMES = "justice.principal_offence", "justice.charge_outcomes"
Key = Literal["disposal", "statutory_maximum", "custody_months", "fine_pounds", "offence_id"]


class Disposal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z_]{2,24}$")
    label: str = Field(min_length=3)
    custodial: bool = False
    fine: bool = False


class PrincipalRule(BaseModel):
    """The rule's value: the keys in order (first decides, later ones break ties) and the disposals
    from most to least severe."""

    model_config = ConfigDict(extra="forbid")
    found_guilty: list[Key] = Field(min_length=1)
    proceeded_against: list[Key] = Field(min_length=1)
    disposals: list[Disposal] = Field(min_length=2)

    @model_validator(mode="after")
    def _complete(self) -> PrincipalRule:
        for name in ("found_guilty", "proceeded_against"):
            keys = getattr(self, name)
            if len(set(keys)) != len(keys) or keys[-1] != "offence_id":
                raise ValueError(f"{name}: keys must not repeat and must end with offence_id, so no tie is left")
        if "disposal" in self.proceeded_against:
            raise ValueError("proceeded_against: a person proceeded against has no disposal to rank")
        codes = [d.code for d in self.disposals]
        if len(set(codes)) != len(codes):
            raise ValueError("disposals repeat a code")
        return self


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z_]{2,20}$")
    label: str = Field(min_length=3)
    final: bool
    guilty: bool = False


def principal_rule_at(day: dt.date) -> tuple[PrincipalRule, str]:
    """The rule in force on ``day`` and its version (``justice.principal_offence@2004-01-01``)."""
    pv = parameter_at(RULE, day)
    return PrincipalRule.model_validate(pv.value), pv.version


def current_rule() -> tuple[PrincipalRule, str]:
    pv = parameter_history(RULE)[-1]
    return PrincipalRule.model_validate(pv.value), pv.version


def outcomes() -> list[Outcome]:
    return [Outcome.model_validate(o) for o in parameter_history(OUTCOMES)[-1].value]


def outcome_labels() -> dict[str, str]:
    return {o.code: o.label for o in outcomes()}


def disposals() -> list[Disposal]:
    return current_rule()[0].disposals


def disposal_labels() -> dict[str, str]:
    return {d.code: d.label for d in disposals()}


# ---- statutory maximum ------------------------------------------------------------------------
LIFE_MONTHS = 100 * 12  # ranks life imprisonment above any term of years
_YEARS = re.compile(r"(\d+)\s+years?'?\s+imprisonment")
_MONTHS = re.compile(r"(\d+)\s+months?'?\s+imprisonment")
_POUNDS = re.compile(r"£\s?([\d,]+)")


@dataclass(frozen=True, order=True)
class Severity:
    """A statutory maximum as something that sorts: the longest custody it allows (months; life
    above every term), then an unlimited fine above a capped one, then the cap."""

    custody_months: int
    unlimited_fine: bool
    fine_cap_pounds: int

    def words(self) -> str:
        if self.custody_months >= LIFE_MONTHS:
            return "life imprisonment"
        if self.custody_months:
            return f"{self.custody_months // 12} years' imprisonment" if self.custody_months % 12 == 0 \
                else f"{self.custody_months} months' imprisonment"
        return "a fine" if self.unlimited_fine else f"a fine of £{self.fine_cap_pounds:,}"


def severity_of_text(text: str) -> Severity:
    """Read a penalty sentence from an offence file (``"14 years' imprisonment, a fine, or both"``,
    ``"life imprisonment"``, ``"a fine of £1,000 (level 3 …)"``). The longest custody named anywhere
    counts (``"10 years' …; life imprisonment where …"`` is life). ValueError when nothing is
    recognised, so a new wording in the law data fails loudly (a test reads every offence)."""
    t = text.lower()
    months = [int(y) * 12 for y in _YEARS.findall(t)] + [int(m) for m in _MONTHS.findall(t)]
    if "life imprisonment" in t:
        months.append(LIFE_MONTHS)
    capped = [int(p.replace(",", "")) for p in _POUNDS.findall(t)]
    unlimited = "a fine" in t and not capped
    if not months and not capped and not unlimited:
        raise ValueError(f"cannot read a penalty from {text!r}")
    return Severity(max(months, default=0), unlimited, max(capped, default=0))


def statutory_severity(offence_id: str, on: dt.date) -> Severity:
    """The offence's statutory maximum on ``on`` (on indictment if it can be tried there, else on
    summary conviction), as a :class:`Severity`. Before the offence's first penalty: the first."""
    offence = offence_get(offence_id)
    entry = offence.penalty_on(on) or offence.max_penalty[0]
    penalty = entry.value
    return severity_of_text(penalty.indictment or penalty.summary or "")


# ---- the rule ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChargeFacts:
    """What the rule needs about one charge (the statistics read these from the database)."""

    offence_id: str
    offence_on: dt.date
    guilty: bool = False
    disposal: str = ""
    custody_months: int | None = None
    fine_pounds: int | None = None
    outcome_on: dt.date | None = None


def _last_resort(c: ChargeFacts) -> tuple:
    """After every key of the rule, two charges of the same offence can still differ in their dates:
    the earlier offence, then the earlier outcome, wins (so the year counted never depends on the
    order the charges were recorded in)."""
    return (c.offence_on, c.outcome_on or dt.date.max, c.disposal, -(c.custody_months or 0), -(c.fine_pounds or 0),
            not c.guilty)


def _sort_key(c: ChargeFacts, keys: Iterable[str], rank: dict[str, int]):
    """Smaller sorts first = more serious. ``offence_id`` last and ascending: the final tie-break."""
    out = []
    for k in keys:
        if k == "disposal":
            out.append(rank.get(c.disposal, len(rank)))
        elif k == "statutory_maximum":
            s = statutory_severity(c.offence_id, c.offence_on)
            out.append((-s.custody_months, not s.unlimited_fine, -s.fine_cap_pounds))
        elif k == "custody_months":
            out.append(-(c.custody_months or 0))
        elif k == "fine_pounds":
            out.append(-(c.fine_pounds or 0))
        else:
            out.append(c.offence_id)
    return (*out, _last_resort(c))


def principal_offence(charges: Iterable[ChargeFacts], *, basis: Literal["found_guilty", "proceeded_against"],
                      rule: PrincipalRule | None = None) -> ChargeFacts | None:
    """One person's principal offence among ``charges`` (seed note §4, fn 35). ``found_guilty``
    considers only the charges they were found guilty of: the heaviest disposal imposed, then the
    most severe statutory maximum, then (Palermo's tie-breaks) the longer custody, the larger fine,
    the offence id. ``proceeded_against`` considers every charge: the most severe statutory maximum,
    then the offence id. None when no charge qualifies."""
    rule = rule or current_rule()[0]
    pool = [c for c in charges if c.guilty] if basis == "found_guilty" else list(charges)
    if not pool:
        return None
    rank = {d.code: i for i, d in enumerate(rule.disposals)}
    keys = getattr(rule, basis)
    return min(pool, key=lambda c: _sort_key(c, keys, rank))


def justice_parameter_problems(root=POLICY_DIR) -> list[str]:
    """Each value of the two justice files must fit its schema (for ``palermo law check``)."""
    try:
        params = all_parameters(root)
    except ParameterError as exc:
        return [str(exc)]
    problems = []
    for pid, model in ((RULE, PrincipalRule), (OUTCOMES, Outcome)):
        if pid not in params:
            if root == POLICY_DIR:
                problems.append(f"{pid}: the parameter file is missing")
            continue
        for i, entry in enumerate(params[pid].values):
            if entry.value is None:
                continue
            try:
                if model is Outcome:
                    codes = [Outcome.model_validate(o).code for o in entry.value]
                    if len(set(codes)) != len(codes) or "pending" not in codes:
                        problems.append(f"{pid}: values.{i}: codes must not repeat and must include pending")
                else:
                    model.model_validate(entry.value)
            except (ValidationError, TypeError) as exc:
                detail = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
                problems.append(f"{pid}: values.{i} (from {entry.from_}): {detail}")
    return problems
