"""The residence permit pages: a case's permit record, the application, renewal and decision
forms, and the list of permits due for renewal and applications awaiting a decision. Thin: each
reads through a selector or writes through a service, like the API. No JavaScript needed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.law.vocab import PERMIT_GROUND_LABELS
from palermo.permits import codes
from palermo.permits.forms import PermitApplicationForm, PermitDecisionForm
from palermo.permits.rules import can_list_permits
from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn
from palermo.permits.selectors import (
    PermitRecord,
    application_facts,
    permit_applications_awaiting_for_user,
    permit_record_for_user,
    permits_expiring_for_user,
)
from palermo.permits.services import permit_application_create, permit_decide
from palermo.web.views.common import case_or_error, decision_date_errors, requires

NO_PERMIT_ROLE = _lazy("Your role does not include residence permits.")


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _record(request, case_id: int, purpose: str = "view") -> PermitRecord:
    case = case_or_error(request, case_id)
    try:
        return permit_record_for_user(user=request.user, case=case, purpose=purpose)
    except NotAllowed as exc:
        raise PermissionDenied(_("You do not have access to this case's residence permits.")) from exc


def _cannot(request, record: PermitRecord, message: str):
    return render(request, "permits/cannot.html", {"case": record.case, "message": message}, status=409)


def _why_not(record: PermitRecord, *, renewal: bool = False, deciding: bool = False) -> str:
    """Why the decision maker cannot do this now, in their words (empty when they can)."""
    if record.why_not:
        return record.why_not
    pending = record.open_application
    if deciding:
        return "" if pending else _("There is no application awaiting a decision on this case.")
    if pending is not None:
        return _("An application made on %(day)s is awaiting a decision: record the decision on it first.") % {
            "day": _day(pending.applied_on)}
    if renewal and not record.can_renew:
        if record.upcoming is not None:
            return _("The permit has been renewed: the next one starts on %(day)s.") % {"day": _day(record.upcoming.starts_on)}
        return _("There is no permit in force to renew: record a new application instead.")
    if not renewal and not record.can_apply:
        return _("A permit is in force until %(day)s: record a renewal application instead.") % {
            "day": _day(record.latest.expires_on)}
    return ""


def _applications(record: PermitRecord) -> list[dict]:
    rows = []
    for app in reversed(record.applications):
        decision = getattr(app, "decision", None)
        rows.append({
            "app": app, "decision": decision, "permit": getattr(decision, "permit", None) if decision else None,
            "grounds": [PERMIT_GROUND_LABELS.get(g, g) for g in app.grounds],
            "reasons": codes.reason_labels(decision.reason_codes) if decision else [],
        })
    return rows


@require_GET
@requires(can_list_permits, NO_PERMIT_ROLE)
def permit_detail(request, case_id: int):
    record = _record(request, case_id)
    return render(request, "permits/detail.html", {
        "case": record.case, "r": record, "rows": _applications(record),
        "explanation": record.explanation, "rules": record.rules_today,
        "today": record.on,
    })


@require_http_methods(["GET", "POST"])
@requires(can_list_permits, NO_PERMIT_ROLE)
def permit_apply(request, case_id: int):
    return _application_page(request, case_id, renewal=False)


@require_http_methods(["GET", "POST"])
@requires(can_list_permits, NO_PERMIT_ROLE)
def permit_renew(request, case_id: int):
    return _application_page(request, case_id, renewal=True)


def _application_page(request, case_id: int, *, renewal: bool):
    """Record an application or a renewal: calls ``permit_application_create`` like the API."""
    case = case_or_error(request, case_id)
    if not request.user.has_perm("permits.record_application", case):
        raise PermissionDenied(_("Only a decision maker at the competent authority this case is routed to can record "
                                 "a permit application."))
    record = _record(request, case_id, purpose="application_form")
    case = record.case
    message = _why_not(record, renewal=renewal)
    if message:
        return _cannot(request, record, message)
    today = timezone.localdate()
    form = PermitApplicationForm(request.POST if request.method == "POST" else None, initial={"applied_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            permit_application_create(actor=request.user, case=case, data=PermitApplicationIn(
                grounds=form.cleaned_data["grounds"], investigation_reference=form.cleaned_data["investigation_reference"],
                applied_on=form.cleaned_data["applied_on"], renewal=renewal))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Renewal application recorded.") if renewal else _("Application recorded."))
            return redirect("permits:detail", case_id=case.pk)
    return render(request, "permits/application_form.html", {
        "case": case, "r": record, "form": form, "renewal": renewal,
        "title": _("Record a renewal application") if renewal else _("Record a residence permit application"),
    })


@require_http_methods(["GET", "POST"])
@requires(can_list_permits, NO_PERMIT_ROLE)
def permit_decision(request, case_id: int):
    """Decide the open application, with the eligibility explanation beside the form (information
    for the decision, not the decision). Calls ``permit_decide`` like the API."""
    case = case_or_error(request, case_id)
    if not request.user.has_perm("permits.decide_permit", case):
        raise PermissionDenied(_("Only a decision maker at the competent authority this case is routed to can decide "
                                 "a permit application."))
    record = _record(request, case_id, purpose="decision_form")
    case = record.case
    message = _why_not(record, deciding=True)
    if message:
        return _cannot(request, record, message)
    today = timezone.localdate()
    form = PermitDecisionForm(request.POST if request.method == "POST" else None, initial={"decided_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            decision = permit_decide(actor=request.user, case=case, data=PermitDecisionIn(
                outcome=form.cleaned_data["outcome"], reason_codes=form.cleaned_data["reason_codes"],
                reason_text=form.cleaned_data["reason_text"], decided_on=form.cleaned_data["decided_on"]))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if decision.outcome == "granted":
                p = decision.permit
                messages.success(request, _("Permit granted: it runs from %(start)s to %(end)s.") % {
                    "start": _day(p.starts_on), "end": _day(p.expires_on)})
            else:
                messages.success(request, _("Permit refused."))
            return redirect("permits:detail", case_id=case.pk)
    app = record.open_application
    return render(request, "permits/decision_form.html", {
        "case": case, "r": record, "form": form, "app": app, "explanation": record.explanation,
        "grounds": [PERMIT_GROUND_LABELS.get(g, g) for g in app.grounds],
        "facts": application_facts(app, case),
    })


@require_GET
@requires(can_list_permits, NO_PERMIT_ROLE)
def permit_list(request):
    """Permits due for renewal (the reminder: ``permits_expiring_for_user`` on today) and
    applications awaiting a decision, in the user's scope."""
    today = timezone.localdate()
    expiring = list(permits_expiring_for_user(user=request.user, on=today)[:500])
    awaiting = list(permit_applications_awaiting_for_user(user=request.user)[:500])
    return render(request, "permits/list.html", {
        "today": today, "expiring": expiring, "awaiting": awaiting,
        "days_left": {p.pk: (p.expires_on - today).days for p in expiring},
    })
