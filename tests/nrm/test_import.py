"""CSV import: validate every row first; one bad row means nothing is written."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.nrm.importer import ALL_COLUMNS, import_referrals
from palermo.nrm.models import Case, DutyToNotify, Referral
from palermo.people.models import Person

pytestmark = pytest.mark.django_db


def row(**kw):
    base = {
        "received_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(), "nation": "england",
        "police_force_area": "metropolitan", "exploitation_location": "uk", "exploitation_types": "labour;criminal",
        "indicators": "debt_bondage", "age_at_exploitation": "adult", "under_18": "no", "consent": "given",
        "given_name": "Ilsabet", "family_name": "Marrowgate", "date_of_birth": "1990-02-03", "gender": "female",
        "nationalities": "ALB", "interpreter_needed": "yes",
    }
    base.update(kw)
    return base


def write(path, rows, columns=None):
    cols = columns or ALL_COLUMNS
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def test_valid_file_imports_every_row(world, tmp_path):
    f = write(tmp_path / "ok.csv", [row(), row(family_name="Other"), row(consent="refused", anonymous="yes", given_name="", family_name="")])
    result = import_referrals(actor=world.responder, path=f)
    assert result.errors == [] and result.written == 3
    assert Case.objects.count() == 2 and DutyToNotify.objects.count() == 1
    assert Referral.objects.first().exploitation_types  # child rows written
    assert AuditEvent.objects.filter(action="referral.import").exists()


def test_one_bad_row_means_nothing_is_written_and_errors_name_row_and_column(world, tmp_path):
    f = write(tmp_path / "bad.csv", [row(), row(nation="atlantis"), row(date_of_birth="1990-13-45"), row()])
    result = import_referrals(actor=world.responder, path=f)
    assert result.written == 0
    where = {(e.row, e.column) for e in result.errors}
    assert (3, "nation") in where and (4, "date_of_birth") in where
    assert Referral.objects.count() == 0 and Person.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["referral.import_failed"]


def test_rule_errors_are_reported_per_row(world, tmp_path):
    f = write(tmp_path / "rules.csv", [row(under_18="yes", consent="not_required"), row(exploitation_types="juggling")])
    result = import_referrals(actor=world.responder, path=f)
    where = {(e.row, e.column) for e in result.errors}
    assert (2, "local_authority") in where and (3, "exploitation_types") in where
    assert Referral.objects.count() == 0


def test_missing_or_unknown_columns_are_refused(world, tmp_path):
    f = write(tmp_path / "cols.csv", [row()], columns=["received_on", "nation", "colour"])
    result = import_referrals(actor=world.responder, path=f)
    messages = " ".join(str(e) for e in result.errors)
    assert "required column is missing" in messages and "colour" in messages
    assert Referral.objects.count() == 0


def test_skip_invalid_writes_valid_rows_and_a_rejects_file(world, tmp_path):
    f = write(tmp_path / "mixed.csv", [row(), row(nation="atlantis"), row(family_name="Third")])
    rejects = tmp_path / "rejects.csv"
    result = import_referrals(actor=world.responder, path=f, skip_invalid=True, rejects_path=rejects)
    assert result.written == 2 and result.rejected == 1
    rejected = list(csv.DictReader(rejects.open()))
    assert len(rejected) == 1 and rejected[0]["row"] == "3" and "nation" in rejected[0]["errors"]


def test_import_command_refuses_a_bad_file_and_reports(world, tmp_path, capsys):
    f = write(tmp_path / "bad.csv", [row(), row(nation="atlantis")])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "referrals", str(f), "--as", world.responder.username, "--no-progress")
    assert "row 3, column nation" in capsys.readouterr().err
    assert Referral.objects.count() == 0


def test_import_command_writes_a_good_file(world, tmp_path, capsys):
    f = write(tmp_path / "ok.csv", [row(), row(family_name="Other")])
    call_command("import", "referrals", str(f), "--as", world.responder.username)
    out = capsys.readouterr().out
    assert "Imported 2 of 2" in out
    assert "run `palermo link run`" in out  # the bulk path scores no one row by row


def test_import_command_writes_in_batches_of_the_size_asked_and_refuses_a_batch_of_none(world, tmp_path, capsys):
    f = write(tmp_path / "ok.csv", [row(), row(family_name="Other"), row(family_name="Third")])
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("import", "referrals", str(f), "--as", world.responder.username, "--batch-size", "0")
    assert Referral.objects.count() == 0
    call_command("import", "referrals", str(f), "--as", world.responder.username, "--batch-size", "2")
    err = capsys.readouterr().err
    assert "Writing: 2 of 3 referrals" in err and "Writing: 3 of 3 referrals" in err  # a batch of 2, then the rest
    assert Referral.objects.count() == 3


def test_only_first_responders_import(world, tmp_path):
    f = write(tmp_path / "ok.csv", [row()])
    with pytest.raises(CommandError, match="first responders"):
        call_command("import", "referrals", str(f), "--as", world.analyst.username, "--no-progress")


def test_export_command_writes_scoped_csv(world, tmp_path):
    world.case()
    world.case(actor=world.responder_other)
    out = tmp_path / "cases.csv"
    call_command("export", "cases", "--as", world.responder.username, "--output", str(out))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["person_reference"].startswith("P-")
