"""Your jobs: the list, a job's page (progress as a ``<progress>`` element and in words, readable
without JavaScript; a "Refresh" link rather than an automatic reload), retrying a failed job, and
the pages that start long work as a job. Thin: :mod:`palermo.jobs.services` checks and audits."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused
from palermo.jobs import services
from palermo.jobs.forms import ReferralUploadForm
from palermo.jobs.kinds import job_folder
from palermo.jobs.models import SUCCEEDED
from palermo.jobs.presenters import job_page
from palermo.jobs.selectors import job_get_for_user, job_list_for_user

PAGE_SIZE = 50


def _job_or_404(request, job_id: int):
    try:
        return job_get_for_user(user=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc




@require_GET
@login_required
def job_list(request):
    page = Paginator(job_list_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {
        "page": page, "jobs": [job_page(j) for j in page.object_list],
        "may_start_link_run": services.may_start(request.user, "link_run"),
        "may_upload": may_upload(request.user),
    })


@require_GET
@login_required
def job_detail(request, job_id: int):
    job = _job_or_404(request, job_id)
    return render(request, "jobs/detail.html", {"job": job_page(job)})


@require_POST
@login_required
def job_retry(request, job_id: int):
    job = _job_or_404(request, job_id)
    try:
        services.job_retry(actor=request.user, job_id=job.pk)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except TransitionRefused as exc:
        job.refresh_from_db()
        return render(request, "jobs/detail.html", {"job": job_page(job), "refused": exc.message}, status=409)
    messages.success(request, _("The job was queued again"))
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
@login_required
def link_run_start(request):
    """An administrator starts ``palermo link run`` (proposes possible matches for caseworkers;
    nothing is linked automatically)."""
    try:
        job = services.job_start(actor=request.user, kind="link_run", key="link_run", total=3)
    except NotAllowed as exc:
        raise PermissionDenied(_("Only administrators can start a linkage run.")) from exc
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("jobs:list")
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
@login_required
def bulletin_start(request):
    """An analyst or monitor writes the bulletin files of the chosen quarters (published view)."""
    from palermo.stats.forms import StatsPeriodForm

    if not services.may_start(request.user, "stats_bulletin"):
        raise PermissionDenied(_("Only analysts and monitors can make the statistics bulletin."))
    form = StatsPeriodForm(request.POST, today=timezone.localdate(), unsuppressed_allowed=False)
    if not form.is_valid():
        raise Http404(_("Page not found"))  # the quarters come from the statistics page's own form
    period = form.period()
    try:
        job = services.job_start(actor=request.user, kind="stats_bulletin", total=2,
                                 params={"from": period.start.isoformat(), "to": period.end.isoformat()},
                                 key=f"stats_bulletin:{request.user.pk}:{period.slug}")
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("jobs:list")
    return redirect("jobs:detail", job_id=job.pk)


@require_GET
@login_required
def bulletin_download(request, job_id: int):
    """The bulletin a finished job of yours wrote, as one ZIP file (the published view only)."""
    job = _job_or_404(request, job_id)
    if job.kind != "stats_bulletin" or job.status != SUCCEEDED:
        raise Http404(_("Page not found"))
    if not services.may_start(request.user, "stats_bulletin"):
        raise PermissionDenied(_("Only analysts and monitors can see statistics."))
    folder = job_folder(job) / "bulletin"
    if not folder.is_dir():
        raise Http404(_("Page not found"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
    with transaction.atomic():
        audit_record(actor=request.user, action="stats.files_downloaded", object_type="stats.release",
                     object_id=f"{job.params.get('from')}..{job.params.get('to')}", detail={"job": job.pk, "file": "zip"})
    response = HttpResponse(buf.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="bulletin-{job.params.get("from")}-{job.params.get("to")}.zip"'
    return response


def may_upload(user) -> bool:
    """Importing is referring: first responders (``nrm.create_referral``, as the command)."""
    return services.may_start(user, "referral_upload") and user.has_perm("nrm.create_referral")


@csrf_exempt  # checked below, once the upload handler is in place (CSRF reads the body)
@require_http_methods(["GET", "POST"])
def referral_import(request):
    """Upload a referrals CSV: checked (type, size, header), stored encrypted, imported by a
    background job of the uploader's (``palermo.jobs.kinds._referral_upload``)."""
    from palermo.jobs.uploads import BoundedMemoryUpload

    if request.method == "POST":
        request.upload_handlers = [BoundedMemoryUpload(request)]
    return _referral_import(request)


@csrf_protect
@login_required
def _referral_import(request):
    if not may_upload(request.user):
        raise PermissionDenied(_("Only first responders can import referrals."))
    form = ReferralUploadForm(request.POST, request.FILES) if request.method == "POST" else ReferralUploadForm()
    if request.method == "POST" and form.is_valid():
        from palermo.jobs.uploads import upload_remove, upload_store

        name = upload_store(form.data_bytes)
        try:
            with transaction.atomic():
                job = services.job_start(actor=request.user, kind="referral_upload",
                                         params={"upload": name, "bytes": len(form.data_bytes), "sha256": form.sha256})
        except TransitionRefused as exc:  # pragma: no cover - uploads have no key
            upload_remove(name)
            messages.error(request, exc.message)
            return redirect("jobs:list")
        except BaseException:
            upload_remove(name)
            raise
        return redirect("jobs:detail", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    from palermo.nrm.import_rows import ALL_COLUMNS, REQUIRED_COLUMNS

    return render(request, "jobs/import.html", {"form": form, "max_size": form_size_label(), "columns": ALL_COLUMNS,
                                                "required": REQUIRED_COLUMNS}, status=status)


def form_size_label() -> str:
    from palermo.jobs.forms import _size
    from palermo.jobs.uploads import max_upload_bytes

    return _size(max_upload_bytes())
