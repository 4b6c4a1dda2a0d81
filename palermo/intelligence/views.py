"""Intelligence pages: the reports you may see and a search by identifier, report entry, a report,
an entity with its links and neighbourhood picture, and the CSV export. Thin: each reads through
the selectors (which apply handling codes) or writes through a service. No JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError

from palermo.core.audit import audit_record
from palermo.core.exceptions import ValidationFailed
from palermo.intelligence import selectors, services
from palermo.intelligence.export import reports_to_csv
from palermo.intelligence.forms import ENTITY_ROWS, ReportForm, SearchForm
from palermo.intelligence.identifiers import IdentifierProblem, identifier_key
from palermo.intelligence.models import ENTITY_KIND_LABELS, LINK_KIND_LABELS
from palermo.intelligence.network import HEIGHT, WIDTH, neighbourhood_layout
from palermo.intelligence.rules import can_use_intelligence
from palermo.intelligence.schemas import ReportIn
from palermo.web.views.common import or_error as _or_error
from palermo.web.views.common import requires

NO_ROLE = _lazy("Your role does not include intelligence.")


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def report_list(request):
    page = Paginator(selectors.report_list_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "intelligence/list.html", {"page": page, "form": SearchForm()})


@require_http_methods(["GET", "POST"])
@requires(can_use_intelligence, NO_ROLE)
def report_search(request):
    """Search by an exact identifier, sent in a POST body (never a URL that logs keep)."""
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            key = identifier_key(form.cleaned_data["kind"], form.cleaned_data["value"])
        except IdentifierProblem as exc:
            form.add_error("value", str(exc))
        else:
            entity = selectors.entity_find(kind=form.cleaned_data["kind"], key=key)
            results = list(selectors.report_search_for_user(user=request.user, entity_ids=[entity.pk] if entity else []))
    return render(request, "intelligence/search.html", {"form": form, "results": results})


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def report_export(request):
    body, count = reports_to_csv(selectors.reports_for_export(user=request.user))
    audit_record(actor=request.user, action="intel.export", object_type="intelligence.intelligencereport",
                 detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-intelligence.csv"'
    return resp


@require_http_methods(["GET", "POST"])
@requires(can_use_intelligence, NO_ROLE)
def report_new(request):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(actor=request.user, data=ReportIn.model_validate(form.payload()))
        except ValidationFailed as exc:
            for key, message in exc.fields.items():
                form.add_service_error(form.field_for_service(key), message)
            if not exc.fields:
                form.add_error(None, exc.message)
        except ValidationError as exc:
            for err in exc.errors():
                form.add_error(None, err["msg"])
        else:
            messages.success(request, _("Intelligence report %(ref)s recorded") % {"ref": report.reference})
            return redirect("intelligence:report", report_id=report.pk)
    rows = [(form[f"entity_{i}_kind"], form[f"entity_{i}_value"]) for i in range(1, ENTITY_ROWS + 1)]
    return render(request, "intelligence/report_form.html", {"form": form, "entity_rows": rows},
                  status=400 if request.method == "POST" else 200)


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def report_detail(request, report_id: int):
    report = _or_error(selectors.report_get_for_user, user=request.user, report_id=report_id)
    mentions = [m.entity for m in report.mentions.select_related("entity").order_by("id")]
    return render(request, "intelligence/report.html", {
        "report": report, "entities": mentions, "kinds": ENTITY_KIND_LABELS,
        "permitted": report.permitted_organisations.order_by("name")})


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def entity_detail(request, entity_id: int):
    view = _or_error(selectors.entity_get_for_user, user=request.user, entity_id=entity_id)
    neighbours = [(f"{lv.other.reference} {ENTITY_KIND_LABELS[lv.other.kind]}",
                   reverse("intelligence:entity", args=[lv.other.pk])) for lv in view.links]
    nodes, edges, left_out = neighbourhood_layout(
        centre_label=f"{view.entity.reference} {ENTITY_KIND_LABELS[view.entity.kind]}", neighbours=neighbours)
    return render(request, "intelligence/entity.html", {
        "v": view, "kinds": ENTITY_KIND_LABELS, "link_kinds": LINK_KIND_LABELS, "nodes": nodes, "edges": edges,
        "left_out": left_out, "width": WIDTH, "height": HEIGHT})


def _labels(ids) -> dict[int, object]:
    from palermo.intelligence.models import Entity

    return {e.pk: e for e in Entity.objects.filter(pk__in=list(ids))}


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def network_page(request):
    """Connected groups, the most central people and premises, and the shortest path between two
    entities — all over the links the user may see."""
    from palermo.intelligence import network as nw
    from palermo.intelligence.forms import PathForm

    net = nw.network_for_user(user=request.user)
    groups = nw.connected_groups(net)
    people = nw.most_central(net, kinds={"person"})
    premises = nw.most_central(net, kinds={"premises"})
    form = PathForm(request.GET if "start" in request.GET else None)
    path = None
    if form.is_bound and form.is_valid():
        path = nw.shortest_path(net, form.cleaned_data["start"], form.cleaned_data["end"])
        if path is None:
            form.add_error(None, _("There is no path between these entities in the links you may see"))
    ids = {m for g in groups for m in g["members"]} | {r["entity_id"] for r in people + premises} | set(path or [])
    audit_record(actor=request.user, action="intel.network_view", object_type="intelligence.entity",
                 detail={"vertices": len(net.ids), "path": bool(path)})
    return render(request, "intelligence/network.html", {
        "groups": groups, "people": people, "premises": premises, "form": form, "path": path,
        "entities": _labels(ids), "kinds": ENTITY_KIND_LABELS})


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def group_list(request):
    from palermo.intelligence.forms import FiguresForm
    from palermo.intelligence.groups import group_figures_for_user, groups_for_user
    from palermo.intelligence.models import GROUP_STATUS_LABELS

    form = FiguresForm(request.GET if "start-year" in request.GET else None)
    figures = None
    if form.is_bound and form.is_valid():
        if form.cleaned_data["end"] < form.cleaned_data["start"]:
            form.add_error("end", _("The end of the period must be on or after its start"))
        else:
            figures = group_figures_for_user(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return render(request, "intelligence/groups.html", {
        "groups": list(groups_for_user(user=request.user)), "form": form, "figures": figures,
        "labels": GROUP_STATUS_LABELS})


@require_http_methods(["GET", "POST"])
@requires(can_use_intelligence, NO_ROLE)
def group_status(request, entity_id: int):
    from palermo.core.exceptions import TransitionRefused
    from palermo.intelligence.forms import GroupStatusForm
    from palermo.intelligence.groups import GROUP_TRANSITIONS, group_current, group_status_record

    view = _or_error(selectors.entity_get_for_user, user=request.user, entity_id=entity_id)
    if view.entity.kind != "ocg":
        raise Http404("Only an organised crime group has a lifecycle")
    current = group_current(view.entity)
    form = GroupStatusForm(request.POST or None, allowed=GROUP_TRANSITIONS[current.status if current else None])
    if request.method == "POST" and form.is_valid():
        try:
            group_status_record(actor=request.user, entity_id=entity_id, status=form.cleaned_data["status"],
                                on=form.cleaned_data["on"])
        except ValidationFailed as exc:
            for key, message in exc.fields.items():
                form.add_service_error(key, message)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Group's lifecycle updated"))
            return redirect("intelligence:entity", entity_id=entity_id)
    return render(request, "intelligence/group_status.html", {
        "v": view, "form": form, "history": list(view.entity.group_statuses.order_by("on", "id"))},
        status=400 if request.method == "POST" else 200)


def _proposal_rows(proposals) -> list[dict]:
    from palermo.intelligence.presenters import proposal_evidence

    return [{"proposal": p, "evidence": proposal_evidence(p)} for p in proposals]


def _match_page(request, *, form=None, error_for=None, status=200):
    from palermo.intelligence.forms import MatchDecisionForm

    page = Paginator(selectors.match_proposal_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    rows = _proposal_rows(page.object_list)
    audit_record(actor=request.user, action="intel.match_list", object_type="intelligence.matchproposal",
                 detail={"proposals": [r["proposal"].pk for r in rows], "count": page.paginator.count})
    return render(request, "intelligence/matches.html", {
        "page": page, "rows": rows, "form": form or MatchDecisionForm(), "error_for": error_for,
        # each message leads to the proposal it is about
        "error_items": [(m, f"#match-{error_for}") for m, _href in form.error_summary()] if form is not None else [],
    }, status=status)


@require_GET
@requires(can_use_intelligence, NO_ROLE)
def match_list(request):
    """Open match proposals between people the user may see, each with its evidence in words and
    Confirm / Reject buttons: Palermo proposes, a person decides."""
    return _match_page(request)


@require_http_methods(["POST"])
@requires(can_use_intelligence, NO_ROLE)
def match_decide(request, proposal_id: int):
    from palermo.core.exceptions import TransitionRefused
    from palermo.intelligence.forms import MatchDecisionForm

    form = MatchDecisionForm(request.POST)
    if form.is_valid():
        same = form.cleaned_data["decision"] == "same"
        try:
            proposal = _or_error(services.match_proposal_decide, actor=request.user, proposal_id=proposal_id, same=same)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
            return _match_page(request, form=form, error_for=proposal_id, status=409)
        refs = {"a": proposal.a.reference, "b": proposal.b.reference}
        messages.success(request, (_("You confirmed that %(a)s and %(b)s are the same person") if same
                                   else _("You recorded that %(a)s and %(b)s are different people")) % refs)
        return redirect("intelligence:matches")
    return _match_page(request, form=form, error_for=proposal_id, status=400)


@require_http_methods(["GET", "POST"])
@requires(can_use_intelligence, NO_ROLE)
def victim_links(request, entity_id: int):
    """A person entity's links to NRM potential victims, and the form to record one with its
    lawful reason. The victim's identity shows only as ``entity_get_for_user`` allows (audited)."""
    from palermo.core.exceptions import TransitionRefused
    from palermo.intelligence.forms import VictimLinkForm
    from palermo.intelligence.models import LAWFUL_REASON_LABELS
    from palermo.intelligence.schemas import VictimLinkIn

    view = _or_error(selectors.victim_links_for_user, user=request.user, entity_id=entity_id)
    form = VictimLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.victim_link_record(actor=request.user, entity_id=entity_id, data=VictimLinkIn(**form.cleaned_data))
        except ValidationFailed as exc:
            for key, message in exc.fields.items():
                form.add_service_error(key, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Link to the NRM potential victim recorded"))
            return redirect("intelligence:victim_links", entity_id=entity_id)
    return render(request, "intelligence/victim_links.html", {
        "v": view, "form": form, "reasons": LAWFUL_REASON_LABELS},
        status=400 if request.method == "POST" else 200)
