"""Every CSV Palermo writes neutralises formulas (palermo.core.spreadsheet): a cell that begins
with = + - @, a tab or a carriage return gets a leading apostrophe, so opening the file in a
spreadsheet never runs a formula. The stored value is left as it was written."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from palermo.nrm.models import Referral
from palermo.synth.people import generate_people, write_people_csv
from tests.security.helpers import Api

pytestmark = pytest.mark.django_db
FORMULA = "=cmd|' /C calc'!A0"


def _hostile_case(world):
    """A case whose free-text-ish columns hold formulas (as old or hand-edited data could)."""
    case = world.case()
    Referral.objects.filter(pk=case.referral_id).update(police_force_area=FORMULA, exploitation_country="@A1")  # the column holds 3 characters
    return case


def test_the_export_command_neutralises_formulas(world, tmp_path):
    _hostile_case(world)
    out = tmp_path / "cases.csv"
    call_command("export", "cases", "--as", world.responder.username, "--output", str(out))
    with out.open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["police_force_area"] == "'" + FORMULA and row["exploitation_country"] == "'@A1"
    assert Referral.objects.get().police_force_area == FORMULA  # stored as written


def test_the_api_export_neutralises_formulas(world):
    _hostile_case(world)
    resp = Api(world.responder).get("/cases.csv")
    assert resp.status_code == 200
    row = next(csv.DictReader(io.StringIO(resp.content.decode())))
    assert row["police_force_area"] == "'" + FORMULA and row["exploitation_country"] == "'@A1"


def test_the_linkage_file_mode_output_neutralises_formulas(tmp_path):
    records = generate_people(n_records=120, seed=5)
    records[0]["record_id"] = FORMULA
    records[1]["record_id"] = "+1+cmd|' /C calc'!A0"
    people, out = tmp_path / "people.csv", tmp_path / "clusters.csv"
    write_people_csv(records=records, path=people)
    call_command("link", "people", "--input", str(people), "--output", str(out), verbosity=0)
    with out.open(newline="", encoding="utf-8") as fh:
        ids = {r["record_id"] for r in csv.DictReader(fh)}
    assert "'" + FORMULA in ids and "'+1+cmd|' /C calc'!A0" in ids
    assert not {i for i in ids if i[:1] in {"=", "+", "-", "@"}}
