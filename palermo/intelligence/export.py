"""CSV export of the intelligence reports a user may see (the same selector as the pages and the
API, so handling codes apply): one row per report, its grading and the references of the entities
it mentions. Never the free text, the conditions or an identifier. Formula-safe."""

from __future__ import annotations

import io

from palermo.core.spreadsheet import SafeDictWriter

EXPORT_COLUMNS = ["reference", "reported_on", "submitting_organisation", "scheme", "source_evaluation",
                  "intelligence_assessment", "handling_code", "dissemination", "entities"]


def reports_to_csv(qs) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for r in qs:
        w.writerow({"reference": r.reference, "reported_on": r.reported_on.isoformat(),
                    "submitting_organisation": r.submitting_organisation.code, "scheme": r.scheme,
                    "source_evaluation": r.source_evaluation, "intelligence_assessment": r.intelligence_assessment,
                    "handling_code": r.handling_code, "dissemination": r.dissemination,
                    "entities": ";".join(f"E-{m.entity_id:06d}" for m in r.mentions.all())})
        n += 1
    return buf.getvalue(), n
