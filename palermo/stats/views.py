"""The analyst's statistics pages (namespace ``stats``): choose a period, read the tables and
charts, download the files. Thin: :mod:`palermo.stats.services` checks the role and the period and
audits every look; :mod:`palermo.stats.outputs` makes the same tables, charts and files as the
published bulletin."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.stats import outputs
from palermo.stats.charts import charts
from palermo.stats.forms import StatsPeriodForm
from palermo.stats.release import PUBLISHED_VIEW
from palermo.stats.services import can_see_unsuppressed, release_for_user, statistics_access_check

CONTENT_TYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_CSV = re.compile(r"table-(\d{2})-([a-z_]{1,60})\.csv")


def _form(request, today):
    try:
        statistics_access_check(actor=request.user, view=request.GET.get("figures") or PUBLISHED_VIEW)
    except (NotAllowed, ValueError) as exc:
        raise PermissionDenied(_("Only analysts and monitors can see statistics.")) from exc
    data = request.GET if "from_quarter" in request.GET or "to_quarter" in request.GET else None
    form = StatsPeriodForm(data, today=today, unsuppressed_allowed=can_see_unsuppressed(request.user))
    if data is None:  # the default period: the last four quarters that have ended
        form = StatsPeriodForm(form.initial, today=today, unsuppressed_allowed=can_see_unsuppressed(request.user))
    return form


def _release(request, form, today, *, action="stats.release_viewed", detail=None, view=None):
    try:
        return release_for_user(actor=request.user, period=form.period(), view=view or form.view(), today=today,
                                action=action, detail=detail)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed as exc:
        for field, message in exc.fields.items():
            form.add_error("from_quarter" if field == "from" else "to_quarter", message)
        return None


def _options(form) -> dict:
    """The select and radio items of the form, with the chosen (or default) values marked."""
    value = {name: (form.data.get(name) if form.is_bound else form.initial.get(name)) for name in form.fields}
    out = {f"{name.split('_')[0]}_options": [{"value": v, "label": label, "selected": v == value[name]}
                                            for v, label in form.fields[name].choices]
           for name in ("from_quarter", "to_quarter")}
    if "figures" in form.fields:
        out["figure_items"] = [{"id": f"figures-{v}", "value": v, "label": label,
                                "checked": v == (value["figures"] or PUBLISHED_VIEW)}
                               for v, label in form.fields["figures"].choices]
    return out


@login_required
def statistics(request):
    today = timezone.localdate()
    form = _form(request, today)
    context = {"form": form}
    if form.is_valid():
        release = _release(request, form, today)
        if release is not None:
            query = urlencode({"from_quarter": form.cleaned_data["from_quarter"],
                               "to_quarter": form.cleaned_data["to_quarter"]})

            def url(name: str) -> str:
                return reverse("stats:file", args=[name]) + "?" + query

            drawn = charts(release)
            csv_urls = {t.id: url(outputs.csv_name(t)) for t in release.tables}
            context.update(outputs.page_context(release, drawn, csv_urls=csv_urls))
            context.update({"ods_url": url(f"{outputs.WORKBOOK}.ods"), "xlsx_url": url(f"{outputs.WORKBOOK}.xlsx"),
                            "summary_csv_url": url(outputs.summary_csv_name(release))})
    context["title"] = outputs.TITLE
    context.update(_options(form))
    return render(request, "stats/statistics.html", context)


@login_required
def statistics_file(request, filename: str):
    """One file of the published release for the chosen quarters (never the unsuppressed view)."""
    today = timezone.localdate()
    form = _form(request, today)
    if not form.is_valid():
        raise Http404(_("Page not found"))
    ext = filename.rsplit(".", 1)[-1]
    known = filename in (f"{outputs.WORKBOOK}.ods", f"{outputs.WORKBOOK}.xlsx") or _CSV.fullmatch(filename)
    if not known:
        raise Http404(_("Page not found"))
    release = _release(request, form, today, action="stats.files_downloaded", detail={"file": filename},
                       view=PUBLISHED_VIEW)
    if release is None:
        raise Http404(_("Page not found"))
    if ext == "ods":
        content = outputs.ods(release)
    elif ext == "xlsx":
        content = outputs.xlsx(release)
    elif filename == outputs.summary_csv_name(release):
        content = outputs.summary_csv(release)
    else:
        table = next((t for t in release.tables if outputs.csv_name(t) == filename), None)
        if table is None:
            raise Http404(_("Page not found"))
        content = outputs.table_csv(table)
    name = f"{release.period.slug}-{filename}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
