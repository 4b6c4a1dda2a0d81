"""CSV export of cases. Pseudonymous: the person appears by reference, never by name, so an
export never carries direct identifiers. Every cell is formula-safe (palermo.core.spreadsheet).
The caller audits the export."""

from __future__ import annotations

import io

from palermo.core.spreadsheet import SafeDictWriter
from palermo.nrm import workflow

EXPORT_COLUMNS = [
    "reference", "status", "status_label", "competent_authority", "received_on", "nation", "police_force_area",
    "first_responder_org", "age_group", "exploitation_types", "exploitation_location", "exploitation_country",
    "person_reference", "gender", "nationalities", "rg_due", "rg_decided_on", "recovery_period_minimum_end",
    "cg_earliest", "cg_decided_on", "withdrawn_on",
]


def case_rows(qs):
    """Rows for ``qs``, a ``case_list_for_user`` queryset (joins, prefetch and deferred encrypted
    columns come from there)."""
    for case in qs:
        ref, person = case.referral, case.referral.person
        yield {
            "reference": ref.reference, "status": case.status, "status_label": workflow.STATUS_LABELS[case.status],
            "competent_authority": case.competent_authority.code, "received_on": ref.received_on.isoformat(),
            "nation": ref.nation, "police_force_area": ref.police_force_area,
            "first_responder_org": ref.first_responder_org.code,
            "age_group": "child" if ref.is_child else "adult",
            "exploitation_types": ";".join(ref.exploitation_types),
            "exploitation_location": ref.exploitation_location, "exploitation_country": ref.exploitation_country,
            "person_reference": person.pseudonym if person else "", "gender": person.gender if person else "",
            "nationalities": ";".join(person.nationalities) if person else "",
            "rg_due": case.rg_due.isoformat(), "rg_decided_on": _d(case.rg_decided_on),
            "recovery_period_minimum_end": _d(case.recovery_period_min_end), "cg_earliest": _d(case.cg_earliest),
            "cg_decided_on": _d(case.cg_decided_on), "withdrawn_on": _d(case.withdrawn_on),
        }


def _d(v) -> str:
    return v.isoformat() if v else ""


def cases_to_csv(qs) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for row in case_rows(qs):
        w.writerow(row)
        n += 1
    return buf.getvalue(), n
