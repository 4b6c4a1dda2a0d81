"""The support pages: the caseload, a person's support record, matching and placing, recording a
service, ending a placement, the waiting list and providers' places. Thin: each parses a form,
calls a selector or a service, and renders; scope is the selectors' and services' (rules.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.calendar import NATION_LABELS
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.law.parameters import parameter_history
from palermo.support import codes, services
from palermo.support.forms import (
    MatchingFactsForm,
    NationFilterForm,
    PlacementEndForm,
    PlacementForm,
    ServiceForm,
    tri,
)
from palermo.support.matching import matching_for_case
from palermo.support.models import Capacity, Placement, ProviderProfile, WaitingListEntry
from palermo.support.occupancy import occupancy
from palermo.support.periods import support_period_for_case
from palermo.support.rules import PLACEABLE_STATUSES, allocating_contracts
from palermo.support.schemas import PlacementEndIn, PlacementIn, ServiceIn
from palermo.support.selectors import (
    awaiting_for_user,
    caseload_for_user,
    support_case_get_for_user,
    support_record_for_user,
    waiting_list_for_user,
)
from palermo.web.views.common import decision_date_errors, requires


def is_support_worker(user) -> bool:
    return user.is_authenticated and user.has_role(R.SUPPORT_WORKER)


def is_allocator(user) -> bool:
    return user.is_authenticated and bool(allocating_contracts(user))


def sees_occupancy(user) -> bool:
    return user.is_authenticated and user.has_perm("support.view_occupancy")


def _case(request, case_id: int):
    try:
        return support_case_get_for_user(user=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    except NotAllowed as exc:
        raise PermissionDenied(_("You do not have access to this person's support record.")) from exc


def _cannot(request, message: str, back: str, back_text: str):
    return render(request, "support/cannot.html", {"message": message, "back": back, "back_text": back_text}, status=409)


@requires(is_support_worker, _lazy("Your role does not include victim support."))
def caseload(request):
    """People placed with my organisation; for a prime contractor, people awaiting a place."""
    today = timezone.localdate()
    placed = []
    for p in caseload_for_user(user=request.user):
        period = support_period_for_case(p.case)
        placed.append({"placement": p, "case": p.case, "period": period,
                       "kind_label": codes.labels("placement_kinds").get(p.kind, p.kind)})
    awaiting = [{"case": c, "days": (today - c.rg_decided_on).days if c.rg_decided_on else None}
                for c in awaiting_for_user(user=request.user, on=today)] if is_allocator(request.user) else None
    return render(request, "support/caseload.html", {"placed": placed, "awaiting": awaiting, "today": today,
                                                     "allocator": is_allocator(request.user)})


@login_required
def record(request, case_id: int):
    case = _case(request, case_id)
    audit_record(actor=request.user, action="support.view", obj=case)
    return render(request, "support/record.html", {"case": case, "r": support_record_for_user(user=request.user, case=case)})


def _place_choices(rows) -> list[tuple[str, str, str]]:
    out = []
    for row in rows:
        if not row.available:
            continue
        for p in row.places:
            if p.free > 0:
                hint = _("%(free)d of %(capacity)d free") % {"free": p.free, "capacity": p.capacity}
                out.append((f"{row.organisation.code}:{p.kind}", f"{row.organisation.name}: {p.label}", hint))
    return out


@require_http_methods(["GET", "POST"])
@login_required
def matching(request, case_id: int):
    """Every provider for this person today, eligible or not and why, with free places; the
    caseworker chooses a place (or, when none is free, adds the person to the waiting list)."""
    case = _case(request, case_id)
    if not request.user.has_perm("support.place", case):
        raise PermissionDenied(_("Only a support worker allocating places for this person can match them."))
    today = timezone.localdate()
    facts_form = MatchingFactsForm(request.GET or None, initial={"trafficked_into_uk": "unknown", "willing_to_cooperate": "unknown"})
    answers = facts_form.answers() if request.GET else {}
    if request.method == "POST":
        answers = {k: tri(request.POST.get(k)) for k in ("trafficked_into_uk", "willing_to_cooperate")
                   if tri(request.POST.get(k)) is not None}
    rows = matching_for_case(user=request.user, case=case, on=today, answers=answers)
    hidden = {k: {True: "yes", False: "no"}.get(answers.get(k), "unknown") for k in ("trafficked_into_uk", "willing_to_cooperate")}
    form = PlacementForm(request.POST if request.method == "POST" else None, places=_place_choices(rows),
                         initial={"start_on": today, **hidden})
    if request.method == "POST" and form.is_valid():
        provider, _sep, kind = form.cleaned_data["place"].partition(":")
        try:
            placement = services.placement_create(actor=request.user, case=case, data=PlacementIn(
                provider=provider, kind=kind, start_on=form.cleaned_data["start_on"],
                trafficked_into_uk=answers.get("trafficked_into_uk"), willing_to_cooperate=answers.get("willing_to_cooperate")))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except (TransitionRefused, NotAllowed) as exc:
            form.add_error("place", exc.message)
        else:
            name = placement.provider.name
            if request.user.has_perm("support.view_record", case):
                messages.success(request, _("Placed with %(name)s from %(day)s.") % {"name": name, "day": f"{placement.start_on:%-d %B %Y}"})
                return redirect("support:record", case_id=case.pk)
            messages.success(request, _("Placed with %(name)s from %(day)s. Their support workers now hold the record.")
                             % {"name": name, "day": f"{placement.start_on:%-d %B %Y}"})
            return redirect("support:caseload")
    audit_record(actor=request.user, action="support.matching_view", obj=case,
                 detail={"available": sum(r.available for r in rows)})
    return render(request, "support/matching.html", {
        "case": case, "rows": rows, "form": form, "facts_form": facts_form, "today": today,
        "any_available": any(r.available for r in rows), "any_eligible": any(r.eligible for r in rows),
        "waiting": WaitingListEntry.objects.filter(case=case, left_on__isnull=True).first(),
    })


@require_http_methods(["GET", "POST"])
@login_required
def waiting_list_join(request, case_id: int):
    """Confirm, then add the person to the waiting list (only when no suitable place is free)."""
    case = _case(request, case_id)
    if not request.user.has_perm("support.place", case):
        raise PermissionDenied(_("Only a support worker allocating places for this person can add them to the waiting list."))
    if request.method == "GET":
        current = WaitingListEntry.objects.filter(case=case, left_on__isnull=True).first()
        if current is not None:
            return _cannot(request, _("The person has been on the waiting list since %(day)s.") % {
                "day": f"{current.joined_on:%-d %B %Y}"}, "/support/waiting-list/", _("Go to the waiting list"))
        free = [r for r in matching_for_case(user=request.user, case=case, on=timezone.localdate()) if r.available]
        if free:
            return _cannot(request, _("%(name)s has a suitable place free: place the person instead.") % {
                "name": free[0].organisation.name}, f"/support/cases/{case.pk}/matching/", _("Go back to matching"))
        return render(request, "support/waiting_list_join.html", {"case": case, "today": timezone.localdate()})
    try:
        entry = services.waiting_list_join(actor=request.user, case=case)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except (TransitionRefused, ValidationFailed) as exc:
        return _cannot(request, exc.message, f"/support/cases/{case.pk}/matching/", _("Go back to matching"))
    messages.success(request, _("%(ref)s is on the waiting list from %(day)s.") % {
        "ref": case.referral.person.pseudonym, "day": f"{entry.joined_on:%-d %B %Y}"})
    return redirect("support:waiting_list")


@require_http_methods(["GET", "POST"])
@login_required
def service_create(request, case_id: int):
    case = _case(request, case_id)
    if not request.user.has_perm("support.record_service", case):
        raise PermissionDenied(_("Only a support worker at the provider the person is placed with can record a service."))
    placement = case.placements.filter(end_on__isnull=True).select_related("provider__provider_profile").first()
    offered = placement.provider.provider_profile.services if placement else []
    form = ServiceForm(request.POST if request.method == "POST" else None, offered=offered,
                       initial={"delivered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record(actor=request.user, case=case, data=ServiceIn(**form.cleaned_data))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Service recorded."))
            return redirect("support:record", case_id=case.pk)
    return render(request, "support/service_form.html", {"case": case, "form": form, "placement": placement})


@require_http_methods(["GET", "POST"])
@login_required
def placement_end(request, placement_id: int):
    placement = Placement.objects.select_related("case", "case__referral__person", "provider").filter(pk=placement_id).first()
    if placement is None:
        raise Http404(_("Page not found"))
    if not request.user.has_perm("support.end_placement", placement):
        audit_record(actor=request.user, action="support.view_refused", obj=placement)
        raise PermissionDenied(_("Only a support worker at the provider the person is placed with can end the placement."))
    back = f"/support/cases/{placement.case_id}/"
    if placement.end_on is not None:
        return _cannot(request, _("The placement ended on %(day)s.") % {"day": f"{placement.end_on:%-d %B %Y}"},
                       "/support/", _("Go back to your caseload"))
    form = PlacementEndForm(request.POST if request.method == "POST" else None, initial={"end_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(actor=request.user, placement=placement, data=PlacementEndIn(**form.cleaned_data))
        except ValidationFailed as exc:
            decision_date_errors(form, exc)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The placement has ended. The person is no longer on your caseload."))
            return redirect("support:caseload")
    return render(request, "support/placement_end_form.html", {"placement": placement, "form": form, "back": back,
                                                               "period": support_period_for_case(placement.case)})


@requires(is_allocator, _lazy("Only support workers at a prime contractor allocating places see the waiting list."))
def waiting_list(request):
    form = NationFilterForm(request.GET or None)
    nation = form.chosen() if request.GET else None
    provider = request.GET.get("provider") or None
    if provider and not ProviderProfile.objects.filter(organisation__code=provider).exists():
        provider = None
    rows = waiting_list_for_user(user=request.user, nation=nation, provider=provider)
    return render(request, "support/waiting_list.html", {
        "rows": rows, "form": form, "nation": nation, "provider": provider,
        "providers": ProviderProfile.objects.select_related("organisation").order_by("organisation__name"),
    })


def _waiting_counts() -> dict[str, int]:
    from django.db.models import Count

    return dict(WaitingListEntry.objects.filter(left_on__isnull=True, case__status__in=PLACEABLE_STATUSES)
                .values_list("nation").annotate(n=Count("id")).values_list("nation", "n"))


@requires(sees_occupancy, _lazy("Your role does not include support provision."))
def providers(request):
    form = NationFilterForm(request.GET or None)
    nation = form.chosen() if request.GET else None
    today = timezone.localdate()
    counts = _waiting_counts()
    return render(request, "support/providers.html", {
        "rows": occupancy(on=today, nation=nation), "form": form, "nation": nation, "today": today,
        "waiting": [(label, counts.get(code, 0)) for code, label in NATION_LABELS.items()],
    })


@requires(sees_occupancy, _lazy("Your role does not include support provision."))
def provider_detail(request, code: str):
    profile = ProviderProfile.objects.select_related("organisation").filter(organisation__code=code).first()
    if profile is None:
        raise Http404(_("Page not found"))
    today = timezone.localdate()
    row = occupancy(on=today, provider=code)[0]
    capacity = Capacity.objects.filter(provider=profile).order_by("kind", "starts_on")
    kinds = codes.labels("placement_kinds")
    return render(request, "support/provider.html", {
        "p": profile, "row": row, "today": today,
        "terms": profile.terms.select_related("contract").order_by("starts_on"),
        "capacity": [{"c": c, "label": kinds.get(c.kind, c.kind)} for c in capacity],
        "rule": parameter_history(profile.eligibility_rule),
        "services": [codes.labels("services").get(s, s) for s in profile.services],
        "allocator": is_allocator(request.user),
    })
