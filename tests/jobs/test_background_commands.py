"""``palermo import referrals --background`` and ``palermo synth --background``: the command
queues a job and writes nothing; the worker does the work with the entry point unchanged; the
job records counts only; a failed import is retried from scratch and writes once; only the
job's owner sees it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from palermo.core.exceptions import NotFound, TransitionRefused
from palermo.core.models import AuditEvent
from palermo.jobs import services
from palermo.jobs.models import FAILED, QUEUED, SUCCEEDED, Job
from palermo.jobs.selectors import job_get_for_user
from palermo.nrm.models import Referral
from tests.jobs.test_jobs import _worker
from tests.nrm.test_import import row, write

pytestmark = pytest.mark.django_db


def _command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_import_command_queues_a_job_and_the_worker_imports(world, tmp_path, database_backend,
                                                                django_capture_on_commit_callbacks):
    f = write(tmp_path / "referrals.csv", [row(), row(family_name="Other")])
    with django_capture_on_commit_callbacks(execute=True):
        said = _command("import", "referrals", str(f), "--as", world.responder.username, "--background")
    job = Job.objects.get()
    assert f"/jobs/{job.pk}/" in said and "palermo worker" in said
    assert (job.kind, job.status, job.started_by) == ("referral_import", QUEUED, world.responder)
    assert Referral.objects.count() == 0  # nothing written until the worker runs
    _worker()
    job.refresh_from_db()
    assert job.status == SUCCEEDED
    assert job.outcome == {"rows": 2, "written": 2}
    assert (job.done, job.total, job.stage) == (2, 2, "writing")
    assert Referral.objects.count() == 2
    # the operator's path is neither audited nor on the job's page (which shows counts only)
    started = AuditEvent.objects.get(action="job.started", object_id=str(job.pk))
    assert "path" not in started.detail and str(tmp_path) not in str(started.detail)
    client = Client()
    client.force_login(world.responder)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and str(tmp_path) not in page.content.decode()
    assert "Referrals written" in page.content.decode()


def test_a_refused_import_fails_with_the_class_only_and_a_retry_after_the_fix_writes_once(
        world, tmp_path, database_backend, django_capture_on_commit_callbacks):
    f = write(tmp_path / "referrals.csv", [row(), row(nation="atlantis", family_name="Secretname")])
    with django_capture_on_commit_callbacks(execute=True):
        _command("import", "referrals", str(f), "--as", world.responder.username, "--background")
    _worker()
    job = Job.objects.get()
    assert job.status == FAILED and job.error == "The job stopped with an error (ImportRefused)."
    assert job.outcome == {} and Referral.objects.count() == 0
    for text in (job.error, str(AuditEvent.objects.get(action="job.failed").detail)):
        assert "atlantis" not in text and "Secretname" not in text
    write(f, [row(), row(family_name="Other")])  # the operator fixes the file at the same path
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=world.responder, job_id=job.pk)
    _worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.outcome) == (SUCCEEDED, 2, {"rows": 2, "written": 2})
    assert Referral.objects.count() == 2
    with pytest.raises(TransitionRefused):
        services.job_retry(actor=world.responder, job_id=job.pk)


def test_an_import_job_is_visible_only_to_its_owner(world, tmp_path, database_backend,
                                                     django_capture_on_commit_callbacks):
    f = write(tmp_path / "referrals.csv", [row()])
    with django_capture_on_commit_callbacks(execute=True):
        _command("import", "referrals", str(f), "--as", world.responder.username, "--background")
    job = Job.objects.get()
    assert job_get_for_user(user=world.responder, job_id=job.pk) == job
    for other in (world.responder_other, world.admin, world.analyst):
        with pytest.raises(NotFound):
            job_get_for_user(user=other, job_id=job.pk)
        client = Client()
        client.force_login(other)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_only_users_who_may_import_queue_an_import(world, tmp_path):
    f = write(tmp_path / "referrals.csv", [row()])
    with pytest.raises(CommandError, match="Only first responders"):
        _command("import", "referrals", str(f), "--as", world.analyst.username, "--background")
    assert not Job.objects.exists()


def test_with_the_immediate_backend_the_import_runs_at_once(world, tmp_path, django_capture_on_commit_callbacks):
    f = write(tmp_path / "referrals.csv", [row()])
    with django_capture_on_commit_callbacks(execute=True):
        said = _command("import", "referrals", str(f), "--as", world.responder.username, "--background")
    job = Job.objects.get()
    assert job.status == SUCCEEDED and Referral.objects.count() == 1
    assert f"/jobs/{job.pk}/" in said and "palermo worker" not in said


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="palermo synth writes SQLite only (docs/synth.md)")


@sqlite_only
def test_the_synth_command_queues_a_job_of_an_administrator_and_the_worker_writes(
        world, database_backend, django_capture_on_commit_callbacks):
    from palermo.nrm.models import Case
    from palermo.synth.models import SynthRun

    before = Case.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        said = _command("synth", "--profile", "uk-2023", "--cases", "300", "--seed", "3", "--batch-size", "100",
                        "--background", "--as", world.admin.username, "--no-progress")
    job = Job.objects.get()
    assert f"/jobs/{job.pk}/" in said and "palermo worker" in said
    assert (job.kind, job.status, job.started_by) == ("synth", QUEUED, world.admin)
    assert Case.objects.count() == before and not SynthRun.objects.exists()
    _worker()
    job.refresh_from_db()
    run = SynthRun.objects.get()
    assert job.status == SUCCEEDED, job.error
    assert job.outcome == {"synth_run": run.pk, "cases": 300, "batches": 3}
    assert (job.done, job.total) == (3, 3) and run.finished_at is not None
    assert Case.objects.count() == before + 300


@sqlite_only
def test_a_failed_synth_job_resumes_from_its_checkpoint(world, monkeypatch, database_backend,
                                                        django_capture_on_commit_callbacks):
    from palermo.nrm.models import Case
    from palermo.synth import bulk

    real, calls = bulk.synth_run, []

    def interrupted(**kw):
        calls.append(1)
        if len(calls) == 1:
            def stop(batch_no):
                if batch_no == 1:
                    raise RuntimeError("stopped")
            return real(**kw, after_batch=stop)
        return real(**kw)

    monkeypatch.setattr(bulk, "synth_run", interrupted)
    before = Case.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        _command("synth", "--cases", "300", "--seed", "3", "--batch-size", "100", "--background",
                 "--as", world.admin.username)
    _worker()
    job = Job.objects.get()
    assert job.status == FAILED and job.error == "The job stopped with an error (RuntimeError)."
    written = Case.objects.count() - before
    assert 0 < written < 300  # whole batches up to the interruption stay
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=world.admin, job_id=job.pk)
    _worker()
    job.refresh_from_db()
    assert job.status == SUCCEEDED and Case.objects.count() == before + 300


def test_only_an_administrator_queues_synth(world):
    with pytest.raises(CommandError, match="cannot start"):
        _command("synth", "--cases", "10", "--background", "--as", world.responder.username)
    with pytest.raises(CommandError, match="needs --as"):
        _command("synth", "--cases", "10", "--background")
    assert not Job.objects.exists()
