"""How to call each endpoint of the matrix: the URL (with the slot's record ids filled in), the
method and, for a write, a valid body that would succeed for a user who may do it.

A route or operation with no entry here cannot be checked, so the matrix test fails for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from palermo.accounts.models import ApiToken, Organisation, RoleGrantRequest
from palermo.core.models import AuditEvent

from .universe import Slot, Universe


@dataclass
class Call:
    path: str
    data: dict | None = None  # form fields (pages) or JSON body (API)
    json: bool = False


def _today() -> dt.date:
    return timezone.localdate()


def _date_fields(prefix: str) -> dict:
    d = _today()
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


# --- pages ------------------------------------------------------------------------------------
def _case(s: Slot) -> int:
    return s.case.pk


PAGES = {
    ("GET", "/"): lambda u, s: Call("/"),
    ("GET", "/sign-in/"): lambda u, s: Call("/sign-in/"),
    ("GET", "/sign-out/"): lambda u, s: Call("/sign-out/"),
    ("GET", "/sign-in/code/"): lambda u, s: Call("/sign-in/code/"),
    ("GET", "/sign-in/recovery-code/"): lambda u, s: Call("/sign-in/recovery-code/"),
    ("GET", "/two-factor/"): lambda u, s: Call("/two-factor/"),
    ("GET", "/two-factor/set-up/"): lambda u, s: Call("/two-factor/set-up/"),
    ("GET", "/accessibility/"): lambda u, s: Call("/accessibility/"),
    ("GET", "/dashboard/"): lambda u, s: Call("/dashboard/"),
    ("GET", "/cases/"): lambda u, s: Call("/cases/?age_group=&status="),
    ("GET", "/cases/<int:case_id>/"): lambda u, s: Call(f"/cases/{_case(s)}/"),
    ("GET", "/cases/<int:case_id>/decision/"): lambda u, s: Call(f"/cases/{_case(s)}/decision/"),
    ("POST", "/cases/<int:case_id>/decision/"): lambda u, s: Call(f"/cases/{_case(s)}/decision/", {
        "outcome": "positive", "reasons": ["indicators_present"], "reason_text": "Matrix check", **_date_fields("decided_on")}),
    ("GET", "/cases/<int:case_id>/withdraw/"): lambda u, s: Call(f"/cases/{_case(s)}/withdraw/"),
    ("POST", "/cases/<int:case_id>/withdraw/"): lambda u, s: Call(f"/cases/{_case(s)}/withdraw/", {
        "reason_code": "missing", "note": "", **_date_fields("withdrawn_on")}),
    ("GET", "/cases/<int:case_id>/elements/"): lambda u, s: Call(f"/cases/{_case(s)}/elements/"),
    ("POST", "/cases/<int:case_id>/elements/"): lambda u, s: Call(f"/cases/{_case(s)}/elements/", {
        "act": ["recruitment"], "means": [], "purpose": []}),
    ("GET", "/cases/<int:case_id>/possible-matches/"): lambda u, s: Call(f"/cases/{_case(s)}/possible-matches/"),
    ("POST", "/cases/<int:case_id>/possible-matches/"): lambda u, s: Call(
        f"/cases/{_case(s)}/possible-matches/", {
            "candidate": s.candidate.pk, "action": "decide", f"c{s.candidate.pk}-decision": "reject",
            f"c{s.candidate.pk}-reason_code": "different_people", f"c{s.candidate.pk}-reason_text": "Matrix check"}),
    ("GET", "/people/<str:pseudonym>/cluster/"): lambda u, s: Call(f"/people/{s.case.referral.person.pseudonym}/cluster/"),
    ("GET", "/permits/"): lambda u, s: Call("/permits/"),
    ("GET", "/cases/<int:case_id>/permit/"): lambda u, s: Call(f"/cases/{s.permit_case.pk}/permit/"),
    ("GET", "/cases/<int:case_id>/permit/apply/"): lambda u, s: Call(f"/cases/{s.fresh_case.pk}/permit/apply/"),
    ("POST", "/cases/<int:case_id>/permit/apply/"): lambda u, s: Call(f"/cases/{s.fresh_case.pk}/permit/apply/", {
        "grounds": ["cooperation_with_investigation"], "investigation_reference": "MATRIX/2",
        **_date_fields("applied_on")}),
    ("GET", "/cases/<int:case_id>/permit/renew/"): lambda u, s: Call(f"/cases/{s.permit_case.pk}/permit/renew/"),
    ("POST", "/cases/<int:case_id>/permit/renew/"): lambda u, s: Call(f"/cases/{s.permit_case.pk}/permit/renew/", {
        "grounds": ["cooperation_with_investigation"], "investigation_reference": "", **_date_fields("applied_on")}),
    ("GET", "/cases/<int:case_id>/permit/decision/"): lambda u, s: Call(f"/cases/{s.applied_case.pk}/permit/decision/"),
    ("POST", "/cases/<int:case_id>/permit/decision/"): lambda u, s: Call(
        f"/cases/{s.applied_case.pk}/permit/decision/", {
            "outcome": "granted", "reasons": ["cooperating_with_investigation"], "reason_text": "Matrix check",
            **_date_fields("decided_on")}),
    ("GET", "/reviews/"): lambda u, s: Call("/reviews/"),
    ("GET", "/reviews/<int:decision_id>/"): lambda u, s: Call(f"/reviews/{s.review_decision.pk}/"),
    ("POST", "/reviews/<int:decision_id>/"): lambda u, s: Call(f"/reviews/{s.review_decision.pk}/", {
        "agree": "yes", "note": "", **_date_fields("reviewed_on")}),
    ("GET", "/duty-to-notify/"): lambda u, s: Call("/duty-to-notify/"),
    ("GET", "/refer/"): lambda u, s: Call("/refer/"),
    ("GET", "/refer/check-your-answers/"): lambda u, s: Call("/refer/check-your-answers/"),
    ("GET", "/refer/confirmation/"): lambda u, s: Call("/refer/confirmation/"),
    ("GET", "/refer/<slug:slug>/"): lambda u, s: Call("/refer/where/"),
    ("GET", "/law/"): lambda u, s: Call("/law/"),
    ("GET", "/law/offences/"): lambda u, s: Call("/law/offences/"),
    ("GET", "/law/offences/<str:offence_id>/"): lambda u, s: Call("/law/offences/AITCA2004_s4/"),
    ("GET", "/law/definitions/"): lambda u, s: Call("/law/definitions/"),
    ("GET", "/support/"): lambda u, s: Call("/support/"),
    ("GET", "/support/cases/<int:case_id>/"): lambda u, s: Call(f"/support/cases/{_case(s)}/"),
    ("GET", "/support/cases/<int:case_id>/matching/"): lambda u, s: Call(f"/support/cases/{_case(s)}/matching/"),
    ("POST", "/support/cases/<int:case_id>/matching/"): lambda u, s: Call(f"/support/cases/{_case(s)}/matching/", {
        "place": "SALVARMY:women_only", "trafficked_into_uk": "unknown", "willing_to_cooperate": "unknown",
        **_date_fields("start_on")}),
    ("GET", "/support/cases/<int:case_id>/waiting-list/"): lambda u, s: Call(f"/support/cases/{_case(s)}/waiting-list/"),
    ("POST", "/support/cases/<int:case_id>/waiting-list/"): lambda u, s: Call(f"/support/cases/{_case(s)}/waiting-list/", {}),
    ("GET", "/support/cases/<int:case_id>/services/"): lambda u, s: Call(f"/support/cases/{_case(s)}/services/"),
    ("POST", "/support/cases/<int:case_id>/services/"): lambda u, s: Call(f"/support/cases/{_case(s)}/services/", {
        "service": "health_care", **_date_fields("delivered_on")}),
    ("GET", "/support/placements/<int:placement_id>/end/"): lambda u, s: Call(f"/support/placements/{s.placement.pk}/end/"),
    ("POST", "/support/placements/<int:placement_id>/end/"): lambda u, s: Call(f"/support/placements/{s.placement.pk}/end/", {
        "exit_reason": "chose_to_leave", **_date_fields("end_on")}),
    ("GET", "/support/waiting-list/"): lambda u, s: Call("/support/waiting-list/"),
    ("GET", "/support/providers/"): lambda u, s: Call("/support/providers/"),
    ("GET", "/support/providers/<str:code>/"): lambda u, s: Call("/support/providers/SALVARMY/"),
    ("GET", "/api/v1/docs"): lambda u, s: Call("/api/v1/docs"),
    ("GET", "/api/v1/openapi.json"): lambda u, s: Call("/api/v1/openapi.json"),
    ("GET", "/api/v1/"): lambda u, s: Call("/api/v1/"),
}


# --- the admin --------------------------------------------------------------------------------
def _admin_object(model_path: str, u: Universe):
    """The object an admin URL of ``app/model`` is checked with."""
    return {
        "accounts/organisation": lambda: u.orgs["MET"],
        "accounts/user": lambda: u.helpers["met2"],
        "accounts/apitoken": lambda: ApiToken.objects.filter(user=u.helpers["met2"]).first()
        or ApiToken.issue(u.helpers["met2"])[0],
        "accounts/rolegrantrequest": lambda: RoleGrantRequest.objects.get_or_create(
            user=u.helpers["met2"], organisation=u.orgs["MET"], role="intelligence_officer")[0],
        "core/auditevent": lambda: AuditEvent.objects.order_by("id").first(),
    }[model_path]()


def admin_call(route: str, u: Universe) -> Call:
    """A concrete admin URL for a route pattern of ``admin.site.urls``."""
    parts = route.strip("/").split("/")
    if route == "/admin/r/<path:content_type_id>/<path:object_id>/":
        ct = ContentType.objects.get_for_model(Organisation)
        return Call(f"/admin/r/{ct.pk}/{u.orgs['MET'].pk}/")
    if route.startswith("/admin/^(?P<app_label>"):
        return Call("/admin/accounts/")
    if route == "/admin/(?P<url>.*)$":
        return Call("/admin/no-such-page/")
    if "simple_history" in route or route.endswith("/history/([^/]+)/$"):
        org = u.orgs["MET"]
        return Call(f"/admin/accounts/organisation/{org.pk}/history/{org.history.first().history_id}/")
    if len(parts) >= 3 and "<" in route:
        obj = _admin_object(f"{parts[1]}/{parts[2]}", u)
        path = route.replace("<path:object_id>", str(obj.pk)).replace("<id>", str(obj.pk))
        return Call(path)
    return Call(route)


# --- the API ----------------------------------------------------------------------------------
def _api_case(s: Slot) -> int:
    return s.case.pk


API = {
    ("POST", "/api/v1/referrals"): lambda u, s: Call("/api/v1/referrals", {
        "received_on": _today().isoformat(), "nation": "england", "exploitation_types": ["labour"],
        "under_18": "no", "consent": "refused", "anonymous": True}, json=True),
    ("GET", "/api/v1/cases"): lambda u, s: Call("/api/v1/cases?page_size=200"),
    ("POST", "/api/v1/cases/search"): lambda u, s: Call("/api/v1/cases/search", {
        "name": f"Ysolde {s.case.referral.person.family_name}"}, json=True),
    ("GET", "/api/v1/cases.csv"): lambda u, s: Call("/api/v1/cases.csv"),
    ("GET", "/api/v1/cases/{case_id}"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}"),
    ("GET", "/api/v1/cases/{case_id}/history"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/history"),
    ("POST", "/api/v1/cases/{case_id}/decisions"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/decisions", {
        "kind": "reasonable_grounds", "outcome": "positive", "decided_on": _today().isoformat(),
        "reason_codes": ["indicators_present"]}, json=True),
    ("POST", "/api/v1/cases/{case_id}/decisions/{decision_id}/review"): lambda u, s: Call(
        f"/api/v1/cases/{s.review_case.pk}/decisions/{s.review_decision.pk}/review",
        {"agree": True, "reviewed_on": _today().isoformat(), "note": ""}, json=True),
    ("POST", "/api/v1/cases/{case_id}/withdraw"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/withdraw", {
        "reason_code": "missing", "withdrawn_on": _today().isoformat()}, json=True),
    ("PUT", "/api/v1/cases/{case_id}/elements"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/elements", {
        "act": ["recruitment"], "means": [], "purpose": []}, json=True),
    ("GET", "/api/v1/deadlines"): lambda u, s: Call("/api/v1/deadlines?within_working_days=2&page_size=500"),
    ("GET", "/api/v1/reviews"): lambda u, s: Call("/api/v1/reviews"),
    ("GET", "/api/v1/duty-to-notify"): lambda u, s: Call("/api/v1/duty-to-notify"),
    ("GET", "/api/v1/audit-events"): lambda u, s: Call("/api/v1/audit-events?page_size=5"),
    ("GET", "/api/v1/cases/{case_id}/link-candidates"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/link-candidates"),
    ("POST", "/api/v1/link-candidates/{candidate_id}/decision"): lambda u, s: Call(
        f"/api/v1/link-candidates/{s.candidate.pk}/decision",
        {"decision": "reject", "reason_code": "different_people", "reason_text": "Matrix check"}, json=True),
    ("POST", "/api/v1/link-candidates/{candidate_id}/unlink"): lambda u, s: Call(
        f"/api/v1/link-candidates/{s.candidate.pk}/unlink",
        {"reason_code": "linked_in_error", "reason_text": "Matrix check"}, json=True),
    ("GET", "/api/v1/people/{pseudonym}/cluster"): lambda u, s: Call(
        f"/api/v1/people/{s.case.referral.person.pseudonym}/cluster"),
    ("GET", "/api/v1/support/caseload"): lambda u, s: Call("/api/v1/support/caseload"),
    ("GET", "/api/v1/support/cases/{case_id}"): lambda u, s: Call(f"/api/v1/support/cases/{_api_case(s)}"),
    ("GET", "/api/v1/support/cases/{case_id}/matching"): lambda u, s: Call(f"/api/v1/support/cases/{_api_case(s)}/matching"),
    ("POST", "/api/v1/support/cases/{case_id}/placements"): lambda u, s: Call(
        f"/api/v1/support/cases/{_api_case(s)}/placements",
        {"provider": "SALVARMY", "kind": "women_only", "start_on": _today().isoformat()}, json=True),
    ("POST", "/api/v1/support/cases/{case_id}/services"): lambda u, s: Call(
        f"/api/v1/support/cases/{_api_case(s)}/services", {"service": "health_care", "delivered_on": _today().isoformat()},
        json=True),
    ("POST", "/api/v1/support/cases/{case_id}/waiting-list"): lambda u, s: Call(
        f"/api/v1/support/cases/{_api_case(s)}/waiting-list", {}, json=True),
    ("POST", "/api/v1/support/placements/{placement_id}/end"): lambda u, s: Call(
        f"/api/v1/support/placements/{s.placement.pk}/end",
        {"end_on": _today().isoformat(), "exit_reason": "chose_to_leave"}, json=True),
    ("GET", "/api/v1/support/waiting-list"): lambda u, s: Call("/api/v1/support/waiting-list"),
    ("GET", "/api/v1/support/providers"): lambda u, s: Call("/api/v1/support/providers"),
    ("GET", "/api/v1/support/placements.csv"): lambda u, s: Call("/api/v1/support/placements.csv"),
    ("GET", "/api/v1/cases/{case_id}/permit"): lambda u, s: Call(f"/api/v1/cases/{s.permit_case.pk}/permit"),
    ("POST", "/api/v1/cases/{case_id}/permit/applications"): lambda u, s: Call(
        f"/api/v1/cases/{s.fresh_case.pk}/permit/applications", {
            "grounds": ["recovery_from_harm"], "applied_on": _today().isoformat()}, json=True),
    ("POST", "/api/v1/cases/{case_id}/permit/decision"): lambda u, s: Call(
        f"/api/v1/cases/{s.applied_case.pk}/permit/decision", {
            "outcome": "refused", "reason_codes": ["not_cooperating"], "decided_on": _today().isoformat()}, json=True),
    ("GET", "/api/v1/permits"): lambda u, s: Call("/api/v1/permits?expiring=true&page_size=200"),
    ("GET", "/api/v1/permits/applications"): lambda u, s: Call("/api/v1/permits/applications?page_size=200"),
    ("GET", "/api/v1/permits.csv"): lambda u, s: Call("/api/v1/permits.csv"),
}
