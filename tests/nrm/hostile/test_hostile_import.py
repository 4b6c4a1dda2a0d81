"""The hostile-input corpus: every file that is wrong in some way is refused with errors that
name the row (the header is row 1) and the column, and nothing at all is written (every table
is counted before and after); the refusal itself is audited, with codes and counts only.
Files that spreadsheets write (a byte order mark, CRLF or mixed line endings, line breaks inside
a quoted cell) are read exactly."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from palermo.core.models import AuditEvent
from palermo.nrm.importer import import_referrals
from palermo.nrm.models import Referral
from palermo.people.models import Person
from tests.nrm.hostile.helpers import CORPUS, assert_only_a_failure_was_audited, table_counts
from tests.nrm.hostile.make_corpus import GOOD, HEADER, MULTILINE, good, line, text

pytestmark = pytest.mark.django_db

FILE = None  # a problem with the whole file, not one row
ROW = None  # a problem with the whole row, not one column

REFUSED = {
    "latin1.csv": [(3, "family_name", "not UTF-8")],
    "utf16.csv": [(FILE, ROW, "UTF-16")],
    "utf16_no_bom.csv": [(1, ROW, "UTF-16")],
    "empty.csv": [(FILE, ROW, "empty")],
    "header_only.csv": [(FILE, ROW, "no referrals")],
    "missing_column.csv": [(1, "consent", "missing")],
    "unknown_column.csv": [(1, "colour", "not a column")],
    "repeated_column.csv": [(1, "family_name", "more than once")],
    "extra_fields.csv": [(3, ROW, "11 values but the header has 9 columns")],
    "short_row.csv": [(3, ROW, "5 values but the header has 9 columns")],
    "unknown_codes.csv": [(2, "nation", "atlantis"), (3, "exploitation_types", "juggling"), (4, "under_18", "maybe"),
                          (5, "consent", "perhaps")],
    "impossible_dates.csv": [
        (2, "received_on", "29 February 2023 is not a real date"),
        (3, "date_of_birth", "31 February 1990 is not a real date"),
        (4, "date_of_birth", "month 13"),
        (5, "received_on", "YYYY-MM-DD"),
        (6, "date_of_birth", "31 April 1990 is not a real date"),
    ],
    "future_dates.csv": [(2, "received_on", "today or in the past"), (3, "date_of_birth", "before the date")],
    "formula_names.csv": [(2, "given_name", "only include letters"), (3, "family_name", "only include letters"),
                          (4, "family_name", "only include letters"), (5, "given_name", "only include letters"),
                          (6, "given_name", "only include letters"), (7, "family_name", "only include letters")],
    "nul_bytes.csv": [(2, "given_name", "U+0000"), (3, "narrative", "U+0000")],
    "control_characters.csv": [(2, "given_name", "U+001B"), (3, "family_name", "U+202E"), (4, "given_name", "U+000A")],
    "repeated_header.csv": [(3, ROW, "header row")],
    "identical_rows.csv": [(4, ROW, "the same as row 2")],
    "same_person_twice.csv": [(3, ROW, "same person as row 2")],
    "unclosed_quote.csv": [(3, ROW, "quote")],
    "bad_quote.csv": [(3, ROW, "quote")],
    "binary_garbage.csv": [(1, ROW, "CSV UTF-8")],
    "spreadsheet.csv": [(FILE, ROW, "spreadsheet file")],
}


def found(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


def assert_refused(world, path, expected, *, reason=None):
    """Import ``path``; every expected (row, column, words) is reported; nothing is written."""
    before, audit_ids = table_counts(), set(AuditEvent.objects.values_list("pk", flat=True))
    result = import_referrals(actor=world.responder, path=path)
    assert result.written == 0
    errors = found(result)
    for row, column, words in expected:
        assert any(r == row and c == column and words in m for r, c, m in errors), (row, column, words, errors)
    assert table_counts() == before
    detail = assert_only_a_failure_was_audited(audit_ids, reason=reason)
    assert detail["errors"] == result.error_count >= len(expected)
    return result


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_hostile_file_is_refused_with_row_level_errors_and_nothing_is_written(world, name):
    assert_refused(world, CORPUS / name, REFUSED[name])


def test_a_file_of_rows_that_are_all_bad_in_one_way_reports_every_row(world):
    """Errors are not cut short at the first bad row: a latin-1 file names each row affected."""
    result = assert_refused(world, CORPUS / "latin1.csv", REFUSED["latin1.csv"], reason="invalid_rows")
    assert result.rows == 2 and result.invalid_rows == 1


def test_a_ten_megabyte_field_is_refused_without_reading_it_whole(world, tmp_path):
    path = tmp_path / "big-field.csv"
    path.write_text(text(good(), good(narrative="x" * 10_000_000)), encoding="utf-8")
    assert_refused(world, path, [(3, ROW, "100,000 characters")], reason="unreadable")


def test_a_two_megabyte_aliases_value_is_refused(world, tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text(text(good() + [""], good() + ["A" * 2_000_000], header=[*HEADER, "aliases"]), encoding="utf-8")
    assert_refused(world, path, [(3, ROW, "100,000 characters")], reason="unreadable")


def test_a_million_column_line_is_refused(world, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(text(good()) + "," * 1_000_000 + "\n", encoding="utf-8")
    assert_refused(world, path, [(3, ROW, "100,000 characters")])


def test_a_row_with_thousands_of_values_is_refused(world, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(text(good(), good() + [""] * 4991), encoding="utf-8")
    assert_refused(world, path, [(3, ROW, "5,000 values but the header has 9 columns")])


def test_values_longer_than_their_limit_are_refused(world, tmp_path):
    header = [*HEADER, "aliases", "contact_details", "languages"]
    path = tmp_path / "long.csv"
    path.write_text(text(
        good(narrative="n" * 20_001) + ["", "", ""],
        good(given_name="G" * 201) + ["", "", ""],
        good() + [";".join(f"Alias{'abcdefghijklmnopqrstuvwxyz'[i]}" for i in range(21)), "", ""],
        good() + ["A" * 201, "", ""],
        good() + ["", "c" * 2_001, ""],
        good() + ["", "", "L" * 101],
        header=header,
    ), encoding="utf-8")
    assert_refused(world, path, [
        (2, "narrative", "20,000 characters or fewer"),
        (3, "given_name", "200 characters or fewer"),
        (4, "aliases", "20 or fewer"),
        (5, "aliases", "200 characters or fewer"),
        (6, "contact_details", "2,000 characters or fewer"),
        (7, "languages", "100 characters or fewer"),
    ])


def test_the_longest_valid_row_is_well_within_the_row_limit(world, tmp_path):
    """Every value at its maximum, quotes doubled by the CSV quoting: still accepted, so the
    100,000-character row limit never refuses real data."""
    header = [*HEADER, "aliases", "contact_details", "languages", "nationalities"]
    path = tmp_path / "longest.csv"
    aliases = ";".join(("Aliasname" + "abcdefghijklmnopqrstuvwxyz"[i]) * 20 for i in range(20))
    path.write_text(text(
        good(narrative='"' * 20_000, given_name="G" * 200, family_name="F" * 200)
        + [aliases, '"' * 2_000, ";".join(["Tigrinya"] * 10), ";".join(["ERI"] * 10)],
        header=header,
    ), encoding="utf-8")
    assert 45_000 < len(path.read_text(encoding="utf-8")) < 100_000
    result = import_referrals(actor=world.responder, path=path)
    assert result.errors == [] and result.written == 1
    assert Referral.objects.get().narrative == '"' * 20_000


def test_a_file_that_was_imported_already_is_refused(world, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(text(good()), encoding="utf-8")
    assert import_referrals(actor=world.responder, path=path).written == 1
    copy = tmp_path / "same-again.csv"
    copy.write_bytes(path.read_bytes())
    assert_refused(world, copy, [(FILE, ROW, "already imported")], reason="already_imported")


def test_a_file_that_changes_between_the_check_and_the_write_is_refused(world, tmp_path):
    """The write pass must read the very bytes the check read (SHA-256), or nothing is written."""
    path = tmp_path / "changing.csv"
    path.write_text(text(good(), good(family_name="Other")), encoding="utf-8")

    def change_the_file(stage, done, total):
        if stage == "checking" and done == total:  # the check has read every byte
            path.write_text(text(good(), good(family_name="Other", nation="wales")), encoding="utf-8")

    before, audit_ids = table_counts(), set(AuditEvent.objects.values_list("pk", flat=True))
    result = import_referrals(actor=world.responder, path=path, progress=change_the_file)
    assert result.written == 0 and any("changed while it was being imported" in e.message for e in result.errors)
    assert table_counts() == before
    assert_only_a_failure_was_audited(audit_ids, reason="file_changed")


def test_a_folder_is_refused_as_not_a_file(world, tmp_path):
    before = table_counts()
    result = import_referrals(actor=world.responder, path=tmp_path)
    assert result.refused == "not_a_file" and result.written == 0 and table_counts() == before


# --- what spreadsheets write is read exactly ------------------------------------------------


def test_a_byte_order_mark_and_crlf_line_endings_are_read_correctly(world):
    result = import_referrals(actor=world.responder, path=CORPUS / "bom_crlf.csv")
    assert result.errors == [] and result.written == 2
    people = Person.objects.order_by("id")
    assert [(p.given_name, p.family_name) for p in people] == [("Ilsabet", "Marrowgate"), ("Ilsabet", "Quillfeather")]


def test_mixed_line_endings_are_read_as_one_row_each(world):
    result = import_referrals(actor=world.responder, path=CORPUS / "mixed_line_endings.csv")
    assert result.errors == [] and result.written == 4
    assert sorted(p.family_name for p in Person.objects.all()) == ["Ashdown", "Marrowgate", "Quillfeather", "Thornbury"]


def test_line_breaks_and_unicode_separators_inside_cells_are_stored_byte_for_byte(world):
    """A narrative keeps its CRLF, LF and CR line breaks, U+2028, U+0085 and U+2029, and a
    formula-like narrative is data: stored as written. No hidden extra referral appears."""
    result = import_referrals(actor=world.responder, path=CORPUS / "multiline_cells.csv")
    assert result.errors == [] and result.written == len(MULTILINE) == Referral.objects.count()
    stored = {r.person.family_name: r.narrative for r in Referral.objects.select_related("person")}
    for i, narrative in enumerate(MULTILINE):
        assert stored[f"Row{'abcd'[i]}"].encode("utf-8") == narrative.encode("utf-8")


@pytest.mark.parametrize("given,family", [
    ("Nguyễn Thị", "Minh Khai"),
    ("فاطمة", "الزهراء"),
    ("Ольга", "Петрова-Сидорова"),
    ("秀英", "王"),
    ("Siobhán", "O'Brien-Ní Dhuibhir"),
    ("Zoë Anne", "d’Arcy St. John"),
])
def test_names_in_every_script_with_hyphens_and_apostrophes_are_stored_as_written(world, tmp_path, given, family):
    path = tmp_path / "names.csv"
    path.write_text(text(good(given_name=given, family_name=family)), encoding="utf-8")
    result = import_referrals(actor=world.responder, path=path)
    assert result.errors == [] and result.written == 1
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == (given, family)


# --- --skip-invalid and its rejects file ----------------------------------------------------


def test_the_rejects_file_is_private_neutralises_formulas_and_is_never_overwritten(world, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(text(good(), good(given_name="=HYPERLINK(\"http://example.invalid\",\"x\")", narrative="=1+1"),
                         good(family_name="Third")), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    result = import_referrals(actor=world.responder, path=path, skip_invalid=True, rejects_path=rejects)
    assert result.written == 2 and result.rejected == 1
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    with rejects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and rows[0]["row"] == "3" and "given_name" in rows[0]["errors"]
    assert rows[0]["given_name"] == "'=HYPERLINK(\"http://example.invalid\",\"x\")"
    assert rows[0]["narrative"] == "'=1+1"

    before, audit_ids = table_counts(), set(AuditEvent.objects.values_list("pk", flat=True))
    again = tmp_path / "mixed-again.csv"
    again.write_text(text(good(family_name="Fourth"), good(given_name="=1+1")), encoding="utf-8")
    kept = rejects.read_bytes()
    result = import_referrals(actor=world.responder, path=again, skip_invalid=True, rejects_path=rejects)
    assert result.written == 0 and any("already exists" in e.message for e in result.errors)
    assert rejects.read_bytes() == kept and table_counts() == before
    assert_only_a_failure_was_audited(audit_ids, reason="rejects_file_exists")


def test_skip_invalid_rejects_duplicates_after_the_first_and_writes_the_rest(world, tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text(text(good(), good(family_name="Other"), good(), good(family_name="Other")), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    result = import_referrals(actor=world.responder, path=path, skip_invalid=True, rejects_path=rejects)
    assert result.written == 2 and result.rejected == 2
    with rejects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], "same as row" in r["errors"]) for r in rows] == [("4", True), ("5", True)]


def test_no_rejects_file_is_left_when_no_row_is_rejected(world, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(text(good()), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    result = import_referrals(actor=world.responder, path=path, skip_invalid=True, rejects_path=rejects)
    assert result.written == 1 and not rejects.exists()


def test_the_command_says_the_rejects_file_holds_personal_data(world, tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(text(good(), good(nation="atlantis")), encoding="utf-8")
    call_command("import", "referrals", str(path), "--as", world.responder.username, "--skip-invalid", "--no-progress")
    out = capsys.readouterr().out
    assert "Imported 1 of 2" in out and "personal data" in out and "delete it" in out


def test_the_command_reports_a_latin1_file_row_by_row(world, capsys):
    with pytest.raises(CommandError, match="1 error in 2 rows: nothing was written"):
        call_command("import", "referrals", str(CORPUS / "latin1.csv"), "--as", world.responder.username, "--no-progress")
    assert "row 3, column family_name" in capsys.readouterr().err


def test_the_command_refuses_something_that_is_not_a_regular_file(world, tmp_path):
    with pytest.raises(CommandError, match="not a file"):
        call_command("import", "referrals", str(tmp_path), "--as", world.responder.username, "--no-progress")


def test_the_corpus_good_row_is_valid(world, tmp_path):
    """The corpus's rows differ from a valid row only in what each file is about."""
    path = tmp_path / "good.csv"
    path.write_text(text(good()), encoding="utf-8")
    assert import_referrals(actor=world.responder, path=path).errors == []
    assert dt.date.fromisoformat(GOOD[0]) < dt.date.today() and line(GOOD).count(",") == len(HEADER) - 1
