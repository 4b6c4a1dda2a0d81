"""Measures of a synthetic people file (``palermo.synth.people.generate_people``) that tests
compare between generator settings."""

from __future__ import annotations

from collections import Counter

from palermo.linkage.cleaning import fold
from palermo.synth.people import TRUTH_COLUMN


def share_sharing_a_name(records: list[dict]) -> float:
    """The share of true people whose first-recorded full name (folded) another person also has."""
    first: dict = {}
    for r in records:
        first.setdefault(r[TRUTH_COLUMN], fold(f"{r['given_name']} {r['family_name']}"))
    names = Counter(first.values())
    return sum(names[n] > 1 for n in first.values()) / len(first)


def share_undated(records: list[dict]) -> float:
    """The share of records without a full date of birth (none, or a 1 January placeholder)."""
    return sum(r["date_of_birth"] == "" or r["date_of_birth"].endswith("-01-01") for r in records) / len(records)
