"""Operation pages: the operations you may see, a new operation, an operation with its records by
kind, the forms that record each kind of outcome, the report (seed note §7.4's shape) and its CSV.
Thin: reads through the selectors, writes through the services. No JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import BaseModel

from palermo.core.audit import audit_record
from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.justice.selectors import prosecution_list_for_user
from palermo.law.offences import offence_list
from palermo.operations import forms as F
from palermo.operations import reference as ref
from palermo.operations import schemas as S
from palermo.operations import selectors, services
from palermo.operations.export import reports_to_csv
from palermo.operations.models import NATION_LABELS
from palermo.operations.report import operation_report, pounds
from palermo.operations.rules import can_record_operations, can_see_operations
from palermo.web.views.common import or_error as _or_error
from palermo.web.views.common import requires

NO_ROLE = _lazy("Your role does not include operations.")
NO_RECORDS = _lazy("Your role does not include recording operations.")


@require_GET
@requires(can_see_operations, NO_ROLE)
def operation_list(request):
    ops = list(selectors.operation_list_for_user(user=request.user))
    return render(request, "operations/list.html", {"operations": ops, "can_record": can_record_operations(request.user)})


def _submit(form, call):
    """Call a service with the form's payload; put its refusals on the form. The result or None."""
    try:
        return call()
    except ValidationFailed as exc:
        for key, message in exc.fields.items():
            form.add_service_error(key.split(".")[-1] if key.startswith("charges.") else key, message)
        if not exc.fields:
            form.add_error(None, exc.message)
    except TransitionRefused as exc:
        form.add_error(None, exc.message)
    return None


@require_http_methods(["GET", "POST"])
@requires(can_record_operations, NO_RECORDS)
def operation_new(request):
    form = F.OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        op = _submit(form, lambda: services.operation_create(
            actor=request.user, data=S.OperationIn.model_validate(form.payload())))
        if op is not None:
            messages.success(request, _("Operation %(name)s recorded") % {"name": op.name})
            return redirect("operations:detail", operation_id=op.pk)
    return render(request, "operations/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@require_GET
@requires(can_record_operations, NO_RECORDS)
def operation_detail(request, operation_id: int):
    view = _or_error(selectors.operation_get_for_user, user=request.user, operation_id=operation_id)
    return render(request, "operations/detail.html", {
        "v": view, "aims": ref.labels(ref.AIMS), "premises_kinds": ref.labels(ref.PREMISES_KINDS),
        "asset_kinds": ref.labels(ref.ASSET_KINDS), "nations": NATION_LABELS,
        "offences": {o.id: o.title for o in offence_list()}, "kinds": RECORD_KINDS,
        "assets": [(a, pounds(a.amount_pence)) for a in view.assets],
        # prosecutions that arose from it, as far as the justice scope lets this user see them
        "prosecutions": prosecution_list_for_user(user=request.user).filter(operation_id=operation_id)})


class _Kind:
    def __init__(self, title, form, schema, service, noun):
        self.title, self.form, self.schema, self.service, self.noun = title, form, schema, service, noun


RECORD_KINDS = {
    "premises": _Kind(_lazy("Record a premises visit"), F.PremisesVisitForm, S.PremisesVisitIn,
                      services.premises_visit_record, _lazy("Premises visit")),
    "victim": _Kind(_lazy("Record a potential victim identified"), F.VictimForm, S.VictimIn,
                    services.victim_identified_record, _lazy("Potential victim")),
    "arrest": _Kind(_lazy("Record an arrest"), F.ArrestForm, S.ArrestIn, services.arrest_record, _lazy("Arrest")),
    "charge": _Kind(_lazy("Record a charge"), F.ChargeForm, S.ChargeIn, None, _lazy("Charge")),
    "assets": _Kind(_lazy("Record assets recovered or restrained"), F.AssetForm, S.AssetIn, services.asset_record,
                    _lazy("Assets")),
    "intelligence": _Kind(_lazy("Record an intelligence report gathered"), F.GatheredForm, S.GatheredIn,
                          services.intelligence_gathered_record, _lazy("Intelligence report")),
}


@require_http_methods(["GET", "POST"])
@requires(can_record_operations, NO_RECORDS)
def record_new(request, operation_id: int, kind: str):
    spec = RECORD_KINDS.get(kind)
    if spec is None:
        raise Http404("There is no such kind of record")
    op = _or_error(selectors.operation_in_scope, user=request.user, operation_id=operation_id, action=f"form_{kind}")
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payload = form.payload()
        if kind == "charge":
            data: BaseModel = spec.schema.model_validate(payload)
            done = _submit(form, lambda: _charge(request.user, op, form.cleaned_data["arrest"], data))
        else:
            done = _submit(form, lambda: spec.service(actor=request.user, operation_id=op.pk,
                                                      data=spec.schema.model_validate(payload)))
        if done is not None:
            messages.success(request, _("%(what)s recorded") % {"what": spec.noun})
            return redirect("operations:detail", operation_id=op.pk)
    return render(request, "operations/record.html", {"form": form, "op": op, "title": spec.title, "kind": kind},
                  status=400 if request.method == "POST" else 200)


def _charge(actor, op, arrest_id: int, data):
    from palermo.operations.models import Arrest

    if not Arrest.objects.filter(pk=arrest_id, operation=op).exists():
        raise ValidationFailed("No such arrest", {"arrest": "Enter the reference of an arrest in this operation"})
    return services.charge_record(actor=actor, arrest_id=arrest_id, data=data)


@require_GET
@requires(can_see_operations, NO_ROLE)
def report_page(request, operation_id: int):
    op = _or_error(selectors.operation_report_get_for_user, user=request.user, operation_id=operation_id)
    report = operation_report(op)
    audit_record(actor=request.user, action="operation.report_view", obj=op)
    return render(request, "operations/report.html", {
        "op": op, "r": report, "cash": pounds(report.cash_recovered_pence),
        "restrained": pounds(report.assets_restrained_pence), "groups": ref.PREMISES_GROUP_LABELS,
        "premises_kinds": ref.labels(ref.PREMISES_KINDS), "offences": {o.id: o.title for o in offence_list()},
        "can_record": can_record_operations(request.user)})


@require_GET
@requires(can_see_operations, NO_ROLE)
def report_export(request, operation_id: int):
    op = _or_error(selectors.operation_report_get_for_user, user=request.user, operation_id=operation_id)
    body, count = reports_to_csv([operation_report(op)])
    audit_record(actor=request.user, action="operation.report_export", obj=op, detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="palermo-operation-{op.pk}.csv"'
    return resp
