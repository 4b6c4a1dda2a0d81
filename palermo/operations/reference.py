"""The coded lists operations use, read from dated, cited law data on the date that matters
(``law/data/policy/operations/``): aims (seed note §7.3), kinds of premises with the group the
report counts them in (§7.4), kinds of assets (§7.4). Nothing here is a literal list in code."""

from __future__ import annotations

import datetime as dt

from palermo.law.parameters import ParameterError, ParameterValue, parameter_at, parameter_history

AIMS, PREMISES_KINDS, ASSET_KINDS = "operations.aims", "operations.premises_kinds", "operations.asset_kinds"
#: How the report names each group of premises (seed note §7.4's words).
PREMISES_GROUP_LABELS = {"massage_sauna": "Massage parlours and saunas", "residential": "Residential properties",
                         "other": "Other premises"}


def codes_at(pid: str, on: dt.date) -> ParameterValue | None:
    """The coded list in force on ``on``, or None before the first value."""
    try:
        return parameter_at(pid, on)
    except ParameterError:
        return None


def labels(pid: str) -> dict[str, str]:
    """Every code the list has ever had, with its label (for showing stored codes)."""
    out: dict[str, str] = {}
    for pv in parameter_history(pid):
        for item in pv.value or []:
            out[item["code"]] = item["label"]
    return out


def choices(pid: str) -> list[tuple[str, str]]:
    return list(labels(pid).items())


def premises_groups() -> dict[str, str]:
    """Premises kind code -> report group (every kind the list has ever had)."""
    out: dict[str, str] = {}
    for pv in parameter_history(PREMISES_KINDS):
        for item in pv.value or []:
            out[item["code"]] = item["report_group"]
    return out


def first_day(pid: str) -> dt.date:
    return parameter_history(pid)[0].effective_from
