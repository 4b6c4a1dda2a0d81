"""Which competent authority decides a referral, by the dated rule in force on the day it is
received (``law/data/policy/nrm/routing.yaml``): UKHTC for UK/EEA nationals and UKBA for others
from April 2009; the Single Competent Authority from 29 April 2019; the Immigration Enforcement
Competent Authority for immigration-enforcement cases from 1 November 2021."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from palermo.accounts.models import Organisation
from palermo.core.exceptions import ValidationFailed
from palermo.law.parameters import parameter_at


@dataclass(frozen=True)
class Route:
    authority_code: str
    version: str
    rule: str


def route(*, on: dt.date, nationalities: list[str], immigration_enforcement: bool, child: bool = False) -> Route:
    """The competent authority for a referral received ``on``. ``child`` is whether the case is a
    child's now (under 18, or not sure): a dated rule may route by it (conditions ``child`` and
    ``adult``), so an age assessment re-routes an open case when the rule in force says so."""
    p = parameter_at("nrm.routing", on)
    eea = set(parameter_at("reference.eea_states", on).value)
    facts = {
        "eea_national": any(n in eea for n in nationalities),
        "immigration_enforcement": immigration_enforcement,
        "child": child,
        "adult": not child,
    }
    for rule in p.value.get("rules", []):
        if facts.get(rule["if"]):
            return Route(rule["authority"], p.version, rule["if"])
    return Route(p.value["default"], p.version, "default")


def competent_authority_for(*, on: dt.date, nationalities: list[str], immigration_enforcement: bool,
                            child: bool = False) -> tuple[Organisation, Route]:
    r = route(on=on, nationalities=nationalities, immigration_enforcement=immigration_enforcement, child=child)
    org = Organisation.objects.filter(code=r.authority_code, kind="competent_authority").first()
    if org is None:
        raise ValidationFailed(
            f"No competent authority with code {r.authority_code} is set up; an administrator must add it",
            {"received_on": f"Referrals received on this date go to {r.authority_code}, which is not set up"},
        )
    return org, r
