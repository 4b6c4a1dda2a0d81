"""CSV export of permit applications, decisions and permits in a user's scope: one row per
application. Pseudonymous (the person by pseudonym, the case by reference; never a name, an
investigation reference or a written reason), formula-safe (palermo.core.spreadsheet). The
grounds and the coded reasons are filled only for cases whose whole permit record the user may
see (the deciding competent authority); other rows carry the dates and the outcome. The caller
audits the export."""

from __future__ import annotations

import io

from palermo.core.spreadsheet import SafeDictWriter
from palermo.permits.selectors import full_view_case_ids

EXPORT_COLUMNS = [
    "case_reference", "person_reference", "competent_authority", "application_id", "applied_on", "renewal",
    "renews_permit_id", "state", "grounds", "outcome", "reason_codes", "decided_on", "permit_id", "starts_on",
    "expires_on", "renewal_reminder_on", "months", "months_rule", "renewal_reminder_rule",
]


def _d(v) -> str:
    return v.isoformat() if v else ""


def application_rows(qs, *, user):
    apps = list(qs)
    full = full_view_case_ids(user=user, case_ids={a.case_id for a in apps})
    for app in apps:
        case, person = app.case, app.case.referral.person
        decision = getattr(app, "decision", None)
        permit = getattr(decision, "permit", None) if decision is not None else None
        whole = app.case_id in full
        yield {
            "case_reference": case.referral.reference, "person_reference": person.pseudonym if person else "",
            "competent_authority": case.competent_authority.code, "application_id": app.pk,
            "applied_on": _d(app.applied_on), "renewal": "yes" if app.renews_id else "no",
            "renews_permit_id": app.renews_id or "", "state": app.state,
            "grounds": ";".join(app.grounds) if whole else "",
            "outcome": decision.outcome if decision else "",
            "reason_codes": ";".join(decision.reason_codes) if decision and whole else "",
            "decided_on": _d(decision.decided_on) if decision else "",
            "permit_id": permit.pk if permit else "", "starts_on": _d(permit.starts_on) if permit else "",
            "expires_on": _d(permit.expires_on) if permit else "",
            "renewal_reminder_on": _d(permit.reminder_on) if permit else "",
            "months": permit.months if permit else "", "months_rule": permit.months_version if permit else "",
            "renewal_reminder_rule": permit.reminder_version if permit else "",
        }


def permits_to_csv(qs, *, user) -> tuple[str, int]:
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    n = 0
    for row in application_rows(qs, user=user):
        w.writerow(row)
        n += 1
    return buf.getvalue(), n
