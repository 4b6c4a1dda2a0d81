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


def _now() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=1)


def _import_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("referrals.csv", b"received_on,nation,exploitation_types,under_18,consent\n"
                              b"2024-01-02,england,labour,no,given\n", content_type="text/csv")


def _stats_query() -> str:
    """The statistics pages' form: the last four quarters that have ended, as published."""
    from palermo.stats.periods import Quarter, default_period

    p = default_period(_today())
    return f"from_quarter={Quarter.of(p.start).slug}&to_quarter={Quarter.of(p.end).slug}"


def _stats_period() -> str:
    from palermo.stats.periods import default_period

    p = default_period(_today())
    return f"from={p.start.isoformat()}&to={p.end.isoformat()}"


def _date_fields(prefix: str) -> dict:
    d = _today()
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


# --- pages ------------------------------------------------------------------------------------
def _case(s: Slot) -> int:
    return s.case.pk


def _letter(s: Slot) -> int:
    """The latest decision letter of the slot's identified case (positive RG and CG in effect)."""
    from palermo.children.models import DecisionLetter

    return DecisionLetter.objects.filter(case=s.permit_case).order_by("-id").first().pk


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
    # a saved referral draft: the column's own (own) or a helper's (none); JobSlot carries it as .job
    ("GET", "/refer/drafts/<int:draft_id>/"): lambda u, s: Call(f"/refer/drafts/{s.job.pk}/"),
    ("POST", "/refer/drafts/<int:draft_id>/"): lambda u, s: Call(f"/refer/drafts/{s.job.pk}/", {"action": "resume"}),
    ("GET", "/law/"): lambda u, s: Call("/law/"),
    ("GET", "/law/offences/"): lambda u, s: Call("/law/offences/"),
    ("GET", "/law/offences/<str:offence_id>/"): lambda u, s: Call("/law/offences/AITCA2004_s4/"),
    ("GET", "/law/definitions/"): lambda u, s: Call("/law/definitions/"),
    # children (palermo.children): the open case has the record, the review case has room to add to it
    ("GET", "/children/"): lambda u, s: Call("/children/"),
    ("GET", "/children/export.csv"): lambda u, s: Call("/children/export.csv"),
    ("GET", "/children/missing-statistics/"): lambda u, s: Call("/children/missing-statistics/"),
    ("GET", "/children/cases/<int:case_id>/"): lambda u, s: Call(f"/children/cases/{_case(s)}/"),
    ("GET", "/children/cases/<int:case_id>/missing/"): lambda u, s: Call(f"/children/cases/{s.review_case.pk}/missing/"),
    ("POST", "/children/cases/<int:case_id>/missing/"): lambda u, s: Call(f"/children/cases/{s.review_case.pk}/missing/", {
        **_date_fields("went_missing_on"), "went_missing_time": "00:00", "missing_from": "placement",
        "reported_to_police": "no", "request_key": "matrix-key"}),
    ("GET", "/children/cases/<int:case_id>/missing/<int:episode_id>/return/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/missing/{s.episode.pk}/return/"),
    ("POST", "/children/cases/<int:case_id>/missing/<int:episode_id>/return/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/missing/{s.episode.pk}/return/", {
            **_date_fields("returned_on"), "returned_time": "00:00", "found_where": "found_by_police",
            "return_condition": "Matrix check"}),
    ("GET", "/children/cases/<int:case_id>/named-person/"): lambda u, s: Call(f"/children/cases/{_case(s)}/named-person/"),
    ("POST", "/children/cases/<int:case_id>/named-person/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/named-person/", {"username": "m.children", **_date_fields("appointed_on")}),
    ("GET", "/children/cases/<int:case_id>/placement/"): lambda u, s: Call(f"/children/cases/{s.review_case.pk}/placement/"),
    ("POST", "/children/cases/<int:case_id>/placement/"): lambda u, s: Call(f"/children/cases/{s.review_case.pk}/placement/", {
        "setting": str(s.placement.setting_id), **_date_fields("started_on"), "started_time": "00:00"}),
    ("GET", "/children/cases/<int:case_id>/placements/<int:placement_id>/end/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/placements/{s.placement.pk}/end/"),
    ("POST", "/children/cases/<int:case_id>/placements/<int:placement_id>/end/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/placements/{s.placement.pk}/end/", {
            "end_reason": "moved", **_date_fields("ended_on"), "ended_time": "00:00"}),
    ("GET", "/children/cases/<int:case_id>/age-assessment/"): lambda u, s: Call(
        f"/children/cases/{_case(s)}/age-assessment/"),
    ("POST", "/children/cases/<int:case_id>/age-assessment/"): lambda u, s: Call(
        f"/children/cases/{s.review_case.pk}/age-assessment/", {
            **_date_fields("assessed_on"), "assessed_by": "HILLINGDON", "assessed_age": "15"}),
    ("GET", "/children/cases/<int:case_id>/grading/"): lambda u, s: Call(f"/children/cases/{_case(s)}/grading/"),
    ("POST", "/children/cases/<int:case_id>/grading/"): lambda u, s: Call(f"/children/cases/{_case(s)}/grading/", {
        "level": "3", "evidence_summary": "Matrix check", **_date_fields("graded_on")}),
    # notifications: a notification addressed to the column's user (recipient) or to someone else (none)
    ("GET", "/notifications/"): lambda u, s: Call("/notifications/"),
    ("POST", "/notifications/<int:notification_id>/read/"): lambda u, s: Call(
        f"/notifications/{s.notification.pk}/read/", {}),
    ("POST", "/notifications/read-all/"): lambda u, s: Call("/notifications/read-all/", {}),
    # background jobs: a finished job started by the column's user (own) or by someone else (none)
    ("GET", "/jobs/"): lambda u, s: Call("/jobs/"),
    ("GET", "/jobs/<int:job_id>/"): lambda u, s: Call(f"/jobs/{s.job.pk}/"),
    ("POST", "/jobs/<int:job_id>/retry/"): lambda u, s: Call(f"/jobs/{s.job.pk}/retry/", {}),
    ("GET", "/jobs/<int:job_id>/bulletin.zip"): lambda u, s: Call(f"/jobs/{s.job.pk}/bulletin.zip"),
    ("POST", "/jobs/link-run/"): lambda u, s: Call("/jobs/link-run/", {}),
    # the import page: a file whose header is right (its rows are checked by the job)
    ("GET", "/jobs/import/"): lambda u, s: Call("/jobs/import/"),
    ("POST", "/jobs/import/"): lambda u, s: Call("/jobs/import/", {"file": _import_file()}),
    ("POST", "/jobs/bulletin/"): lambda u, s: Call("/jobs/bulletin/", dict(
        (k, v) for k, v in (p.split("=") for p in _stats_query().split("&")))),
    ("GET", "/statistics/"): lambda u, s: Call(f"/statistics/?{_stats_query()}"),
    ("GET", "/statistics/files/<str:filename>"): lambda u, s: Call(
        f"/statistics/files/table-01-referrals_quarter_age_gender.csv?{_stats_query()}"),
    ("GET", "/monitoring/"): lambda u, s: Call("/monitoring/"),
    ("GET", "/statistics/private-releases/"): lambda u, s: Call("/statistics/private-releases/"),
    ("POST", "/statistics/private-releases/"): lambda u, s: Call("/statistics/private-releases/", {
        "year": str(_today().year), "dimension": "exploitation_type", "epsilon": "0.1"}),
    ("GET", "/statistics/microdata/"): lambda u, s: Call("/statistics/microdata/"),
    ("GET", "/statistics/microdata/htcds.csv"): lambda u, s: Call("/statistics/microdata/htcds.csv"),
    # intelligence (palermo.intelligence): ``s`` is an intelligence slot (universe.IntelSlot)
    ("GET", "/intelligence/"): lambda u, s: Call("/intelligence/"),
    ("GET", "/intelligence/search/"): lambda u, s: Call("/intelligence/search/"),
    ("POST", "/intelligence/search/"): lambda u, s: Call("/intelligence/search/", {"kind": "phone", "value": s.phone}),
    ("GET", "/intelligence/export.csv"): lambda u, s: Call("/intelligence/export.csv"),
    ("GET", "/intelligence/reports/new/"): lambda u, s: Call("/intelligence/reports/new/"),
    ("POST", "/intelligence/reports/new/"): lambda u, s: Call("/intelligence/reports/new/", {
        "reported_on-day": 1, "reported_on-month": 3, "reported_on-year": 2008, "source_evaluation": "B",
        "intelligence_assessment": "2", "handling_code": "1", "text": "Matrix report",
        "entity_1_kind": "vehicle", "entity_1_value": "MX01 AAA"}),
    ("GET", "/intelligence/reports/<int:report_id>/"): lambda u, s: Call(f"/intelligence/reports/{s.report.pk}/"),
    ("GET", "/intelligence/entities/<int:entity_id>/"): lambda u, s: Call(f"/intelligence/entities/{s.entity.pk}/"),
    ("GET", "/intelligence/network/"): lambda u, s: Call("/intelligence/network/"),
    ("GET", "/intelligence/matches/"): lambda u, s: Call("/intelligence/matches/"),
    ("POST", "/intelligence/matches/<int:proposal_id>/"): lambda u, s: Call(
        f"/intelligence/matches/{s.proposal.pk}/", {"decision": "different"}),
    ("GET", "/intelligence/entities/<int:entity_id>/victim-links/"): lambda u, s: Call(
        f"/intelligence/entities/{s.entity.pk}/victim-links/"),
    ("POST", "/intelligence/entities/<int:entity_id>/victim-links/"): lambda u, s: Call(
        f"/intelligence/entities/{s.entity.pk}/victim-links/", {
            "pseudonym": u.slots["met_own"].case.referral.person.pseudonym, "lawful_reason": "investigation",
            "reason_text": "Matrix lawful reason"}),
    # justice (palermo.justice): ``s`` is a justice slot (universe.JusticeSlot)
    ("GET", "/justice/"): lambda u, s: Call("/justice/"),
    ("GET", "/justice/export.csv"): lambda u, s: Call("/justice/export.csv"),
    ("GET", "/justice/prosecutions/new/"): lambda u, s: Call("/justice/prosecutions/new/"),
    ("POST", "/justice/prosecutions/new/"): lambda u, s: Call("/justice/prosecutions/new/", {
        "nation": "england_wales", "court_kind": "crown", "court_name": "Matrix Crown Court",
        "charged_on-day": "1", "charged_on-month": "6", "charged_on-year": "2008",
        "defendant_1": u.intel["intel_ukhtc"].entity.reference, "d1_charge_1_offence": "SOA2003_s58",
        "d1_charge_1_on-day": "1", "d1_charge_1_on-month": "3", "d1_charge_1_on-year": "2008"}),
    ("GET", "/justice/prosecutions/<int:prosecution_id>/"): lambda u, s: Call(f"/justice/prosecutions/{s.prosecution.pk}/"),
    ("GET", "/justice/prosecutions/<int:prosecution_id>/victims/new/"): lambda u, s: Call(
        f"/justice/prosecutions/{s.prosecution.pk}/victims/new/"),
    ("POST", "/justice/prosecutions/<int:prosecution_id>/victims/new/"): lambda u, s: Call(
        f"/justice/prosecutions/{s.prosecution.pk}/victims/new/", {
            "pseudonym": next(iter(u.slots.values())).case.referral.person.pseudonym, "lawful_reason": "prosecution",
            "reason_text": "Matrix lawful reason"}),
    ("GET", "/justice/charges/<int:charge_id>/outcome/"): lambda u, s: Call(f"/justice/charges/{s.charge.pk}/outcome/"),
    ("POST", "/justice/charges/<int:charge_id>/outcome/"): lambda u, s: Call(f"/justice/charges/{s.charge.pk}/outcome/", {
        "outcome": "convicted", "disposal": "immediate_custody", "custody_months": "24", **_date_fields("outcome_on")}),
    ("GET", "/justice/statistics/"): lambda u, s: Call("/justice/statistics/"),
    ("GET", "/justice/statistics.csv"): lambda u, s: Call("/justice/statistics.csv"),
    # operations (palermo.operations): ``s`` is an operation slot (universe.OperationSlot)
    ("GET", "/operations/"): lambda u, s: Call("/operations/"),
    ("GET", "/operations/new/"): lambda u, s: Call("/operations/new/"),
    ("POST", "/operations/new/"): lambda u, s: Call("/operations/new/", {
        "name": "Matrix new operation", "starts_on-day": "1", "starts_on-month": "1", "starts_on-year": "2008",
        "aims": ["recover_victims"]}),
    ("GET", "/operations/<int:operation_id>/"): lambda u, s: Call(f"/operations/{s.operation.pk}/"),
    ("GET", "/operations/<int:operation_id>/record/<slug:kind>/"): lambda u, s: Call(
        f"/operations/{s.operation.pk}/record/premises/"),
    ("POST", "/operations/<int:operation_id>/record/<slug:kind>/"): lambda u, s: Call(
        f"/operations/{s.operation.pk}/record/premises/", {"visited_on-day": "1", "visited_on-month": "3",
                                                          "visited_on-year": "2008", "kind": "sauna",
                                                          "nation": "england_wales"}),
    ("GET", "/operations/<int:operation_id>/report/"): lambda u, s: Call(f"/operations/{s.operation.pk}/report/"),
    ("GET", "/operations/<int:operation_id>/report.csv"): lambda u, s: Call(f"/operations/{s.operation.pk}/report.csv"),
    ("GET", "/intelligence/groups/"): lambda u, s: Call("/intelligence/groups/"),
    ("GET", "/intelligence/groups/<int:entity_id>/status/"): lambda u, s: Call(
        f"/intelligence/groups/{s.group.pk}/status/"),
    ("POST", "/intelligence/groups/<int:entity_id>/status/"): lambda u, s: Call(
        f"/intelligence/groups/{s.group.pk}/status/", {"status": "identified", **_date_fields("on")}),
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
    ("GET", "/support/placements/<int:placement_id>/end/"): lambda u, s: Call(f"/support/placements/{s.support_placement.pk}/end/"),
    ("POST", "/support/placements/<int:placement_id>/end/"): lambda u, s: Call(f"/support/placements/{s.support_placement.pk}/end/", {
        "exit_reason": "chose_to_leave", **_date_fields("end_on")}),
    ("GET", "/support/waiting-list/"): lambda u, s: Call("/support/waiting-list/"),
    ("GET", "/support/providers/"): lambda u, s: Call("/support/providers/"),
    ("GET", "/support/providers/<str:code>/"): lambda u, s: Call("/support/providers/SALVARMY/"),
    # issue 14: search (the tail of the slot's reference), allocation, My cases, decision letters
    ("GET", "/search/"): lambda u, s: Call("/search/"),
    ("POST", "/search/"): lambda u, s: Call("/search/", {"q": s.case.referral.reference[-8:].lower()}),
    ("GET", "/my-cases/"): lambda u, s: Call("/my-cases/"),
    ("GET", "/workload/"): lambda u, s: Call("/workload/"),
    ("GET", "/cases/<int:case_id>/allocate/"): lambda u, s: Call(f"/cases/{_case(s)}/allocate/"),
    ("POST", "/cases/<int:case_id>/allocate/"): lambda u, s: Call(f"/cases/{_case(s)}/allocate/", {
        "to_user": str(u.users["decision_maker"].pk)}),
    ("GET", "/cases/<int:case_id>/letters/<int:letter_id>/<slug:recipient>.pdf"): lambda u, s: Call(
        f"/cases/{s.permit_case.pk}/letters/{_letter(s)}/first_responder.pdf"),
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
    ("POST", "/api/v1/search"): lambda u, s: Call("/api/v1/search", {"reference": s.case.referral.reference[-8:]}, json=True),
    ("PUT", "/api/v1/cases/{case_id}/allocation"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/allocation", {
        "to_user": u.users["decision_maker"].username}, json=True),
    ("GET", "/api/v1/my-cases"): lambda u, s: Call("/api/v1/my-cases"),
    ("GET", "/api/v1/workload"): lambda u, s: Call("/api/v1/workload"),
    ("GET", "/api/v1/cases/{case_id}/letters"): lambda u, s: Call(f"/api/v1/cases/{s.permit_case.pk}/letters"),
    ("GET", "/api/v1/cases/{case_id}/letters/{letter_id}/{recipient}.pdf"): lambda u, s: Call(
        f"/api/v1/cases/{s.permit_case.pk}/letters/{_letter(s)}/first_responder.pdf"),
    ("GET", "/api/v1/events"): lambda u, s: Call("/api/v1/events?limit=500"),
    ("POST", "/api/v1/cases/search"): lambda u, s: Call("/api/v1/cases/search", {
        "name": f"Ysolde {s.case.referral.person.family_name}"}, json=True),
    ("GET", "/api/v1/cases.csv"): lambda u, s: Call("/api/v1/cases.csv"),
    ("GET", "/api/v1/cases/{case_id}"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}"),
    ("GET", "/api/v1/cases/{case_id}/history"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/history"),
    ("GET", "/api/v1/cases/{case_id}/actions"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/actions"),
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
    ("GET", "/api/v1/stats/tables"): lambda u, s: Call(f"/api/v1/stats/tables?{_stats_period()}"),
    ("GET", "/api/v1/cases/{case_id}/link-candidates"): lambda u, s: Call(f"/api/v1/cases/{_api_case(s)}/link-candidates"),
    ("POST", "/api/v1/link-candidates/{candidate_id}/decision"): lambda u, s: Call(
        f"/api/v1/link-candidates/{s.candidate.pk}/decision",
        {"decision": "reject", "reason_code": "different_people", "reason_text": "Matrix check"}, json=True),
    ("POST", "/api/v1/link-candidates/{candidate_id}/unlink"): lambda u, s: Call(
        f"/api/v1/link-candidates/{s.candidate.pk}/unlink",
        {"reason_code": "linked_in_error", "reason_text": "Matrix check"}, json=True),
    ("GET", "/api/v1/people/{pseudonym}/cluster"): lambda u, s: Call(
        f"/api/v1/people/{s.case.referral.person.pseudonym}/cluster"),
    ("GET", "/api/v1/monitoring-report"): lambda u, s: Call("/api/v1/monitoring-report"),
    ("GET", "/api/v1/releases/budgets"): lambda u, s: Call("/api/v1/releases/budgets"),
    ("GET", "/api/v1/releases/private"): lambda u, s: Call("/api/v1/releases/private"),
    ("POST", "/api/v1/releases/private"): lambda u, s: Call("/api/v1/releases/private", {
        "year": _today().year, "dimension": "exploitation_type", "epsilon": 0.1}, json=True),
    ("GET", "/api/v1/releases/microdata.csv"): lambda u, s: Call("/api/v1/releases/microdata.csv"),
    # children
    ("GET", "/api/v1/children/cases"): lambda u, s: Call("/api/v1/children/cases?page_size=200"),
    ("GET", "/api/v1/children/cases.csv"): lambda u, s: Call("/api/v1/children/cases.csv"),
    ("GET", "/api/v1/children/cases/{case_id}"): lambda u, s: Call(f"/api/v1/children/cases/{_api_case(s)}"),
    ("POST", "/api/v1/children/cases/{case_id}/age-assessments"): lambda u, s: Call(
        f"/api/v1/children/cases/{s.review_case.pk}/age-assessments", {
            "assessed_on": _today().isoformat(), "assessed_by": "HILLINGDON", "assessed_age": 15}, json=True),
    ("PUT", "/api/v1/children/cases/{case_id}/named-person"): lambda u, s: Call(
        f"/api/v1/children/cases/{_api_case(s)}/named-person", {
            "username": "m.children", "appointed_on": _today().isoformat()}, json=True),
    ("POST", "/api/v1/children/cases/{case_id}/placements"): lambda u, s: Call(
        f"/api/v1/children/cases/{s.review_case.pk}/placements", {
            "setting_id": s.placement.setting_id, "started_at": _now().isoformat()}, json=True),
    ("POST", "/api/v1/children/cases/{case_id}/placements/{placement_id}/end"): lambda u, s: Call(
        f"/api/v1/children/cases/{_api_case(s)}/placements/{s.placement.pk}/end", {
            "ended_at": _now().isoformat(), "end_reason": "moved"}, json=True),
    ("POST", "/api/v1/children/cases/{case_id}/missing-episodes"): lambda u, s: Call(
        f"/api/v1/children/cases/{s.review_case.pk}/missing-episodes", {
            "went_missing_at": _now().isoformat(), "missing_from": "placement", "request_key": "matrix-api"}, json=True),
    ("POST", "/api/v1/children/cases/{case_id}/missing-episodes/{episode_id}/return"): lambda u, s: Call(
        f"/api/v1/children/cases/{_api_case(s)}/missing-episodes/{s.episode.pk}/return", {
            "returned_at": _now().isoformat(), "found_where": "found_by_police", "return_condition": "Matrix check"},
        json=True),
    ("POST", "/api/v1/children/cases/{case_id}/gradings"): lambda u, s: Call(
        f"/api/v1/children/cases/{_api_case(s)}/gradings", {
            "level": 3, "graded_on": _today().isoformat(), "evidence_summary": "Matrix check"}, json=True),
    ("GET", "/api/v1/children/missing-statistics"): lambda u, s: Call("/api/v1/children/missing-statistics"),
    # notifications
    ("GET", "/api/v1/notifications"): lambda u, s: Call("/api/v1/notifications"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): lambda u, s: Call(
        f"/api/v1/notifications/{s.notification.pk}/read", {}, json=True),
    ("POST", "/api/v1/notifications/read-all"): lambda u, s: Call("/api/v1/notifications/read-all", {}, json=True),
    # background jobs
    ("GET", "/api/v1/jobs"): lambda u, s: Call("/api/v1/jobs"),
    ("GET", "/api/v1/jobs/{job_id}"): lambda u, s: Call(f"/api/v1/jobs/{s.job.pk}"),
    ("POST", "/api/v1/jobs/{job_id}/retry"): lambda u, s: Call(f"/api/v1/jobs/{s.job.pk}/retry", {}, json=True),
    ("POST", "/api/v1/link-runs"): lambda u, s: Call("/api/v1/link-runs", {}, json=True),
    ("GET", "/api/v1/intelligence/reports"): lambda u, s: Call("/api/v1/intelligence/reports"),
    ("POST", "/api/v1/intelligence/reports"): lambda u, s: Call("/api/v1/intelligence/reports", {
        "reported_on": "2020-01-01", "source_evaluation": "A", "intelligence_assessment": "1", "handling_code": "P",
        "text": "Matrix report", "entities": [{"kind": "vehicle", "value": "MX02 AAA"}]}, json=True),
    ("GET", "/api/v1/intelligence/reports/{report_id}"): lambda u, s: Call(f"/api/v1/intelligence/reports/{s.report.pk}"),
    ("POST", "/api/v1/intelligence/search"): lambda u, s: Call("/api/v1/intelligence/search", {
        "kind": "phone", "value": s.phone}, json=True),
    ("GET", "/api/v1/intelligence/entities/{entity_id}"): lambda u, s: Call(f"/api/v1/intelligence/entities/{s.entity.pk}"),
    ("POST", "/api/v1/intelligence/entities/{entity_id}/victim-links"): lambda u, s: Call(
        f"/api/v1/intelligence/entities/{s.entity.pk}/victim-links", {
            "pseudonym": u.slots["met_own"].case.referral.person.pseudonym, "lawful_reason": "investigation",
            "reason_text": "Matrix lawful reason"}, json=True),
    ("GET", "/api/v1/intelligence/reports.csv"): lambda u, s: Call("/api/v1/intelligence/reports.csv"),
    ("GET", "/api/v1/intelligence/groups"): lambda u, s: Call("/api/v1/intelligence/groups?start=2002-04-01&end=2003-03-31"),
    ("GET", "/api/v1/intelligence/network"): lambda u, s: Call("/api/v1/intelligence/network"),
    ("GET", "/api/v1/justice/prosecutions"): lambda u, s: Call("/api/v1/justice/prosecutions"),
    ("POST", "/api/v1/justice/prosecutions"): lambda u, s: Call("/api/v1/justice/prosecutions", {
        "nation": "england_wales", "court_kind": "crown", "court_name": "Matrix Crown Court", "charged_on": "2008-06-01",
        "defendants": [{"entity_id": u.intel["intel_ukhtc"].entity.pk,
                        "charges": [{"offence_id": "SOA2003_s58", "offence_on": "2008-03-01"}]}]}),
    ("GET", "/api/v1/justice/prosecutions/{prosecution_id}"): lambda u, s: Call(
        f"/api/v1/justice/prosecutions/{s.prosecution.pk}"),
    ("POST", "/api/v1/justice/charges/{charge_id}/outcome"): lambda u, s: Call(
        f"/api/v1/justice/charges/{s.charge.pk}/outcome", {
            "outcome": "convicted", "outcome_on": "2009-01-01", "disposal": "immediate_custody", "custody_months": 24}),
    ("POST", "/api/v1/justice/prosecutions/{prosecution_id}/victims"): lambda u, s: Call(
        f"/api/v1/justice/prosecutions/{s.prosecution.pk}/victims", {
            "pseudonym": next(iter(u.slots.values())).case.referral.person.pseudonym, "lawful_reason": "prosecution",
            "reason_text": "Matrix lawful reason"}),
    ("GET", "/api/v1/justice/prosecutions.csv"): lambda u, s: Call("/api/v1/justice/prosecutions.csv"),
    ("GET", "/api/v1/justice/statistics"): lambda u, s: Call("/api/v1/justice/statistics"),
    ("GET", "/api/v1/operations"): lambda u, s: Call("/api/v1/operations"),
    ("POST", "/api/v1/operations"): lambda u, s: Call("/api/v1/operations", {
        "name": "Matrix API operation", "starts_on": "2008-01-01", "aims": ["recover_victims"]}),
    ("GET", "/api/v1/operations/{operation_id}"): lambda u, s: Call(f"/api/v1/operations/{s.operation.pk}"),
    ("GET", "/api/v1/operations/{operation_id}/report"): lambda u, s: Call(f"/api/v1/operations/{s.operation.pk}/report"),
    ("GET", "/api/v1/operations/{operation_id}/report.csv"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/report.csv"),
    ("POST", "/api/v1/operations/{operation_id}/premises-visits"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/premises-visits", {"visited_on": "2008-03-01", "kind": "sauna",
                                                                 "nation": "england_wales"}),
    # no NRM referral was made during a 2008 operation (the NRM began in 2009): 422 once permitted
    ("POST", "/api/v1/operations/{operation_id}/victims"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/victims", {"referral_reference": "NRM-2008-NONE"}),
    ("POST", "/api/v1/operations/{operation_id}/arrests"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/arrests", {"arrested_on": "2008-03-01", "nation": "england_wales"}),
    ("POST", "/api/v1/operations/{operation_id}/arrests/{arrest_id}/charges"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/arrests/{s.arrest.pk}/charges", {
            "offence_id": "SOA2003_s57", "counts": 1, "offence_on": "2008-02-01", "charged_on": "2008-03-02"}),
    ("POST", "/api/v1/operations/{operation_id}/assets"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/assets", {"recorded_on": "2008-03-01", "kind": "cash_recovered",
                                                        "amount_pence": 100}),
    ("POST", "/api/v1/operations/{operation_id}/intelligence-reports"): lambda u, s: Call(
        f"/api/v1/operations/{s.operation.pk}/intelligence-reports",
        {"report_reference": u.intel["intel_ukhtc"].report.reference}),
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
        f"/api/v1/support/placements/{s.support_placement.pk}/end",
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
