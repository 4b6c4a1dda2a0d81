"""The children's pages: the local authority's children's board, a child's safeguarding record,
and the forms that keep it (report missing and record the return, the named person, a care
placement, an age assessment, a grading), the time-to-first-missing statistic and the CSV export.

Views parse, call one service or selector, and render; the services check permission and state.
No page needs JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from palermo.accounts import roles as R
from palermo.children import policy, services
from palermo.children.export import children_to_csv
from palermo.children.forms import (
    AgeAssessmentForm,
    GradingForm,
    MissingForm,
    NamedPersonForm,
    PlacementEndForm,
    PlacementForm,
    ReturnForm,
)
from palermo.children.models import CarePlacement, CareSetting, MissingEpisode
from palermo.children.schemas import (
    AgeAssessmentIn,
    GradingIn,
    MissingIn,
    NamedPersonIn,
    PlacementEndIn,
    PlacementIn,
    ReturnIn,
)
from palermo.children.selectors import (
    board_row,
    child_case_list_for_user,
    child_record_for_user,
    missing_statistics_for_user,
    missing_statistics_scope,
    open_episodes_for_user,
    record_case_get_for_user,
)
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.nrm import workflow
from palermo.web.views.common import decision_date_errors, requires

PAGE_SIZE = 50


def is_childrens_services(user) -> bool:
    return user.is_authenticated and user.has_role(R.CHILDRENS_SERVICES)


def may_see_statistics(user) -> bool:
    return user.is_authenticated and missing_statistics_scope(user) != "none"


def may_open_records(user) -> bool:
    return user.is_authenticated and user.has_role(R.CHILDRENS_SERVICES, R.DECISION_MAKER, R.REVIEWER)


def _case(request, case_id: int):
    try:
        return record_case_get_for_user(user=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    except NotAllowed as exc:
        raise PermissionDenied(_("You do not have access to this child's record.")) from exc


def _cannot(request, case, message: str):
    return render(request, "children/cannot.html", {"case": case, "message": message}, status=409)


def _apply_errors(form, exc) -> None:
    """A service's ValidationFailed fields onto the form (``started_at`` onto its time field…)."""
    aliases = {"started_at": "started_time", "ended_at": "ended_time", "went_missing_at": "went_missing_time",
               "reported_to_police_at": "reported_time", "returned_at": "returned_time", "setting_id": "setting"}
    for field, message in exc.fields.items():
        form.add_service_error(aliases.get(field, field), message)
    if not exc.fields:
        form.add_error(None, exc.message)


# --- the board --------------------------------------------------------------------------------


