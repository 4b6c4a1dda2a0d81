"""CSV export of the placements in a user's scope (the open placements with their organisation).

Pseudonymous for every role, support workers included: a spreadsheet of names and where each
person lives is exactly the file an exploiter wants, and the support record page already shows the
name to those who need it, one audited read at a time. Every cell is formula-safe
(``palermo.core.spreadsheet``). The caller audits the export."""

from __future__ import annotations

import io

from django.utils import timezone

from palermo.core.spreadsheet import SafeDictWriter
from palermo.support.periods import support_period_for_case

EXPORT_COLUMNS = [
    "placement_id", "person_reference", "nrm_reference", "provider", "kind", "start_on", "end_on", "exit_reason",
    "nation", "age_group", "gender", "exploitation_types", "case_status", "support_period", "support_ends_on",
    "services_recorded",
]


def placement_rows(qs):
    today = timezone.localdate()
    for p in qs.select_related("case", "case__referral", "case__referral__person", "provider").prefetch_related(
            "case__referral__exploitation_type_rows", "services"):
        case, ref = p.case, p.case.referral
        period = support_period_for_case(case)
        yield {
            "placement_id": p.pk, "person_reference": ref.person.pseudonym if ref.person else "",
            "nrm_reference": ref.reference, "provider": p.provider.code, "kind": p.kind,
            "start_on": p.start_on.isoformat(), "end_on": p.end_on.isoformat() if p.end_on else "",
            "exit_reason": p.exit_reason, "nation": ref.nation, "age_group": "child" if ref.is_child else "adult",
            "gender": ref.person.gender if ref.person else "", "exploitation_types": ";".join(ref.exploitation_types),
            "case_status": case.status, "support_period": period.kind if period else "",
            "support_ends_on": period.ends_on.isoformat() if period and period.ends_on else "",
            "services_recorded": sum(1 for s in p.services.all() if s.delivered_on <= today),
        }


def placements_to_csv(qs) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for row in placement_rows(qs):
        w.writerow(row)
        n += 1
    return buf.getvalue(), n
