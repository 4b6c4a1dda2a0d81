"""The permit record as the API returns it (and as the pages show it), from a selector's
``PermitRecord``: the whole record for the deciding competent authority, the dates for everyone
else who sees the case (no grounds, investigation, reasons or names of staff)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from palermo.law.vocab import PERMIT_GROUND_LABELS
from palermo.permits import codes
from palermo.permits.models import Permit, PermitApplication
from palermo.permits.selectors import PermitRecord


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def permit_dates_out(permit: Permit, on: dt.date) -> dict[str, Any]:
    return {
        "permit_id": permit.pk, "starts_on": _d(permit.starts_on), "expires_on": _d(permit.expires_on),
        "renewal_reminder_on": _d(permit.reminder_on), "months": permit.months,
        "in_force": permit.in_force_on(on),
        "rules": {"months": permit.months_version, "renewal_reminder": permit.reminder_version},
    }


def application_out(app: PermitApplication, *, full: bool) -> dict[str, Any]:
    decision = getattr(app, "decision", None)
    permit = getattr(decision, "permit", None) if decision is not None else None
    out: dict[str, Any] = {
        "application_id": app.pk, "applied_on": _d(app.applied_on), "renewal": app.renews_id is not None,
        "renews_permit_id": app.renews_id, "state": app.state,
        "outcome": decision.outcome if decision else None, "decided_on": _d(decision.decided_on) if decision else None,
        "permit_id": permit.pk if permit else None,
    }
    if full:
        out.update({
            "grounds": list(app.grounds), "ground_labels": [PERMIT_GROUND_LABELS.get(g, g) for g in app.grounds],
            "investigation_reference": app.investigation_reference, "rules_version": app.rules_version,
            "recorded_by": app.recorded_by.username,
            "reason_codes": list(decision.reason_codes) if decision else [],
            "reason_labels": codes.reason_labels(decision.reason_codes) if decision else [],
            "reason_text": decision.reason_text if decision else "",
            "decided_by": decision.decided_by.username if decision else None,
        })
    return out


def permit_record_out(record: PermitRecord) -> dict[str, Any]:
    case, on = record.case, record.on
    person = case.referral.person
    out: dict[str, Any] = {
        "case_id": case.pk, "reference": case.referral.reference,
        "person_reference": person.pseudonym if person else None,
        "identified_on": _d(case.cg_decided_on), "view": "full" if record.full else "dates", "on": _d(on),
        "current_permit": permit_dates_out(record.current, on) if record.current else None,
        "next_permit": permit_dates_out(record.upcoming, on) if record.upcoming and record.upcoming != record.current
        else None,
        "due_for_renewal": record.due_for_renewal,
        "application_awaiting_decision": record.open_application is not None,
        "permits": [permit_dates_out(p, on) for p in record.permits],
        "applications": [application_out(a, full=record.full) for a in record.applications],
        "allowed_actions": [a for a, ok in (("apply", record.can_apply), ("renew", record.can_renew),
                                            ("decide", record.can_decide)) if ok],
    }
    if record.full:
        out["eligibility"] = record.explanation.to_json() if record.explanation else None
        out["rules_today"] = record.rules_today.to_json() if record.rules_today else None
    return out
