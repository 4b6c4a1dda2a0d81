"""CSV export of operation reports in the user's scope: one row per figure of each report (the
same counts as the report page). Counts, sums and codes only; formula-safe."""

from __future__ import annotations

import io

from palermo.core.spreadsheet import SafeDictWriter
from palermo.operations.report import OperationReport

EXPORT_COLUMNS = ["operation", "name", "starts_on", "ends_on", "measure", "value"]


def report_rows(r: OperationReport) -> list[tuple[str, object]]:
    """(measure, value) in the order of the §7.4 results."""
    rows = [("victims_identified", r.victims_identified), ("child_victims", r.child_victims),
            ("youngest_age", "" if r.youngest_age is None else r.youngest_age),
            ("forced_labour_victims", r.forced_labour_victims),
            ("forced_labour_child_victims", r.forced_labour_child_victims),
            ("people_arrested", r.people_arrested), ("people_charged", r.people_charged), ("charges", r.charges),
            ("premises_visited", r.premises_visited)]
    rows += [(f"premises_{g}", n) for g, n in r.premises_by_group.items()]
    rows += [(f"premises_kind_{k}", n) for k, n in r.premises_by_kind.items()]
    rows += [("intelligence_reports_gathered", r.intelligence_reports_gathered),
             ("cash_recovered_pence", r.cash_recovered_pence), ("assets_restrained_pence", r.assets_restrained_pence),
             ("organisations", r.organisations)]
    rows += [(f"charges_offence_{k}", n) for k, n in r.charges_by_offence.items()]
    return rows


def reports_to_csv(reports: list[OperationReport]) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for r in reports:
        for measure, value in report_rows(r):
            w.writerow({"operation": r.reference, "name": r.name, "starts_on": r.starts_on, "ends_on": r.ends_on or "",
                        "measure": measure, "value": value})
            n += 1
    return buf.getvalue(), n
