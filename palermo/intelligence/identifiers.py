"""Normalising exact identifiers, so that the same phone number, plate or account written two ways
resolves to one entity (issue 10: "exact identifiers resolve to one entity automatically").

Each kind has one rule; the normalised value is never stored, only its keyed blind index
(:func:`palermo.core.crypto.blind_index`, purpose ``intel.<kind>``), because a phone number or an
account number is personal data. People are never resolved automatically: they become match
proposals (:func:`person_keys`) that a person confirms.
"""

from __future__ import annotations

import re

from palermo.core.crypto import blind_index, normalise_for_index
from palermo.intelligence.models import BANK_ACCOUNT, OCG, ONLINE_ACCOUNT, PERSON, PHONE, PREMISES, VEHICLE
from palermo.linkage.cleaning import canonical_name, phonetic_key


class IdentifierProblem(ValueError):
    """The value cannot be this kind of identifier; the message says what to enter."""


def _phone(value: str) -> str:
    """E.164-like: ``+`` and digits. ``00`` becomes ``+``; a national number starting with one ``0``
    is read as a UK number (+44), as UK forces record them."""
    raw = value.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        out = "+" + digits
    elif digits.startswith("00"):
        out = "+" + digits[2:]
    elif digits.startswith("0"):
        out = "+44" + digits[1:]
    else:
        out = "+" + digits
    if not 8 <= len(out) - 1 <= 15:
        raise IdentifierProblem("Enter a phone number with 8 to 15 digits, like 07700 900123 or +44 7700 900123")
    return out


def _vehicle(value: str) -> str:
    out = re.sub(r"[\s\-]", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{2,10}", out):
        raise IdentifierProblem("Enter a registration of 2 to 10 letters and numbers, like AB12 CDE")
    return out


def _account(value: str) -> str:
    out = re.sub(r"\D", "", value)
    if not 6 <= len(out) <= 34:
        raise IdentifierProblem("Enter the sort code and account number, 6 to 34 digits")
    return out


def _online(value: str) -> str:
    out = normalise_for_index(value).replace(" ", "")
    if not out:
        raise IdentifierProblem("Enter the service and the account name, like example.com:handle")
    return out


def _text(value: str) -> str:
    out = normalise_for_index(value)
    if not out:
        raise IdentifierProblem("Enter the name or address")
    return out


NORMALISERS = {PHONE: _phone, VEHICLE: _vehicle, BANK_ACCOUNT: _account, ONLINE_ACCOUNT: _online,
               PREMISES: _text, OCG: _text}


def normalise(kind: str, value: str) -> str:
    """The normalised identifier of ``value`` as ``kind`` (raises IdentifierProblem)."""
    return NORMALISERS[kind](value)


def identifier_key(kind: str, value: str) -> str:
    """The keyed blind index an entity of ``kind`` is found by; '' for a person."""
    if kind == PERSON:
        return ""
    return blind_index(normalise(kind, value), purpose=f"intel.{kind}")


def person_keys(name: str, date_of_birth) -> tuple[str, str]:
    """Blocking keys for match proposals, from the linkage's own cleaning (``palermo.linkage``):
    the Soundex of the sorted canonical name tokens, and the date of birth; both as blind indexes."""
    tokens = " ".join(sorted(canonical_name(name).split()))
    name_idx = blind_index(phonetic_key(tokens), purpose="intel.person_name") if tokens else ""
    dob_idx = blind_index(date_of_birth.isoformat(), purpose="intel.person_dob") if date_of_birth else ""
    return name_idx, dob_idx
