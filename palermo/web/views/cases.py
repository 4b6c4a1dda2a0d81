"""The caseload, the case page, and the decision and withdrawal pages of one case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from palermo.accounts.models import Organisation
from palermo.casework.selectors import possible_match_case_ids
from palermo.core.audit import audit_record
from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.nrm import codes, deadlines, services, workflow
from palermo.nrm.actions import case_actions_for_user
from palermo.nrm.elements import case_elements_assessment
from palermo.nrm.presenters import case_detail_for_user
from palermo.nrm.schemas import DecisionIn, ElementsIn, WithdrawIn
from palermo.nrm.selectors import CaseFilters
from palermo.people.countries import country_name
from palermo.people.models import Person
from palermo.web import access
from palermo.web.forms.cases import KIND_TITLES, CaseFilterForm, DecisionForm, ElementsForm, WithdrawForm
from palermo.web.selectors import SORTS, caseload_for_user, caseload_rows
from palermo.web.views.common import case_or_error, decision_date_errors, requires
from palermo.web.words import decision_recorded_words

PAGE_SIZE = 25


def _page_numbers(page) -> list:
    """1 … 4 5 6 … 20: the first, last and neighbouring pages (GOV.UK pagination pattern)."""
    last, cur = page.paginator.num_pages, page.number
    shown = sorted({1, last, cur - 1, cur, cur + 1} & set(range(1, last + 1)))
    out, prev = [], 0
    for n in shown:
        if n - prev > 1:
            out.append("…")
        out.append(n)
        prev = n
    return out


@requires(access.can_list_cases, _lazy("Your role does not include working on cases."))
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    sort = request.GET.get("sort", "due")
    order = "desc" if request.GET.get("order") == "desc" else "asc"
    if sort not in SORTS:
        sort, order = "due", "asc"
    qs = caseload_for_user(user=request.user, filters=CaseFilters(**filters), sort=sort, order=order)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    columns = [("reference", _("Reference")), ("received", _("Received")), ("status", _("Status")), ("due", _("Next due"))]
    rows = caseload_rows(page.object_list, today=today)
    matched = possible_match_case_ids(user=request.user, case_ids=[r["id"] for r in rows])
    for r in rows:
        r["possible_match"] = r["id"] in matched
    return render(request, "web/case_list.html", {
        "form": form, "page": page, "page_numbers": _page_numbers(page), "rows": rows,
        "sort": sort, "order": order, "columns": columns, "filtered": bool(filters), "total": paginator.count,
        "exploitation_labels": dict(codes.choices("exploitation_types")),
    })


ACTION_URLS = {
    "decide": lambda case, a: reverse("web:decision_create", args=[case.pk]),
    "review": lambda case, a: reverse("web:review_detail", args=[a.decision_id]),
    "elements": lambda case, a: reverse("web:case_elements", args=[case.pk]),
    "withdraw": lambda case, a: reverse("web:case_withdraw", args=[case.pk]),
}


def _actions(request, case) -> list[dict]:
    """The buttons on the case page from ``case_actions_for_user``: one primary, the others
    secondary, and for an action not possible yet the day it will be (no button)."""
    out = []
    for a in case_actions_for_user(user=request.user, case=case, today=timezone.localdate()):
        out.append({"key": a.key, "text": _(a.label), "available": a.available, "primary": a.primary,
                    "not_yet": a.not_yet, "url": ACTION_URLS[a.key](case, a) if a.available else "",
                    "warning": a.key == "withdraw"})
    return out


TIMELINE_TITLES = {
    "refer": _lazy("Referred"),
    "rg_positive": _lazy("Positive reasonable grounds decision"),
    "rg_negative": _lazy("Negative reasonable grounds decision"),
    "cg_positive": _lazy("Positive conclusive grounds decision"),
    "cg_negative": _lazy("Negative conclusive grounds decision"),
    "review_agree": _lazy("Reviewer agreed with the negative decision"),
    "review_return": _lazy("Reviewer returned the negative decision"),
    "reconsider_accept": _lazy("Reconsideration accepted"),
    "reconsider_refuse": _lazy("Reconsideration refused"),
    "withdraw": _lazy("Case withdrawn"),
}


def _timeline(detail: dict, explanations: dict | None = None) -> list[dict]:
    decisions = {d["id"]: d for d in detail["decisions"]}
    withdrawal = dict(codes.choices("withdrawal_reasons"))
    items = []
    for event in reversed(detail["history"]):
        d = decisions.get(event["decision_id"]) if event["decision_id"] else None
        items.append({
            "title": TIMELINE_TITLES.get(event["action"], event["action"]),
            "on": event["on"], "by": event.get("by_name") or event["by"], "to": event["to"],
            "to_label": workflow.STATUS_LABELS.get(event["to"], event["to"]),
            "reasons": d["reason_labels"] if d and not event["action"].startswith("review_") else [],
            "decision_state": d["state"] if d else "",
            "reason": withdrawal.get(event["reason_code"], event["reason_code"]),
            "explanation": (explanations or {}).get(event["decision_id"]) if d and not event["action"].startswith("review_") else "",
            "note": event.get("note") or ((d or {}).get("review_note") or "" if event["action"].startswith("review_") else ""),
        })
    return items


@requires(access.can_list_cases, _lazy("Your role does not include working on cases."))
def case_detail(request, case_id: int):
    case = case_or_error(request, case_id)
    audit_record(actor=request.user, action="case.view", obj=case)  # as the API's GET /cases/{id}
    detail = case_detail_for_user(user=request.user, case=case)
    # The decision maker's written explanation (encrypted; it may describe the person) is shown
    # to the decision makers and reviewers of the case's competent authority, and each read is
    # an audit event, as on the review page.
    explanations = {}
    if request.user.has_perm("nrm.decide_case", case) or request.user.has_perm("nrm.review_decision", case):
        for dec in detail["decisions"]:
            if dec["reason_text"]:
                explanations[dec["id"]] = dec["reason_text"]
                audit_record(actor=request.user, action="decision.view", obj=case.decisions.get(pk=dec["id"]),
                             detail={"case_id": case.pk, "shown": "reason_text"})
    ref = case.referral
    person = detail["person"]
    identity = person["identity"] if person else None
    labels = {name: dict(codes.choices(name)) for name in ("exploitation_types", "indicators", "flags", "police_force_areas")}
    return render(request, "web/case_detail.html", {
        "case": case, "d": detail, "identity": identity, "person": person,
        "narrative": ref.narrative if identity is not None else None,
        "actions": _actions(request, case),
        "timeline": _timeline(detail, explanations),
        "competent_authority": case.competent_authority,
        "first_responder_org": ref.first_responder_org,
        "local_authority": ref.local_authority,
        "exploitation_types": [labels["exploitation_types"].get(c, c) for c in detail["exploitation_types"]],
        "indicators": [labels["indicators"].get(c, c) for c in detail["indicators"]],
        "flags": [labels["flags"].get(c, c) for c in detail["flags"]],
        "police_force_area": labels["police_force_areas"].get(ref.police_force_area, ref.police_force_area),
        "exploitation_country": country_name(ref.exploitation_country) if ref.exploitation_country else "",
        "nationalities": [country_name(n) for n in person["nationalities"]] if person else [],
        "gender_label": dict(Person._meta.get_field("gender").choices).get(person["gender"], "") if person else "",
        "nation_label": dict(ref._meta.get_field("nation").choices).get(ref.nation, ref.nation),
        "location_label": ref.get_exploitation_location_display(),
        "age_label": ref.get_age_at_exploitation_display(),
        "consent_label": ref.get_consent_display(),
        "under_18": ref.under_18,
        "info": {"assessment": detail["palermo_elements"]["assessment"],
                 "recorded_by": detail["palermo_elements"]["recorded_by"],
                 "recorded_at": detail["palermo_elements"]["recorded_at"]},
    })


def _decision_kind(case) -> str:
    if case.status == workflow.REFERRED:
        return "reasonable_grounds"
    if case.status == workflow.RECOVERY_PERIOD:
        return "conclusive_grounds"
    return "reconsideration"


def _standard_stage(case, kind: str) -> str:
    if kind != "reconsideration":
        return kind
    return "reasonable_grounds" if case.status == workflow.RG_NEGATIVE else "conclusive_grounds"


@require_http_methods(["GET", "POST"])
@requires(access.can_list_cases, _lazy("Your role does not include working on cases."))
def decision_create(request, case_id: int):
    """Record a reasonable grounds, conclusive grounds or reconsideration decision: which one
    follows from the case's status. Calls ``services.decision_record`` like the API does."""
    case = case_or_error(request, case_id)
    if not request.user.has_perm("nrm.decide_case", case):
        raise PermissionDenied(_("Only a decision maker at the competent authority this case is routed to can decide it."))
    decide_actions = [a for a in workflow.allowed_actions(case.status) if a.startswith(("rg_", "cg_", "reconsider_"))]
    if not decide_actions:
        return render(request, "web/cannot.html", {"case": case, "message": workflow._WHY.get(case.status, "")}, status=409)
    kind = _decision_kind(case)
    today = timezone.localdate()
    form = DecisionForm(request.POST if request.method == "POST" else None, kind=kind, child=case.referral.is_child,
                        initial={"decided_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(actor=request.user, case=case, data=DecisionIn(
                kind=kind, outcome=form.cleaned_data["outcome"], decided_on=form.cleaned_data["decided_on"],
                reason_codes=form.cleaned_data["reason_codes"], reason_text=form.cleaned_data["reason_text"]))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error("decided_on" if ("before" in exc.message or exc.message.startswith("You can record")) else None, exc.message)
        else:
            case.refresh_from_db()
            messages.success(request, decision_recorded_words(decision, case))
            return redirect("web:case_detail", case_id=case.pk)
    on = form.cleaned_data.get("decided_on") if form.is_bound and hasattr(form, "cleaned_data") else None
    on = on or today
    standard, citation = deadlines.standard_of_proof(kind=_standard_stage(case, kind), on=on)
    returned = case.decisions.filter(state="returned").select_related("reviewed_by").order_by("-reviewed_on", "-id").first()
    if returned is not None:
        # The page shows the reviewer's note (encrypted at rest; it may describe the person), as
        # the review page shows the decision maker's reasons: an audited read, like that one.
        audit_record(actor=request.user, action="decision.view", obj=returned,
                     detail={"case_id": case.pk, "shown": "review_note"})
    return render(request, "web/decision_form.html", {
        "case": case, "form": form, "kind": kind, "title": KIND_TITLES[kind], "standard": standard,
        "standard_citation": citation, "standard_on": on, "info": case_elements_assessment(case),
        "returned": returned,
    })