@require_GET
@requires(is_childrens_services, _lazy("Only children's services have a children's board."))
def board(request):
    qs = child_case_list_for_user(user=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [board_row(c) for c in page.object_list]
    missing = list(open_episodes_for_user(user=request.user))
    now = timezone.now()
    return render(request, "children/board.html", {
        "page": page, "rows": rows, "missing": [{"episode": e, "hours": int((now - e.went_missing_at).total_seconds() // 3600)}
                                               for e in missing],
        "local_authorities": sorted({m.organisation.name for m in request.user.memberships_active()
                                     .select_related("organisation") if m.role == R.CHILDRENS_SERVICES}),
        "total": page.paginator.count,
    })


@require_GET
@requires(is_childrens_services, _lazy("Only children's services have a children's board."))
def export(request):
    body, n = children_to_csv(child_case_list_for_user(user=request.user))
    audit_record(actor=request.user, action="child.export", object_type="nrm.case",
                 detail={"format": "csv", "rows": n, "via": "page"})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-children.csv"'
    return resp


@require_GET
@requires(may_see_statistics, _lazy("Your role does not include statistics on children missing from care."))
def statistics(request):
    stats = missing_statistics_for_user(user=request.user, today=timezone.localdate())
    return render(request, "children/statistics.html", {"stats": stats, "total_rows": [stats.total]})


# --- the record -------------------------------------------------------------------------------


def _actions(user, case, record: dict) -> list[dict]:
    """One button per thing the user may do now on this record."""
    out = []
    keep = user.has_perm("children.keep_record", case)
    if keep and record["open_episode"] is not None:
        out.append({"text": _("Record the child's return"), "url": reverse(
            "children:missing_return", args=[case.pk, record["open_episode"].pk])})
    elif keep:
        out.append({"text": _("Report the child missing"), "url": reverse("children:missing_report", args=[case.pk]),
                    "warning": True})
    if keep:
        out.append({"text": _("Name the person responsible") if record["named_person"] is None
                    else _("Change the person responsible"), "url": reverse("children:named_person", args=[case.pk]),
                    "secondary": True})
        if record["current_placement"] is None:
            out.append({"text": _("Record a care placement"), "url": reverse("children:placement_new", args=[case.pk]),
                        "secondary": True})
        else:
            out.append({"text": _("End the care placement"), "url": reverse(
                "children:placement_end", args=[case.pk, record["current_placement"].pk]), "secondary": True})
    if record["child"] and user.has_perm("children.record_grading", case):
        out.append({"text": _("Record a grading"), "url": reverse("children:grading", args=[case.pk]), "secondary": True})
    if user.has_perm("children.record_age_assessment", case):
        out.append({"text": _("Record an age assessment"), "url": reverse("children:age_assessment", args=[case.pk]),
                    "secondary": True})
    return out


@require_GET
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def record(request, case_id: int):
    case = _case(request, case_id)
    rec = child_record_for_user(user=request.user, case=case)
    return render(request, "children/record.html", {
        "case": case, "r": rec, "actions": _actions(request.user, case, rec),
        "status_label": workflow.STATUS_LABELS.get(case.status, case.status),
        "board": is_childrens_services(request.user),
    })


# --- forms ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def missing_report(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.keep_record", case):
        raise PermissionDenied(_("Only the lead local authority's children's services can report a child missing."))
    if not case.referral.is_child:
        return _cannot(request, case, _("this case is an adult's"))
    if request.method == "GET":
        open_now = MissingEpisode.objects.filter(case=case, returned_at__isnull=True).first()
        if open_now is not None:
            return _cannot(request, case, _("the child is already reported missing: record their return when they are found"))
    form = MissingForm(request.POST if request.method == "POST" else None,
                       initial={"went_missing_on": timezone.localdate(), "request_key": services.new_request_key()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            episode, created = services.missing_episode_report(actor=request.user, case=case, data=MissingIn(
                went_missing_at=d["went_missing_at"], missing_from=d["missing_from"],
                missing_from_detail=d["missing_from_detail"], reported_to_police_at=d["reported_to_police_at"],
                police_reference=d["police_reference"], request_key=d["request_key"]))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if created:
                messages.success(request, _("The child has been reported missing. The local authority, the person "
                                            "responsible for the child's care and the decision maker have been told."))
            else:
                messages.success(request, _("This report was already recorded. Nobody has been told twice."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/missing_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def missing_return(request, case_id: int, episode_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.keep_record", case):
        raise PermissionDenied(_("Only the lead local authority's children's services can record a child's return."))
    episode = MissingEpisode.objects.filter(pk=episode_id, case=case).first()
    if episode is None:
        raise Http404(_("Page not found"))
    if episode.returned_at is not None:
        return _cannot(request, case, _("the return has already been recorded"))
    form = ReturnForm(request.POST if request.method == "POST" else None, initial={"returned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.missing_episode_return(actor=request.user, case=case, episode_id=episode.pk, data=ReturnIn(
                returned_at=d["returned_at"], found_where=d["found_where"], found_detail=d["found_detail"],
                return_condition=d["return_condition"]))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The child's return has been recorded."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/return_form.html", {"case": case, "form": form, "episode": episode})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def named_person(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.keep_record", case):
        raise PermissionDenied(_("Only the lead local authority's children's services can name the person responsible."))
    if not case.referral.is_child:
        return _cannot(request, case, _("this case is an adult's"))
    current = services.named_person_current(case)
    candidates = list(services.named_person_candidates(case))
    form = NamedPersonForm(request.POST if request.method == "POST" else None, candidates=candidates,
                           initial={"appointed_on": timezone.localdate(),
                                    "username": current.user.username if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.named_person_appoint(actor=request.user, case=case, data=NamedPersonIn(**form.cleaned_data))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error("username", exc.message)
        else:
            messages.success(request, _("The person responsible for the child's care has been named."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/named_person_form.html", {"case": case, "form": form, "current": current})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def placement_new(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.keep_record", case):
        raise PermissionDenied(_("Only the lead local authority's children's services can record a care placement."))
    if not case.referral.is_child:
        return _cannot(request, case, _("this case is an adult's"))
    if CarePlacement.objects.filter(case=case, ended_at__isnull=True).exists():
        return _cannot(request, case, _("the child is in a care placement: end it first"))
    settings_qs = list(CareSetting.objects.filter(local_authority=case.referral.local_authority))
    form = PlacementForm(request.POST if request.method == "POST" else None, settings_qs=settings_qs,
                         initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = d["setting"] == "new"
        try:
            services.placement_start(actor=request.user, case=case, data=PlacementIn(
                setting_id=None if new else int(d["setting"]), new_setting_name=d["new_setting_name"] if new else "",
                new_setting_kind=d["new_setting_kind"] if new else "", started_at=d["started_at"]))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The care placement has been recorded."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/placement_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def placement_end(request, case_id: int, placement_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.keep_record", case):
        raise PermissionDenied(_("Only the lead local authority's children's services can end a care placement."))
    placement = CarePlacement.objects.filter(pk=placement_id, case=case).select_related("setting").first()
    if placement is None:
        raise Http404(_("Page not found"))
    if placement.ended_at is not None:
        return _cannot(request, case, _("this placement has already ended"))
    form = PlacementEndForm(request.POST if request.method == "POST" else None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.placement_end(actor=request.user, case=case, placement_id=placement.pk,
                                   data=PlacementEndIn(ended_at=d["ended_at"], end_reason=d["end_reason"]))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The care placement has ended."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/placement_end_form.html", {"case": case, "form": form, "placement": placement})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def age_assessment(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.record_age_assessment", case):
        raise PermissionDenied(_("Only the lead local authority's children's services, or a decision maker at the "
                                 "competent authority, can record an age assessment."))
    form = AgeAssessmentForm(request.POST if request.method == "POST" else None, case=case,
                             initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assessment = services.age_assessment_record(actor=request.user, case=case, data=AgeAssessmentIn(
                assessed_on=d["assessed_on"], assessed_by=d["assessed_by"], claimed_age=d["claimed_age"],
                assessed_age=d["assessed_age"], local_authority=d.get("local_authority") or "",
                adult_consent=d.get("adult_consent") or ""))
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            case.refresh_from_db()
            if assessment.outcome == "adult":
                messages.success(request, _("The age assessment has been recorded: the case is now an adult's."))
            else:
                messages.success(request, _("The age assessment has been recorded: the case is a child's."))
            if request.user.has_perm("children.view_record", case):
                return redirect("children:record", case_id=case.pk)
            return redirect("children:board")
    majority = policy.age_of_majority(timezone.localdate())
    return render(request, "children/age_assessment_form.html", {
        "case": case, "form": form, "child": case.referral.is_child, "open": case.status in workflow.OPEN_STATUSES,
        "majority": majority})


@require_http_methods(["GET", "POST"])
@requires(may_open_records, _lazy("Your role does not include children's safeguarding records."))
def grading(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("children.record_grading", case):
        raise PermissionDenied(_("Only the lead local authority's children's services, or a decision maker at the "
                                 "competent authority, can record a grading."))
    if not case.referral.is_child:
        return _cannot(request, case, _("this case is an adult's"))
    levels, version = policy.grading_scale(timezone.localdate())
    form = GradingForm(request.POST if request.method == "POST" else None, levels=levels,
                       initial={"graded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.grading_record(actor=request.user, case=case, data=GradingIn(
                level=int(d["level"]), graded_on=d["graded_on"], evidence_summary=d["evidence_summary"]))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The grading has been recorded. It changes nothing on the case."))
            return redirect("children:record", case_id=case.pk)
    return render(request, "children/grading_form.html", {"case": case, "form": form, "scale_version": version})
