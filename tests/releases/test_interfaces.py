"""The releases' API operations and `palermo releases` command call the same services: a private
release spends the budget and one it cannot pay for is 409; the monitoring report is JSON; the
microdata is a CSV for analysts only; the command writes new files only."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.releases.microdata import COLUMNS
from palermo.releases.models import PrivateRelease
from tests.nrm.test_api import Api, assert_error

from .test_private_releases import quick_noise  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _people(world, n):
    for i in range(n):
        world.case(person={"given_name": f"Quendolyn{'abcdefghijklmnop'[i]}", "family_name": "Brackenfold",
                           "date_of_birth": "1988-02-03", "dob_precision": "exact", "gender": "female",
                           "nationalities": ["ROU"]})


def test_the_api_spends_the_budget_and_refuses_a_release_it_cannot_pay_for(world, quick_noise):  # noqa: F811
    api = Api(world.analyst)
    r = api.post("/releases/private", {"year": YEAR, "dimension": "status", "epsilon": 1.0})
    assert r.status_code == 201, r.content
    assert Decimal(r.json()["epsilon"]) == 1
    assert {row["key"] for row in r.json()["result"]} >= {"referred", "identified"}
    api.post("/releases/private", {"year": YEAR, "dimension": "nation", "epsilon": 1.0})
    assert_error(api.post("/releases/private", {"year": YEAR, "dimension": "nation", "epsilon": 0.5}), 409)
    budget = next(b for b in api.get("/releases/budgets").json() if b["year"] == YEAR)
    assert float(budget["remaining_epsilon"]) == 0 and budget["releases"] == 2
    assert len(Api(world.monitor).get("/releases/private").json()) == 2  # monitors read them
    assert_error(Api(world.monitor).post("/releases/private", {"year": YEAR, "dimension": "nation", "epsilon": 0.1}), 403)


@pytest.mark.parametrize("body, field", [
    ({"year": YEAR, "dimension": "status", "epsilon": 1.5}, "epsilon"),
    ({"year": YEAR, "dimension": "names", "epsilon": 0.5}, "dimension"),
    ({"year": 2001, "dimension": "status", "epsilon": 0.5}, "year"),
])
def test_the_api_refuses_a_bad_release_request_naming_the_field(world, body, field):
    assert_error(Api(world.analyst).post("/releases/private", body), 422, field=field)
    assert not PrivateRelease.objects.exists()


def test_the_api_monitoring_report_is_json_with_its_method(world):
    _people(world, 3)
    r = Api(world.monitor).get("/monitoring-report", received_from="2000-01-01")
    assert r.status_code == 200
    body = r.json()
    assert body["cases"] == 3 and "Holm" in body["method"]["multiple_comparisons"]
    assert_error(Api(world.monitor).get("/monitoring-report", colour="red"), 422)


def test_the_api_microdata_is_a_k_anonymous_csv(world):
    _people(world, 10)
    r = Api(world.analyst).get("/releases/microdata.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == COLUMNS and len(rows) == 11
    assert AuditEvent.objects.filter(action="release.microdata").count() == 1


def test_the_command_makes_releases_writes_new_files_only_and_checks_the_role(world, tmp_path, capsys, quick_noise):  # noqa: F811
    _people(world, 10)
    call_command("releases", "private", "--as", world.analyst.username, "--year", str(YEAR), "--by", "age_group",
                 "--epsilon", "0.5")
    assert f"Budget left for {YEAR}: 1.5 of 2" in capsys.readouterr().out
    call_command("releases", "budgets", "--as", world.monitor.username)
    assert f"{YEAR}: 1.5 of 2 left, 1 releases" in capsys.readouterr().out
    out = tmp_path / "micro.csv"
    call_command("releases", "microdata", "--as", world.analyst.username, "--out", str(out))
    assert out.read_text().splitlines()[0] == ",".join(COLUMNS) and (out.stat().st_mode & 0o777) == 0o600
    with pytest.raises(CommandError, match="already exists"):
        call_command("releases", "microdata", "--as", world.analyst.username, "--out", str(out))
    with pytest.raises(CommandError, match="Only analysts"):
        call_command("releases", "microdata", "--as", world.monitor.username, "--out", str(tmp_path / "m2.csv"))
    report = tmp_path / "report.json"
    call_command("releases", "monitoring", "--as", world.monitor.username, "--out", str(report))
    assert json.loads(report.read_text())["cases"] == 10
