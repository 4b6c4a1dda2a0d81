"""Who sees statistics and what they get, on the pages, the API and the command line: analysts and
monitors see the published tables; only analysts the unsuppressed ones, never in a file; every
look and refusal is audited; published periods are whole quarters that have ended."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.stats.periods import Quarter, default_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    today = timezone.localdate()
    last = default_period(today).end
    for i, days in enumerate((5, 9, 12, 40, 41, 70, 100)):
        world.case(received_on=(last - dt.timedelta(days=days)).isoformat(),
                   person={"given_name": "Zorbina", "family_name": f"Quillfeather{'ab'[i % 2]}", "date_of_birth": "1994-05-06",
                           "dob_precision": "exact", "gender": "female", "nationalities": ["VNM"]})
    return world


def period_query() -> str:
    p = default_period(timezone.localdate())
    return f"from_quarter={Quarter.of(p.start).slug}&to_quarter={Quarter.of(p.end).slug}"


def web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user, path):
    _, raw = ApiToken.issue(user)
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})


def test_analysts_and_monitors_see_published_tables_others_are_refused_and_audited(cases):
    for user in (cases.analyst, cases.monitor):
        resp = web(user).get(f"/statistics/?{period_query()}")
        assert resp.status_code == 200
        assert b"Table 1: NRM referrals by quarter" in resp.content and b'<svg' in resp.content
        assert b"Quillfeather" not in resp.content and b"Zorbina" not in resp.content
        assert AuditEvent.objects.filter(actor=user, action="stats.release_viewed").exists()
    for user in (cases.responder, cases.decider, cases.admin):
        assert web(user).get("/statistics/").status_code == 403
        assert AuditEvent.objects.filter(actor=user, action="stats.refused").exists()


def test_only_analysts_see_unsuppressed_figures(cases):
    url = f"/statistics/?{period_query()}&figures=unsuppressed"
    resp = web(cases.analyst).get(url)
    assert resp.status_code == 200 and b"Not for publication" in resp.content
    published = web(cases.analyst).get(f"/statistics/?{period_query()}")
    assert b"[c]" in published.content  # seven referrals: small cells are withheld
    assert web(cases.monitor).get(url).status_code == 403
    assert AuditEvent.objects.filter(actor=cases.monitor, action="stats.refused",
                                     detail__view="unsuppressed").exists()
    assert b"unsuppressed" not in web(cases.monitor).get(f"/statistics/?{period_query()}").content


def test_the_period_must_be_in_order(cases):
    resp = web(cases.analyst).get("/statistics/?from_quarter=2024-q3&to_quarter=2024-q1")
    assert resp.status_code == 200
    assert b"There is a problem" in resp.content and b"The last quarter must be the same as or after" in resp.content


def test_downloads_are_published_files_and_audited(cases):
    c = web(cases.analyst)
    for name, kind in (("nrm-statistics.ods", "opendocument"), ("nrm-statistics.xlsx", "spreadsheetml"),
                       ("table-01-referrals_quarter_age_gender.csv", "text/csv")):
        resp = c.get(f"/statistics/files/{name}?{period_query()}&figures=unsuppressed")
        assert resp.status_code == 200 and kind in resp["Content-Type"]
        assert "attachment" in resp["Content-Disposition"]
        assert AuditEvent.objects.filter(actor=cases.analyst, action="stats.files_downloaded", detail__file=name,
                                         detail__view="published").exists()
    body = c.get(f"/statistics/files/table-01-referrals_quarter_age_gender.csv?{period_query()}").content.decode()
    assert "[c]" in body
    assert c.get(f"/statistics/files/other.csv?{period_query()}").status_code == 404
    assert web(cases.responder).get(f"/statistics/files/nrm-statistics.ods?{period_query()}").status_code == 403


def test_api_gives_published_tables_and_unsuppressed_only_to_analysts(cases):
    p = default_period(timezone.localdate())
    q = f"from={p.start.isoformat()}&to={p.end.isoformat()}"
    resp = api(cases.monitor, f"/stats/tables?{q}")
    assert resp.status_code == 200
    data = resp.json()
    first = data["tables"][0]
    assert {"id", "title", "dimensions", "counting_rule", "rows"} <= set(first)
    assert data["view"] == "published"
    assert any(r["suppressed"] and r["count"] is None for r in first["rows"])
    assert api(cases.monitor, f"/stats/tables?{q}&view=unsuppressed").status_code == 403
    full = api(cases.analyst, f"/stats/tables?{q}&view=unsuppressed").json()
    assert all(r["count"] is not None for r in full["tables"][0]["rows"]) and full["warning"]
    assert api(cases.responder, f"/stats/tables?{q}").status_code == 403
    # a published period is whole quarters that have ended
    bad = api(cases.analyst, f"/stats/tables?from={p.start.isoformat()}&to={(p.end - dt.timedelta(days=1)).isoformat()}")
    assert bad.status_code == 422 and "to" in bad.json()["error"]["fields"]
    assert api(cases.analyst, f"/stats/tables?{q}&extra=1").status_code == 422


def test_command_writes_the_same_bulletin_twice_and_checks_it(cases, tmp_path):
    p = default_period(timezone.localdate())
    for out in ("a", "b"):
        call_command("stats", "bulletin", "--from", p.start.isoformat(), "--to", p.end.isoformat(),
                     "--out", str(tmp_path / out), stdout=io.StringIO())
    a = sorted(f.relative_to(tmp_path / "a") for f in (tmp_path / "a").rglob("*") if f.is_file())
    assert a == sorted(f.relative_to(tmp_path / "b") for f in (tmp_path / "b").rglob("*") if f.is_file())
    for f in a:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    out = io.StringIO()
    call_command("stats", "bulletin", "--check", str(tmp_path / "a"), stdout=out)
    assert "matches its manifest" in out.getvalue()
    assert AuditEvent.objects.filter(action="stats.bulletin_written").count() == 2
    with pytest.raises(CommandError, match="last day of a quarter"):
        call_command("stats", "bulletin", "--from", p.start.isoformat(), "--to", (p.end - dt.timedelta(days=1)).isoformat(),
                     "--out", str(tmp_path / "c"))


def test_command_prints_tables_unsuppressed_only_as_an_analyst(cases):
    p = default_period(timezone.localdate())
    args = ["stats", "tables", "--from", p.start.isoformat(), "--to", p.end.isoformat()]
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert json.loads(out.getvalue())["view"] == "published"
    out = io.StringIO()
    call_command(*args, "--unsuppressed", "--as", cases.analyst.username, stdout=out)
    assert json.loads(out.getvalue())["view"] == "unsuppressed"
    with pytest.raises(CommandError, match="Only analysts"):
        call_command(*args, "--unsuppressed", "--as", cases.monitor.username, stdout=io.StringIO())
