"""CSV export of the children's board: the child cases the user's local authority leads.

Pseudonymous like the case export (the person by reference, never by name) and without free text;
every cell is formula-safe (``palermo.core.spreadsheet``). The caller audits the export."""

from __future__ import annotations

import io

from django.utils import timezone

from palermo.children.selectors import board_row
from palermo.core.spreadsheet import SafeDictWriter

EXPORT_COLUMNS = [
    "reference", "person_reference", "nationalities", "status", "local_authority", "named_person",
    "named_person_since", "placement_kind", "placement_setting", "placement_since", "missing_now", "missing_since",
    "missing_episodes", "latest_grading", "latest_grading_on",
]


def _v(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def children_to_csv(cases) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for case in cases:
        row = board_row(case)
        row["named_person"] = row["named_person_username"]
        w.writerow({k: _v(row[k]) for k in EXPORT_COLUMNS})
        n += 1
    return buf.getvalue(), n
