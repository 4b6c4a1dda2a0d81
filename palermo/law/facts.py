"""The facts the offence engine reasons about, and their validation.

The facts describe one piece of conduct: its date and place, what was done, for what
exploitation, and by whom. Unknown keys and unknown values are refused with a message naming the
key and listing what is allowed: the engine must never guess what a caseworker meant.

The first keys are those of issue 4 and keep exactly their meaning. Later law needs more, added as
optional keys with defaults that preserve that meaning:

* ``country_of_movement`` (``uk`` by default): the country of arrival, entry, travel or departure.
  ``other`` describes trafficking elsewhere (e.g. a British national moving someone between two
  other countries), reached only from 2011 in Scotland and 2013 in England and Wales (seed note §10).
* ``offender_habitually_resident_in``: the UK nation where the offender habitually lives, if any
  (Scottish and Northern Irish law reach their habitual residents abroad).
* conduct codes ``recruit``, ``transport_or_transfer``, ``harbour_or_receive``,
  ``exchange_or_transfer_control`` (the 2015 Acts' actions, after the Palermo Protocol) and
  ``commit_offence_intending_trafficking`` (Modern Slavery Act 2015 s4).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator

from palermo.law.vocab import (
    CONDUCTS,
    EXPLOITATIONS,
    JURISDICTIONS,
    NATIONS,
    Conduct,
    CountryOfMovement,
    Exploitation,
    Jurisdiction,
    Nation,
    Nationality,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FactsError(ValueError):
    """The facts cannot be used; ``problems`` lists each one in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class Facts(BaseModel):
    """One set of facts. Build with :func:`facts_parse` to get readable errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    jurisdiction: Jurisdiction
    conduct: Conduct
    exploitation: Exploitation
    offender_nationality: Nationality
    offender_is_uk_company: StrictBool = False
    victim_previously_trafficked_into_uk: StrictBool | None = None
    third_party_exploitative_conduct_for_gain: StrictBool | None = None
    # Later law (optional; the defaults keep the original meaning).
    country_of_movement: CountryOfMovement = "uk"
    offender_habitually_resident_in: Nation | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            raise ValueError("give the date of the conduct as YYYY-MM-DD, without a time")
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str) and _DATE.match(v):
            return v
        raise ValueError("give the date of the conduct as YYYY-MM-DD")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


_ALLOWED = {
    "jurisdiction": JURISDICTIONS,
    "conduct": CONDUCTS,
    "exploitation": EXPLOITATIONS,
    "offender_nationality": ("british", "foreign"),
    "country_of_movement": ("uk", "other"),
    "offender_habitually_resident_in": NATIONS,
}


def _message(err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err["loc"]) or "facts"
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(Facts.model_fields)
        return f"unknown key {key!r}: the facts may only have {allowed}"
    if kind == "missing":
        return f"{key} is missing"
    if kind == "literal_error" and key in _ALLOWED:
        return f"{key}: {err.get('input')!r} is not allowed; use one of {', '.join(_ALLOWED[key])}"
    if kind.startswith("bool"):
        return f"{key}: {err.get('input')!r} is not allowed; use true or false" + (
            " (or null if not known)" if key not in {"offender_is_uk_company"} else ""
        )
    msg = err["msg"].removeprefix("Value error, ")
    return f"{key}: {msg}"


def facts_parse(data: Facts | dict[str, Any]) -> Facts:
    """Validate ``data`` into :class:`Facts`, raising :class:`FactsError` with plain messages."""
    if isinstance(data, Facts):
        return data
    if not isinstance(data, dict):
        raise FactsError(["the facts must be a JSON object of key: value pairs"])
    try:
        return Facts.model_validate(data)
    except ValidationError as exc:
        raise FactsError([_message(e) for e in exc.errors()]) from exc
