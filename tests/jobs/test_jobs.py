"""Background jobs: a new referral's scoring runs as a job after the request, a worker runs what
is queued, nothing is done twice (claiming, no retry of a finished job, one active job per key,
each kind's work safe to repeat), and a job records no personal data."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.exceptions import NotFound, TransitionRefused
from palermo.core.models import AuditEvent
from palermo.jobs import kinds, services
from palermo.jobs.models import FAILED, QUEUED, SUCCEEDED, Job
from palermo.jobs.selectors import job_get_for_user
from palermo.linkage import incremental, rescoring
from palermo.linkage.models import LinkCandidate
from tests.factories import referral_payload
from tests.linkage.test_db_scoring import person

pytestmark = pytest.mark.django_db

AGAIN = person("Arben", "Krasniqi", "1988-02-11", "Albania")  # the same as one already known


def _worker():
    """The worker, in-process, until the queue is empty. It closes "old" database connections
    between tasks; inside a test's transaction (autocommit off) that would close the test's own
    PostgreSQL connection, so that one step is left out here."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_new_referral_is_scored_in_a_job_of_the_referring_officer(known, django_capture_on_commit_callbacks):
    """With tasks run in-process after the commit (tests' default), the referral's person is
    scored at once, by a job of the officer's that says so and is audited from start to end."""
    with django_capture_on_commit_callbacks(execute=True):
        case = known.case(actor=known.responder_other, person=AGAIN)
    job = Job.objects.get()
    assert (job.kind, job.status, job.started_by, job.attempts) == ("link_score", SUCCEEDED, known.responder_other, 1)
    assert job.params == {"person_id": case.referral.person_id, "referral_id": case.referral.pk}
    assert (job.done, job.total) == (1, 1) and job.outcome == {"person_id": case.referral.person_id, "scored": 1}
    assert job.task_result_id
    assert LinkCandidate.objects.count() == 1
    assert [e.action for e in AuditEvent.objects.filter(object_type="jobs.job").order_by("pk")] == [
        "job.started", "job.finished"]


def test_creating_a_referral_only_queues_the_scoring_and_the_worker_does_it(known, database_backend,
                                                                             django_capture_on_commit_callbacks):
    """referral_create no longer scores inside the request: after the POST there is a queued task
    and no possible match, until the worker runs."""
    from django_tasks_db.models import DBTaskResult

    _, raw = ApiToken.issue(known.responder_other)
    with django_capture_on_commit_callbacks(execute=True):
        resp = Client().post("/api/v1/referrals", referral_payload(person=AGAIN), content_type="application/json",
                             headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 201, resp.content
    job = Job.objects.get()
    assert job.status == QUEUED and LinkCandidate.objects.count() == 0
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and str(task.id) == job.task_result_id
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}  # the job's id, nothing about the person
    _worker()
    job.refresh_from_db()
    assert job.status == SUCCEEDED and LinkCandidate.objects.count() == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def _counting_kind(monkeypatch, fail_first: bool = False):
    runs = []

    def run(*, job, progress):
        runs.append(job.pk)
        progress(done=len(runs), total=2, stage="writing")
        if fail_first and len(runs) == 1:
            raise RuntimeError("Zorbina Quillfeather 1994-05-06")  # a message that quotes personal data
        return {"written": 2}

    monkeypatch.setitem(kinds.KINDS, "count", kinds.Kind("count", "Counting", run, frozenset({"analyst"})))
    return runs


def test_a_task_delivered_twice_runs_the_job_once(world, monkeypatch, database_backend,
                                                  django_capture_on_commit_callbacks):
    runs = _counting_kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    assert services.job_execute(job_id=job.pk) == {"written": 2}
    assert services.job_execute(job_id=job.pk) == {"skipped": SUCCEEDED}  # the same task again: nothing
    _worker()  # and the queued task itself, delivered after the job ran
    assert runs == [job.pk]
    assert AuditEvent.objects.filter(action="job.finished").count() == 1


def test_a_failed_job_is_retried_once_and_a_finished_one_is_refused(world, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    runs = _counting_kind(monkeypatch, fail_first=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    job.refresh_from_db()
    assert job.status == FAILED and job.error == "The job stopped with an error (RuntimeError)."
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=world.analyst, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SUCCEEDED and job.attempts == 2 and job.outcome == {"written": 2} and job.error == ""
    with pytest.raises(TransitionRefused, match="retrying it would do its work twice"):
        services.job_retry(actor=world.analyst, job_id=job.pk)
    assert runs == [job.pk, job.pk]
    assert [e.action for e in AuditEvent.objects.filter(object_type="jobs.job").order_by("pk")] == [
        "job.started", "job.failed", "job.retried", "job.finished"]


def test_a_waiting_job_cannot_be_retried(world, monkeypatch, database_backend, django_capture_on_commit_callbacks):
    _counting_kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    with pytest.raises(TransitionRefused, match="not finished yet"):
        services.job_retry(actor=world.analyst, job_id=job.pk)


def test_one_waiting_or_running_job_per_key(world, database_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.job_start(actor=world.admin, kind="link_run", key="link_run")
    with pytest.raises(TransitionRefused, match="already waiting or running"):
        services.job_start(actor=world.admin, kind="link_run", key="link_run")
    assert Job.objects.count() == 1


def test_a_job_never_records_the_exception_message(world, monkeypatch, database_backend,
                                                   django_capture_on_commit_callbacks):
    """The job's error names the class; the task backend's stored traceback quotes nothing either."""
    from django_tasks_db.models import DBTaskResult

    _counting_kind(monkeypatch, fail_first=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    _worker()
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert job.status == FAILED and task.status == "FAILED"
    for text in (job.error, task.traceback, str(job.outcome), str(AuditEvent.objects.filter(action="job.failed").get().detail)):
        assert "Zorbina" not in text and "1994" not in text


def test_retrying_a_failed_scoring_stores_each_possible_match_once(known, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    """The scoring stored its pair, then failed (rescoring older matches): the retry scores again
    and finds the pair already stored, so nothing is created twice."""
    real = rescoring.rescore_plan
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("rescoring fell over")
        return real(**kwargs)

    monkeypatch.setattr(rescoring, "rescore_plan", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        known.case(actor=known.responder_other, person=AGAIN)
    job = Job.objects.get()
    assert job.status == FAILED and LinkCandidate.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=known.responder_other, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SUCCEEDED
    assert LinkCandidate.objects.count() == 1
    assert LinkCandidate.history.filter(history_type="+").count() == 1
    assert [e.detail["created"] for e in AuditEvent.objects.filter(action="link.score").order_by("pk")] == [1, 0]


def test_a_failed_scoring_is_audited_and_the_referral_stands(known, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(incremental, "score_person", lambda **kw: (_ for _ in ()).throw(RuntimeError("x")))
    with django_capture_on_commit_callbacks(execute=True):
        case = known.case(person=AGAIN)
    assert case.pk and Job.objects.get().status == FAILED
    assert AuditEvent.objects.filter(action="link.scoring_failed").count() == 1


def test_nobody_else_sees_a_job(world, monkeypatch, django_capture_on_commit_callbacks):
    _counting_kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    assert job_get_for_user(user=world.analyst, job_id=job.pk) == job
    for other in (world.monitor, world.admin, world.responder):
        with pytest.raises(NotFound):
            job_get_for_user(user=other, job_id=job.pk)
        with pytest.raises(NotFound):
            services.job_retry(actor=other, job_id=job.pk)


def test_the_worker_command_refuses_when_jobs_are_not_queued_in_the_database(settings):
    from django.core.management import CommandError

    settings.PALERMO_TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="not a database backend"):
        _worker()
