"""The release pages: the monitoring report (monitors, analysts), private releases with the
budget left (analysts make them; monitors read them), and the microdata download (analysts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.releases import services
from palermo.releases.dp import DIMENSIONS
from palermo.releases.forms import PeriodForm, PrivateReleaseForm
from palermo.web.views.common import requires


@requires(services.can_read_releases, _lazy("Only monitors and analysts can read the monitoring report."))
def monitoring(request):
    form = PeriodForm(request.GET or None)
    period = {}
    if request.GET and form.is_valid():
        period = {k: v for k, v in form.cleaned_data.items() if v}
    report = None if (request.GET and not form.is_valid()) else services.monitoring_report_for_user(
        user=request.user, **period)
    return render(request, "releases/monitoring.html", {"form": form, "report": report, "period": period})


@requires(services.can_read_releases, _lazy("Only analysts and monitors can see private releases."))
@require_http_methods(["GET", "POST"])
def private_releases(request):
    years = services.dataset_years()
    form = PrivateReleaseForm(request.POST or None, years=years)
    can_release = services.can_release(request.user)
    if request.method == "POST":
        if not can_release:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Only analysts can make a private release."))
        if form.is_valid():
            try:
                release = services.private_release_create(
                    actor=request.user, year=int(form.cleaned_data["year"]), dimension=form.cleaned_data["dimension"],
                    epsilon=form.cleaned_data["epsilon"])
            except ValidationFailed as exc:
                for field, message in exc.fields.items():
                    form.add_service_error(field if field in form.fields else "epsilon", message)
            except TransitionRefused as exc:
                form.add_service_error("epsilon", exc.message)
            else:
                messages.success(request, _("Release made: %(what)s for %(year)s, epsilon %(eps)s.") % {
                    "what": DIMENSIONS[release.dimension].label.lower(), "year": release.budget.year,
                    "eps": release.epsilon.normalize()})
                return redirect("releases:private")
    return render(request, "releases/private.html", {
        "form": form, "can_release": can_release, "budgets": services.budgets_for_user(user=request.user),
        "releases": list(services.releases_for_user(user=request.user, limit=50)),
        "dimension_labels": {k: d.label for k, d in DIMENSIONS.items()},
    })


@requires(services.can_release, _lazy("Only analysts can download microdata."))
def microdata(request):
    return render(request, "releases/microdata.html", {})


@requires(services.can_release, _lazy("Only analysts can download microdata."))
def microdata_download(request):
    try:
        result = services.microdata_export(actor=request.user)
    except TransitionRefused as exc:
        return render(request, "releases/microdata.html", {"refused": exc.message}, status=409)
    resp = HttpResponse(result.text, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-microdata-htcds.csv"'
    return resp
