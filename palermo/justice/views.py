"""Justice pages: prosecutions in scope, a prosecution, entry forms (prosecution, outcome of a
charge, victim), statistics and the CSV exports. Thin: each reads through the selectors or writes
through a service. No JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError

from palermo.core.audit import audit_record
from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.intelligence.models import LAWFUL_REASON_LABELS
from palermo.justice import selectors, services
from palermo.justice.export import prosecutions_to_csv, statistics_to_csv
from palermo.justice.forms import (
    CHARGE_ROWS,
    DEFENDANT_ROWS,
    OutcomeForm,
    ProsecutionForm,
    StatisticsForm,
    VictimForm,
)
from palermo.justice.models import COURT_KIND_LABELS
from palermo.justice.offences import offence_name
from palermo.justice.reference import current_rule, disposal_labels, outcome_labels
from palermo.justice.rules import can_see_justice_statistics, can_use_justice
from palermo.justice.schemas import OutcomeIn, ProsecutionIn, ProsecutionVictimIn
from palermo.justice.statistics import justice_statistics
from palermo.law.parameters import parameter_history
from palermo.law.vocab import NATION_LABELS
from palermo.web.views.common import or_error as _or_error
from palermo.web.views.common import requires

NO_ROLE = _lazy("Your role does not include prosecutions.")
NO_STATS = _lazy("Your role does not include justice statistics.")


def _service_errors(form, exc) -> None:
    if isinstance(exc, ValidationFailed):
        for key, message in exc.fields.items():
            form.add_service_error(form.field_for_service(key) if hasattr(form, "field_for_service") else key, message)
        if not exc.fields:
            form.add_error(None, exc.message)
    elif isinstance(exc, ValidationError):
        for err in exc.errors():
            form.add_error(None, err["msg"])
    else:
        form.add_error(None, exc.message)


@require_GET
@requires(can_use_justice, NO_ROLE)
def prosecution_list(request):
    page = Paginator(selectors.prosecution_list_for_user(user=request.user).prefetch_related("defendants"), 50
                     ).get_page(request.GET.get("page"))
    return render(request, "justice/list.html", {"page": page, "courts": COURT_KIND_LABELS, "nations": NATION_LABELS})


@require_http_methods(["GET", "POST"])
@requires(can_use_justice, NO_ROLE)
def prosecution_new(request):
    form = ProsecutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.prosecution_create(actor=request.user, data=ProsecutionIn.model_validate(form.payload()))
        except (ValidationFailed, ValidationError) as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Prosecution %(ref)s recorded") % {"ref": p.reference})
            return redirect("justice:prosecution", prosecution_id=p.pk)
    rows = [(form[f"defendant_{d}"], [(form[f"d{d}_charge_{c}_offence"], form[f"d{d}_charge_{c}_on"])
                                      for c in range(1, CHARGE_ROWS + 1)]) for d in range(1, DEFENDANT_ROWS + 1)]
    return render(request, "justice/prosecution_form.html", {"form": form, "rows": rows},
                  status=400 if request.method == "POST" else 200)


@require_GET
@requires(can_use_justice, NO_ROLE)
def prosecution_detail(request, prosecution_id: int):
    view = _or_error(selectors.prosecution_get_for_user, user=request.user, prosecution_id=prosecution_id)
    names = {c.offence_id: offence_name(c.offence_id) for d in view.defendants for c in d.charges}
    return render(request, "justice/prosecution.html", {
        "v": view, "p": view.prosecution, "courts": COURT_KIND_LABELS, "nations": NATION_LABELS, "offences": names,
        "outcomes": outcome_labels(), "disposals": disposal_labels(), "reasons": LAWFUL_REASON_LABELS})


@require_http_methods(["GET", "POST"])
@requires(can_use_justice, NO_ROLE)
def charge_outcome(request, charge_id: int):
    charge = _or_error(selectors.charge_get_for_user, user=request.user, charge_id=charge_id)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.charge_outcome_record(actor=request.user, charge_id=charge_id,
                                           data=OutcomeIn.model_validate(form.payload()))
        except (ValidationFailed, ValidationError, TransitionRefused) as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Outcome recorded"))
            return redirect("justice:prosecution", prosecution_id=charge.defendant.prosecution_id)
    return render(request, "justice/outcome_form.html", {
        "form": form, "charge": charge, "offence": offence_name(charge.offence_id),
        "p": charge.defendant.prosecution, "decided": charge.outcome not in {"pending", "committed"},
        "outcomes": outcome_labels()}, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@requires(can_use_justice, NO_ROLE)
def victim_new(request, prosecution_id: int):
    view = _or_error(selectors.prosecution_get_for_user, user=request.user, prosecution_id=prosecution_id, audit=False)
    form = VictimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.prosecution_victim_record(actor=request.user, prosecution_id=prosecution_id,
                                               data=ProsecutionVictimIn.model_validate(form.cleaned_data))
        except (ValidationFailed, ValidationError, TransitionRefused) as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Victim recorded on the prosecution"))
            return redirect("justice:prosecution", prosecution_id=prosecution_id)
    return render(request, "justice/victim_form.html", {"form": form, "p": view.prosecution},
                  status=400 if request.method == "POST" else 200)


@require_GET
@requires(can_use_justice, NO_ROLE)
def prosecution_export(request):
    body, count = prosecutions_to_csv(selectors.prosecutions_for_export(user=request.user))
    audit_record(actor=request.user, action="justice.export", object_type="justice.prosecution",
                 detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-prosecutions.csv"'
    return resp


def _statistics(request):
    form = StatisticsForm(request.GET if request.GET else None)
    stats = None
    if not form.is_bound or form.is_valid():
        d = form.cleaned_data if form.is_bound else {}
        stats = justice_statistics(nation=d.get("nation") or "", start_year=d.get("start_year"),
                                   end_year=d.get("end_year"))
        audit_record(actor=request.user, action="justice.statistics_view", object_type="justice.prosecution",
                     detail={"nation": stats.nation, "years": len(stats.years)})
    return form, stats


@require_GET
@requires(can_see_justice_statistics, NO_STATS)
def statistics_page(request):
    form, stats = _statistics(request)
    rule = parameter_history("justice.principal_offence")[-1]
    return render(request, "justice/statistics.html", {
        "form": form, "s": stats, "rule": rule, "disposals": current_rule()[0].disposals,
        "nation_label": NATION_LABELS.get(stats.nation, _("United Kingdom")) if stats else "",
        "query": request.GET.urlencode(), "can_record": can_use_justice(request.user)},
        status=400 if stats is None else 200)


@require_GET
@requires(can_see_justice_statistics, NO_STATS)
def statistics_export(request):
    form, stats = _statistics(request)
    if stats is None:
        return HttpResponse(_("Correct the filters on the statistics page"), status=400, content_type="text/plain")
    resp = HttpResponse(statistics_to_csv(stats), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-justice-statistics.csv"'
    return resp