@require_http_methods(["GET", "POST"])
@requires(access.can_list_cases, _lazy("Your role does not include working on cases."))
def case_withdraw(request, case_id: int):
    case = case_or_error(request, case_id)
    if not request.user.has_perm("nrm.withdraw_case", case):
        raise PermissionDenied(_("Only the referring organisation or the deciding competent authority can withdraw this case."))
    if "withdraw" not in workflow.allowed_actions(case.status):
        return render(request, "web/cannot.html", {"case": case, "message": workflow._WHY.get(case.status, "")}, status=409)
    form = WithdrawForm(request.POST if request.method == "POST" else None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_withdraw(actor=request.user, case=case, data=WithdrawIn(**form.cleaned_data))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The case has been withdrawn."))
            return redirect("web:case_detail", case_id=case.pk)
    return render(request, "web/withdraw_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def case_elements(request, case_id: int):
    """Record the act, means and purpose the evidence shows, and see what the law library says
    is evidenced or missing. Information for the decision, never the decision (issue 4)."""
    case = case_or_error(request, case_id)
    if not request.user.has_perm("nrm.decide_case", case):
        raise PermissionDenied(_("Only a decision maker at the competent authority this case is routed to can record this."))
    info = case_elements_assessment(case)
    initial = info["recorded"]
    form = ElementsForm(request.POST if request.method == "POST" else None, initial=initial,
                        element_codes=info["labels"], suggested=info["suggested"])
    if request.method == "POST" and form.is_valid():
        try:
            services.case_elements_record(actor=request.user, case=case, data=ElementsIn(**form.cleaned_data))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        else:
            messages.success(request, _("The elements of the definition have been recorded."))
            return redirect("web:case_elements", case_id=case.pk)
    return render(request, "web/elements_form.html", {"case": case, "form": form, "info": info})


__all__ = ["case_list", "case_detail", "decision_create", "case_withdraw", "case_elements", "Organisation"]
