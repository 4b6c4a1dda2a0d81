"""Your jobs on pages and in the API: the owner sees progress and outcome (a <progress> element,
no automatic reload), retries a failed job, and nobody else sees it; starting a link run (an
administrator) and a bulletin (an analyst) from a page, and a link run from the API (202)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.jobs import kinds, services
from palermo.jobs.models import FAILED, SUCCEEDED, Job
from palermo.stats.periods import Quarter, published_quarters

pytestmark = pytest.mark.django_db


def _kind(monkeypatch, fail=False, code="count"):
    """A stand-in kind. For the API, ``code`` must be a real kind's: the API's ``kind`` is an enum
    of the kinds fixed when palermo.jobs.api is first imported (whichever test loads it first)."""
    def run(*, job, progress):
        progress(done=1, total=4, stage="writing")
        if fail:
            raise ValueError("no")
        return {"files": 3}

    monkeypatch.setitem(kinds.KINDS, code, kinds.Kind(code, "Counting things", run, frozenset({"analyst"})))


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    _, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def test_the_owner_sees_the_job_listed_and_its_progress_and_outcome(world, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    _kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    c = _client(world.analyst)
    page = c.get("/jobs/").content.decode()
    assert f'href="/jobs/{job.pk}/"' in page and "Counting things" in page and "Finished" in page
    detail = c.get(f"/jobs/{job.pk}/").content.decode()
    assert '<progress id="job-progress"' in detail and 'max="4" value="1"' in detail
    assert "Files written" in detail and "<dd class=\"govuk-summary-list__value\">3</dd>" in detail
    assert 'http-equiv="refresh"' not in detail
    for other in (world.monitor, world.admin):
        assert _client(other).get(f"/jobs/{job.pk}/").status_code == 404
        assert f"/jobs/{job.pk}/" not in _client(other).get("/jobs/").content.decode()


def test_a_waiting_job_offers_a_refresh_link(world, monkeypatch):
    _kind(monkeypatch)
    job = services.job_start(actor=world.analyst, kind="count")  # no commit in this test: still waiting
    detail = _client(world.analyst).get(f"/jobs/{job.pk}/").content.decode()
    assert "Waiting to start" in detail and 'id="refresh"' in detail and "Retry" not in detail


def test_a_failed_job_is_retried_from_its_page_and_a_finished_one_is_refused(world, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    _kind(monkeypatch, fail=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="count")
    c = _client(world.analyst)
    detail = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "The job stopped with an error (ValueError)." in detail and 'id="retry"' in detail
    assert _client(world.monitor).post(f"/jobs/{job.pk}/retry/").status_code == 404
    _kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/jobs/{job.pk}/retry/")
    assert resp.status_code == 302 and resp["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == SUCCEEDED
    refused = c.post(f"/jobs/{job.pk}/retry/")
    assert refused.status_code == 409 and "retrying it would do its work twice" in refused.content.decode()


def test_the_api_gives_the_owner_their_jobs_only(world, monkeypatch, django_capture_on_commit_callbacks):
    _kind(monkeypatch, fail=True, code="stats_bulletin")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.analyst, kind="stats_bulletin")
    c = Client()
    body = c.get("/api/v1/jobs", headers=_api(world.analyst)).json()
    assert body["count"] == 1 and body["items"][0]["id"] == job.pk and body["items"][0]["status"] == FAILED
    one = c.get(f"/api/v1/jobs/{job.pk}", headers=_api(world.analyst)).json()
    assert one["error"] == "The job stopped with an error (ValueError)." and one["url"] == f"/jobs/{job.pk}/"
    assert c.get(f"/api/v1/jobs/{job.pk}", headers=_api(world.monitor)).status_code == 404
    assert c.get("/api/v1/jobs", headers=_api(world.monitor)).json()["count"] == 0
    assert c.get("/api/v1/jobs?page_size=201", headers=_api(world.analyst)).status_code == 422
    _kind(monkeypatch, code="stats_bulletin")
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/api/v1/jobs/{job.pk}/retry", headers=_api(world.analyst))
    assert resp.status_code == 202 and resp["Location"] == f"/api/v1/jobs/{job.pk}"
    assert c.post(f"/api/v1/jobs/{job.pk}/retry", headers=_api(world.analyst)).status_code == 409


def test_an_administrator_starts_a_link_run_from_a_page_and_the_api(world, database_backend,
                                                                   django_capture_on_commit_callbacks):
    assert "Start a linkage run" in _client(world.admin).get("/jobs/").content.decode()
    assert "Start a linkage run" not in _client(world.analyst).get("/jobs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resp = _client(world.admin).post("/jobs/link-run/")
    job = Job.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.started_by, job.key) == ("link_run", world.admin, "link_run")
    api = Client().post("/api/v1/link-runs", headers=_api(world.admin))
    assert api.status_code == 409  # one link run at a time
    assert _client(world.decider).post("/jobs/link-run/").status_code == 403
    assert Client().post("/api/v1/link-runs", headers=_api(world.decider)).status_code == 403


def test_a_link_run_job_runs_the_batch_and_records_its_counts(world, django_capture_on_commit_callbacks):
    from tests.linkage.test_db_scoring import person

    world.case(person=person("Tuan", "Nguyen", "1996-08-09", "Viet Nam"))
    world.case(actor=world.responder_other, person=person("Tuan", "Nguyen", "1996-08-09", "Viet Nam"))
    with django_capture_on_commit_callbacks(execute=True):
        resp = Client().post("/api/v1/link-runs", headers=_api(world.admin))
    assert resp.status_code == 202
    job = Job.objects.get(kind="link_run")
    assert job.status == SUCCEEDED and (job.done, job.total, job.stage) == (3, 3, "written")
    assert job.outcome["people"] == 2 and "candidates_created" in job.outcome


def test_an_analyst_makes_the_bulletin_as_a_job_and_downloads_it(world, django_capture_on_commit_callbacks):
    q = published_quarters(dt.date.today())[-1]
    with django_capture_on_commit_callbacks(execute=True):
        resp = _client(world.analyst).post("/jobs/bulletin/", {"from_quarter": q.slug, "to_quarter": q.slug})
    job = Job.objects.get()
    assert resp.status_code == 302 and job.kind == "stats_bulletin" and job.status == SUCCEEDED, job.error
    assert job.outcome["files"] > 3
    page = _client(world.analyst).get(f"/jobs/{job.pk}/").content.decode()
    assert f"/jobs/{job.pk}/bulletin.zip" in page
    zipped = _client(world.analyst).get(f"/jobs/{job.pk}/bulletin.zip")
    assert zipped.status_code == 200 and "manifest.json" in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert _client(world.monitor).get(f"/jobs/{job.pk}/bulletin.zip").status_code == 404
    assert _client(world.responder).post("/jobs/bulletin/", {"from_quarter": q.slug, "to_quarter": q.slug}).status_code == 403
    assert Quarter.parse(q.slug) == q
