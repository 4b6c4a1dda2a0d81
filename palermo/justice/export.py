"""CSV exports, formula-safe through ``palermo.core.spreadsheet``:

* the prosecutions a user may see (the same selector as the pages and the API): one row per
  charge, with references, codes, dates and the sentence — never a defendant's or victim's name,
  only the defendant's entity reference;
* the statistics tables (counts only)."""

from __future__ import annotations

import io

from palermo.core.spreadsheet import SafeDictWriter

EXPORT_COLUMNS = ["reference", "organisation", "nation", "court_kind", "charged_on", "defendant", "offence_id",
                  "offence_on", "outcome", "outcome_on", "disposal", "custody_months", "fine_pounds",
                  "confiscation_pounds"]
STATISTICS_COLUMNS = ["table", "year", "offence_id", "proceeded_against", "found_guilty", "average_custody_months",
                      "prosecutions", "defendants", "charges", "charges_found_guilty"]


def prosecutions_to_csv(qs) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for p in qs:
        for d in p.defendants.all():
            for c in d.charges.all():
                w.writerow({"reference": p.reference, "organisation": p.organisation.code, "nation": p.nation,
                            "court_kind": p.court_kind, "charged_on": p.charged_on.isoformat(),
                            "defendant": f"E-{d.entity_id:06d}", "offence_id": c.offence_id,
                            "offence_on": c.offence_on.isoformat(), "outcome": c.outcome,
                            "outcome_on": c.outcome_on.isoformat() if c.outcome_on else "", "disposal": c.disposal,
                            "custody_months": c.custody_months or "", "fine_pounds": c.fine_pounds or "",
                            "confiscation_pounds": d.confiscation_pounds or ""})
                n += 1
    return buf.getvalue(), n


def statistics_to_csv(s) -> str:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=STATISTICS_COLUMNS)
    w.writeheader()
    for y in s.years:
        w.writerow({"table": "year", "year": y.year, "proceeded_against": y.proceeded_against,
                    "found_guilty": y.found_guilty, "average_custody_months": y.average_custody_months or ""})
    for c in s.by_offence_year:
        w.writerow({"table": "principal_offence", "year": c.year, "offence_id": c.offence_id,
                    "proceeded_against": c.proceeded_against, "found_guilty": c.found_guilty})
    for o in s.per_offence:
        w.writerow({"table": "offence", "offence_id": o.offence_id, "prosecutions": o.prosecutions,
                    "defendants": o.defendants, "charges": o.charges, "charges_found_guilty": o.charges_found_guilty})
    return buf.getvalue()
