"""Territorial rules: does an offence of one UK nation reach conduct done here, or abroad?

The rules and their history are data (each offence's ``territorial`` values); this module only
says what each rule means, so that the engine and the tests agree.

Seed note §3.1: the trafficking offences "cover not only anything done in the UK by anyone
regardless of their nationality, but also anything done outside the UK by a British person or
company"; from 31 January 2008 (UK Borders Act 2007 s31) facilitating arrival in or entry into the
UK is caught "regardless of where the facilitation took place and irrespective of the nationality
of the facilitator". Seed note §10: the EU Directive required reach over UK nationals trafficking
anywhere in the world, which the Protection of Freedoms Act 2012 gave in England and Wales.

One simplification, stated in docs/law.md: conduct recorded in one UK nation is judged under that
nation's offences only; conduct outside the UK is judged under every nation's.
"""

from __future__ import annotations

from palermo.law.facts import Facts
from palermo.law.vocab import MOVEMENT_CONDUCT


def rule_holds(rule: str, facts: Facts, nation: str) -> bool:
    """Whether territorial ``rule`` brings ``facts`` within the offence as it extends to ``nation``."""
    here = facts.jurisdiction == nation
    abroad = facts.jurisdiction == "outside_uk"
    uk_movement = facts.conduct not in MOVEMENT_CONDUCT or facts.country_of_movement == "uk"
    british = facts.offender_nationality == "british"
    company = facts.offender_is_uk_company
    checks = {
        "done_in_nation": here and uk_movement,
        "british_national_abroad": abroad and british and uk_movement,
        "uk_company_abroad": abroad and company and uk_movement,
        "arrival_from_anywhere": abroad and facts.conduct == "arrange_arrival" and uk_movement,
        "anyone_anywhere_uk_movement": (here or abroad) and uk_movement,
        "uk_national_any_country": (here or abroad) and (british or company),
        "habitual_resident_any_country": (here or abroad) and facts.offender_habitually_resident_in == nation,
        "part_in_nation_any_country": here,
        "uk_movement_from_anywhere": abroad and uk_movement,
    }
    if rule not in checks:
        raise ValueError(f"unknown territorial rule {rule!r}")
    return checks[rule]


def describe_conduct_place(facts: Facts) -> str:
    """A plain description of where and by whom, for near-miss messages."""
    who = "a UK company" if facts.offender_is_uk_company else f"a {facts.offender_nationality} national"
    where = (
        "outside the UK"
        if facts.jurisdiction == "outside_uk"
        else f"in {facts.jurisdiction.replace('_', ' ')}"
    )
    movement = ""
    if facts.conduct in MOVEMENT_CONDUCT:
        movement = (
            ", concerning movement to, within or from the UK"
            if facts.country_of_movement == "uk"
            else ", concerning movement in a country other than the UK"
        )
    return f"done {where} by {who}{movement}"
