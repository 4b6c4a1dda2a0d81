"""The import page (``/jobs/import/``): a first responder uploads a referrals CSV; it is checked
(type, size, header), stored encrypted, and imported by a background job of theirs. A refused
file writes nothing and its job lists the problems by row and column without quoting a value;
the upload is deleted once the job is done with it; every other page still refuses files."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palermo.core.models import AuditEvent
from palermo.jobs import services
from palermo.jobs.models import FAILED, SUCCEEDED, Job
from palermo.nrm.import_rows import ALL_COLUMNS, RowError, public_error
from palermo.nrm.models import Referral
from tests.nrm.test_import import row

pytestmark = pytest.mark.django_db


def csv_bytes(rows, columns=None) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns or ALL_COLUMNS, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _upload(client, data: bytes, name: str = "referrals.csv"):
    return client.post("/jobs/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.PALERMO_JOB_FILES_DIR = tmp_path / "jobs"
    return settings.PALERMO_JOB_FILES_DIR


def _stored(files_dir):
    folder = files_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_good_file_is_imported_by_a_job_of_the_uploader_and_then_deleted(
        world, files_dir, django_capture_on_commit_callbacks):
    c = _client(world.responder)
    assert c.get("/jobs/import/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resp = _upload(c, csv_bytes([row(), row(family_name="Other")]))
    assert resp.status_code == 302
    job = Job.objects.get()
    assert resp["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "referral_upload" and job.started_by == world.responder
    assert job.status == SUCCEEDED and job.outcome == {"rows": 2, "written": 2}
    assert Referral.objects.count() == 2
    assert _stored(files_dir) == []  # the encrypted upload and its plain copy are gone
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "Referrals written" in page and "Finished" in page
    started = AuditEvent.objects.get(action="job.started")
    assert started.detail["kind"] == "referral_upload" and started.detail["bytes"] > 0
    assert AuditEvent.objects.filter(action="referral.import", detail__written=2).exists()


def test_the_upload_is_stored_encrypted_in_a_private_folder(world, files_dir, monkeypatch):
    """Queued but not run: the stored file is Fernet ciphertext (0600, folder 0700), never the rows."""
    from palermo.jobs import services as job_services

    monkeypatch.setattr(job_services, "_queue_after_commit", lambda job: None)
    data = csv_bytes([row(family_name="Marrowgate")])
    assert _upload(_client(world.responder), data).status_code == 302
    (stored,) = _stored(files_dir)
    assert stored.stat().st_mode & 0o777 == 0o600 and stored.parent.stat().st_mode & 0o777 == 0o700
    body = stored.read_bytes()
    assert b"Marrowgate" not in body and body.startswith(b"gAAAAA")  # a Fernet token
    from palermo.core.crypto import fernet

    assert fernet().decrypt(body) == data


def test_a_file_with_errors_writes_nothing_and_its_job_lists_them_without_values(
        world, files_dir, django_capture_on_commit_callbacks):
    c = _client(world.responder)
    bad = csv_bytes([row(), row(nation="atlantis"), row(date_of_birth="1990-02-31", family_name="Zqxwvulp"),
                     row(given_name="Vexmor=", family_name="Quillane")])
    with django_capture_on_commit_callbacks(execute=True):
        resp = _upload(c, bad)
    job = Job.objects.get()
    assert resp["Location"] == f"/jobs/{job.pk}/"
    assert job.status == FAILED and Referral.objects.count() == 0
    where = {(p["row"], p["column"]) for p in job.problems["items"]}
    assert {(3, "nation"), (4, "date_of_birth"), (5, "given_name")} <= where
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="problems"' in page and "Nothing was imported" in page
    for value in ("atlantis", "1990-02-31", "31 February", "Zqxwvulp", "Vexmor", "Quillane", "Marrowgate", "Ilsabet"):
        assert value not in page and value not in str(job.problems), value
    assert 'id="retry"' not in page  # the upload is gone: correct the file and upload it again
    assert _stored(files_dir) == []
    refused = c.post(f"/jobs/{job.pk}/retry/")
    assert refused.status_code == 409 and "upload it again" in refused.content.decode()


def test_a_job_that_stopped_on_an_error_keeps_its_upload_and_the_retry_imports_it(
        world, files_dir, monkeypatch, django_capture_on_commit_callbacks):
    from palermo.nrm import importer

    real = importer.import_referrals
    calls = []

    def flaky(**kw):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk")
        return real(**kw)

    monkeypatch.setattr(importer, "import_referrals", flaky)
    c = _client(world.responder)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(c, csv_bytes([row()]))
    job = Job.objects.get()
    assert job.status == FAILED and len(_stored(files_dir)) == 1
    assert 'id="retry"' in c.get(f"/jobs/{job.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=world.responder, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SUCCEEDED and Referral.objects.count() == 1 and _stored(files_dir) == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("referrals.txt", b"received_on\n", "must be a CSV file"),
    ("referrals.csv", b"", "is empty"),
    ("referrals.csv", b"nation,colour\nengland,blue\n", "The header row of the selected file is wrong"),
    ("referrals.csv", b"PK\x03\x04rest", "spreadsheet file"),
])
def test_a_wrong_file_is_refused_on_the_page_and_nothing_is_stored(world, files_dir, name, data, message):
    resp = _upload(_client(world.responder), data, name)
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "There is a problem" in page and message in page and "govuk-file-upload--error" in page
    assert Job.objects.count() == 0 and _stored(files_dir) == []


def test_no_file_is_refused(world, files_dir):
    resp = _client(world.responder).post("/jobs/import/", {})
    assert resp.status_code == 400 and "Select a CSV file of referrals" in resp.content.decode()


def test_a_file_over_the_size_bound_is_refused_without_being_kept(world, files_dir, settings):
    settings.PALERMO_IMPORT_UPLOAD_MAX_BYTES = 2048
    data = csv_bytes([row() for _ in range(40)])
    assert len(data) > 2048
    resp = _upload(_client(world.responder), data)
    assert resp.status_code == 400 and "must be smaller than 2 KB" in resp.content.decode()
    assert Job.objects.count() == 0 and _stored(files_dir) == []


def test_only_first_responders_may_upload(world, files_dir):
    for user in (world.decider, world.analyst, world.admin, world.monitor):
        c = _client(user)
        assert c.get("/jobs/import/").status_code == 403
        assert _upload(c, csv_bytes([row()])).status_code == 403
    assert Job.objects.count() == 0 and _stored(files_dir) == []
    assert Client().get("/jobs/import/").status_code == 302  # to sign in


def test_the_upload_page_checks_the_csrf_token(world, files_dir):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.responder)
    assert _upload(c, csv_bytes([row()])).status_code == 403
    assert Job.objects.count() == 0 and _stored(files_dir) == []


def test_every_other_page_still_refuses_a_file(world):
    c = _client(world.responder)
    resp = c.post("/search/", {"q": "x", "file": SimpleUploadedFile("a.csv", b"a,b\n")})
    assert resp.status_code == 400


def test_public_errors_never_repeat_a_value():
    cases = [
        RowError(4, "family_name", "Remove the digit from “Smith3”"),
        RowError(4, "date_of_birth", "31 February 1990 is not a real date"),
        RowError(4, "nation", "Enter one of england, wales, not “atlantis”"),
        RowError(4, "narrative", "Narrative must be 20,000 characters or fewer"),
        RowError(None, None, "/srv/palermo/jobs/uploads/import-abc.csv cannot be opened: Permission denied"),
    ]
    shown = [public_error(e) for e in cases]
    text = " ".join(p["message"] for p in shown)
    for value in ("Smith3", "February 1990", "atlantis", "/srv/palermo"):
        assert value not in text
    assert shown[2]["message"].startswith("Enter one of england, wales, not the value")
    assert [p["row"] for p in shown] == [4, 4, 4, 4, None]
