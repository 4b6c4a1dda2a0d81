"""Synthetic-data profiles: the published figures a generated caseload must reproduce, with
their sources (``palermo/synth/profiles/*.yaml``; ``palermo synth check`` validates them).

A profile gives the total number of referrals (exact), marginals as counts at the published
size (scaled to ``--cases``: the generator allocates each marginal's counts exactly, by largest
remainder, so at any size a share is within one case of the profile's), the status of the
cases on the profile's ``as_of`` day by age group (``outcomes``), the decision-time model and
the recording-error rates. Every section cites its source; a figure that is a model
assumption rather than a published statistic says ``verified: false`` and why, in a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

GENDERS = ("female", "male", "other", "unknown")
AGE_GROUPS = ("adult", "child", "unknown")
NATIONS = ("england", "wales", "scotland", "northern_ireland")
AUTHORITIES = ("SCA", "IECA", "UKHTC", "UKBA")
#: The status of a case on ``as_of``, and the steps (workflow actions) that led there.
OUTCOME_PATHS: dict[str, tuple[str, ...]] = {
    "referred": ("refer",),
    "withdrawn_referred": ("refer", "withdraw"),
    "rg_review": ("refer", "rg_negative"),
    "rg_negative": ("refer", "rg_negative", "review_agree"),
    "recovery_period": ("refer", "rg_positive"),
    "withdrawn_recovery": ("refer", "rg_positive", "withdraw"),
    "cg_review": ("refer", "rg_positive", "cg_negative"),
    "identified": ("refer", "rg_positive", "cg_positive"),
    "not_identified": ("refer", "rg_positive", "cg_negative", "review_agree"),
}
MARGINALS = ("gender", "age_group", "nationality", "competent_authority", "nation", "exploitation_type")
ERROR_KINDS = ("variant", "drop_diacritics", "swap_names_family_first", "swap_names_other", "typo",
               "placeholder_dob", "missing_dob")


@dataclass(frozen=True)
class Profile:
    id: str
    data: dict

    @property
    def total(self) -> int:
        return int(self.data["total_referrals"]["value"])

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        p = self.data["period"]
        return p["from"], p["to"]

    @property
    def as_of(self) -> dt.date:
        return self.data["as_of"]

    def marginal(self, name: str) -> dict[str, float]:
        return dict(self.data["marginals"].get(name, {}).get("values", {}))

    def tolerance(self, name: str) -> float:
        return float(self.data["marginals"][name].get("tolerance", 0.01))

    def outcomes(self, age_group: str) -> dict[str, float]:
        out = self.data["outcomes"]
        return dict(out.get(age_group) or out.get("all") or out["adult"])

    def error_rate(self, kind: str) -> float:
        return float(self.data.get("errors", {}).get(kind, 0.0))


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


@cache
def profile_load(name: str) -> Profile:
    """The profile called ``name``, validated; ``ValueError`` listing every problem otherwise."""
    path = PROFILES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ValueError(f"no synthetic-data profile {name!r}; there are: {', '.join(profile_names())}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = profile_problems(data, name=name)
    if problems:
        raise ValueError(f"profile {name}: " + "; ".join(problems))
    return Profile(id=name, data=data)


def _sources_problems(where: str, sources) -> list[str]:
    if not sources:
        return [f"{where}: no sources (every figure needs a citation)"]
    out = []
    for s in sources:
        if not isinstance(s, dict) or not str(s.get("citation", "")).strip():
            out.append(f"{where}: a source without a citation")
        elif s.get("verified") is False and not str(s.get("note", "")).strip() and "derived" not in s["citation"]:
            out.append(f"{where}: an unverified source needs a note saying what it is")
    return out


def profile_problems(data: dict, *, name: str) -> list[str]:
    """Every way ``data`` is not a usable, cited profile (an empty list when it is)."""
    from palermo.nrm import codes

    problems: list[str] = []
    if not isinstance(data, dict):
        return ["not a mapping"]
    if data.get("id") != name:
        problems.append(f"id {data.get('id')!r} does not match the file name {name!r}")
    period = data.get("period") or {}
    if not (isinstance(period.get("from"), dt.date) and isinstance(period.get("to"), dt.date)
            and period["from"] <= period["to"]):
        problems.append("period: from and to must be dates, from on or before to")
    elif not isinstance(data.get("as_of"), dt.date) or data["as_of"] < period["to"]:
        problems.append("as_of must be a date on or after the end of the period")
    total = data.get("total_referrals") or {}
    if not isinstance(total.get("value"), int) or total["value"] <= 0:
        problems.append("total_referrals.value must be a positive whole number")
    problems += _sources_problems("total_referrals", total.get("sources"))
    known = {
        "gender": set(GENDERS), "age_group": set(AGE_GROUPS), "nation": set(NATIONS),
        "competent_authority": set(AUTHORITIES), "exploitation_type": set(codes.codes("exploitation_types")),
    }
    from palermo.synth.namepools import NATIONALITIES

    known["nationality"] = set(NATIONALITIES) | {"other"}
    marginals = data.get("marginals") or {}
    for mname, m in marginals.items():
        if mname not in MARGINALS:
            problems.append(f"marginals.{mname}: unknown marginal (known: {', '.join(MARGINALS)})")
            continue
        values = m.get("values") or {}
        bad = sorted(set(values) - known[mname])
        if bad:
            problems.append(f"marginals.{mname}: unknown values {', '.join(map(str, bad))}")
        if any(not isinstance(v, int | float) or v < 0 for v in values.values()):
            problems.append(f"marginals.{mname}: counts must be numbers, not negative")
        elif isinstance(total.get("value"), int) and sum(values.values()) != total["value"]:
            problems.append(f"marginals.{mname}: counts add up to {sum(values.values())}, not the total {total['value']}")
        if not 0 < float(m.get("tolerance", 0)) <= 0.05:
            problems.append(f"marginals.{mname}: tolerance must be a share above 0 and at most 0.05")
        problems += _sources_problems(f"marginals.{mname}", m.get("sources"))
    outcomes = data.get("outcomes") or {}
    groups = [g for g in outcomes if g != "sources"]
    if not groups or any(g not in {"all", *AGE_GROUPS} for g in groups):
        problems.append("outcomes: give them for 'all' or by age group (adult, child, unknown)")
    ages = (marginals.get("age_group") or {}).get("values", {})
    for g in groups:
        vals = outcomes[g] or {}
        bad = sorted(set(vals) - set(OUTCOME_PATHS))
        if bad:
            problems.append(f"outcomes.{g}: unknown statuses {', '.join(bad)}")
        if g == "all" and abs(sum(vals.values()) - 1) > 1e-9:
            problems.append(f"outcomes.all: shares add up to {sum(vals.values())}, not 1")
        elif g != "all" and g in ages and sum(vals.values()) != ages[g]:
            problems.append(f"outcomes.{g}: counts add up to {sum(vals.values())}, not the {ages[g]} in age_group")
    if "all" not in groups and set(ages) - set(groups):
        problems.append(f"outcomes: no outcomes for age groups {', '.join(sorted(set(ages) - set(groups)))}")
    problems += _sources_problems("outcomes", outcomes.get("sources"))
    delays = data.get("delays") or {}
    for key in ("rg_working_days", "review_working_days", "cg_days_after_earliest"):
        d = delays.get(key) or {}
        if not (isinstance(d.get("median"), int | float) and d["median"] >= 0 and isinstance(d.get("sigma"), int | float)):
            problems.append(f"delays.{key}: give median (days, not negative) and sigma")
    problems += _sources_problems("delays", delays.get("sources"))
    for kind, rate in (data.get("errors") or {}).items():
        if kind not in ERROR_KINDS:
            problems.append(f"errors.{kind}: unknown recording error (known: {', '.join(ERROR_KINDS)})")
        elif not isinstance(rate, int | float) or not 0 <= rate <= 1:
            problems.append(f"errors.{kind}: a rate between 0 and 1")
    rate = data.get("repeat_referral_rate", 0)
    if not isinstance(rate, int | float) or not 0 <= rate < 1:
        problems.append("repeat_referral_rate: a share from 0 to below 1")
    return problems


def profiles_check() -> dict[str, list[str]]:
    """Problems by profile name, for ``palermo synth check``."""
    out = {}
    for name in profile_names():
        data = yaml.safe_load((PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        out[name] = profile_problems(data, name=name)
    return out
