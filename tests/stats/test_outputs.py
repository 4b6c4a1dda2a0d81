"""The release's files: the same records give the same bytes, the manifest checks them, every
spreadsheet cell is neutralised, charts are accessible and safe under the CSP, and no published
file gives a suppressed count."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import pytest
from odf.opendocument import load as load_ods
from odf.table import Table
from openpyxl import load_workbook

from palermo.stats import outputs
from palermo.stats.charts import charts
from palermo.stats.disclosure import MARKER
from palermo.stats.periods import Period
from palermo.stats.release import UNSUPPRESSED_VIEW, release_build

from .records import ORGANISATIONS, referral, snapshot

D = dt.date
YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))


def records():
    refs = [referral(i, D(2023, 1, 1) + dt.timedelta(days=3 * i), nationality=("VNM" if i % 3 else "ALB"),
                     age="child" if i % 7 == 0 else "adult", gender="male" if i % 2 else "female",
                     responder="SALV" if i % 5 == 0 else "MET") for i in range(1, 90)]
    types = [(i, "labour" if i % 4 else "sexual") for i in range(1, 90)]
    decisions = [(i, "reasonable_grounds", "positive" if i % 6 else "negative", D(2023, 1, 5) + dt.timedelta(days=3 * i))
                 for i in range(1, 60)]
    return refs, types, decisions


def build(view="published", orgs=None):
    refs, types, decisions = records()
    if orgs is not None:
        ORGANISATIONS[:] = orgs
    return release_build(snapshot=snapshot(refs, types=types, decisions=decisions), period=YEAR, view=view)


@pytest.fixture(scope="module")
def release():
    return build()


@pytest.fixture(scope="module")
def files(release):
    return outputs.release_files(release)


def test_the_same_records_give_byte_identical_files_and_manifest(files, tmp_path):
    again = build()
    second = outputs.release_files(again)
    assert list(files) == list(second)
    for path in files:
        assert files[path] == second[path], path
    a = outputs.write_release(build(), tmp_path / "a")
    b = outputs.write_release(again, tmp_path / "b")
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    assert a == b


def test_workbooks_carry_the_periods_last_day_not_the_time_of_writing(files):
    for name in ("nrm-statistics.ods", "nrm-statistics.xlsx"):
        with zipfile.ZipFile(io.BytesIO(files[name])) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            text = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
            assert b"2023-12-31T00:00:00" in text
            assert dt.date.today().isoformat().encode() not in text


def test_manifest_gives_period_rows_audit_head_versions_and_digests(release, files, tmp_path):
    data = outputs.write_release(release, tmp_path)
    assert data["period"] == {"from": "2023-01-01", "to": "2023-12-31",
                              "quarters": ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]}
    assert data["audit_chain_head"] == {"seq": 7, "hash": "ab" * 32}
    assert {"palermo", "duckdb", "matplotlib", "odfpy", "openpyxl", "python"} <= set(data["software"])
    assert data["tables"][0]["rows"] == len(release.tables[0].cells)
    for f in data["files"]:
        assert hashlib.sha256((tmp_path / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert outputs.verify_release(tmp_path) == []
    (tmp_path / "csv" / outputs.csv_name(release.tables[0])).write_text("Quarter,NRM referrals\nTotal,1\n")
    assert outputs.verify_release(tmp_path) == [f"csv/{outputs.csv_name(release.tables[0])}: its SHA-256 differs "
                                                "from the manifest"]


def test_the_unsuppressed_view_is_never_written():
    with pytest.raises(ValueError):
        outputs.release_files(build(view=UNSUPPRESSED_VIEW))


def test_no_published_file_gives_a_suppressed_count(release, files):
    suppressed = [(t, key, c) for t in release.tables for key, c in t.cells.items() if c.suppressed]
    assert suppressed, "the record set should need suppression"
    for t in release.tables:
        rows = list(csv.reader(io.StringIO(files[f"csv/{outputs.csv_name(t)}"].decode())))
        body = rows[1:]
        by_labels = {tuple(r[:-1]): r[-1] for r in body}
        for key, cell in t.cells.items():
            value = by_labels[tuple(t.label(d, v) for d, v in zip(t.definition.dimensions, key, strict=True))]
            assert value == (MARKER if cell.suppressed else str(cell.shown)), (t.id, key)
    data = json.loads(json.dumps(outputs.manifest(release, files)))
    assert data["disclosure_control"]["cells_suppressed"] == len(suppressed)


def test_workbooks_hold_every_table_and_neutralise_formulas():
    evil = [("MET", "=HYPERLINK(\"http://x\")", "police_force"), *ORGANISATIONS[1:]]
    saved = list(ORGANISATIONS)
    try:
        release = build(orgs=evil)
    finally:
        ORGANISATIONS[:] = saved
    files = outputs.release_files(release)
    wb = load_workbook(io.BytesIO(files["nrm-statistics.xlsx"]))
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Table_1"] and len(wb.sheetnames) == 2 + len(release.tables) + 1
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v.startswith("=")]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    ods = load_ods(io.BytesIO(files["nrm-statistics.ods"]))
    assert len(ods.spreadsheet.getElementsByType(Table)) == len(wb.sheetnames)
    text = files["nrm-statistics.ods"]
    with zipfile.ZipFile(io.BytesIO(text)) as z:
        content = z.read("content.xml").decode()
    assert "&apos;=HYPERLINK" in content or "'=HYPERLINK" in content
    table = release.table("referrals_first_responder")
    assert "'=HYPERLINK" in files[f"csv/{outputs.csv_name(table)}"].decode()


def test_charts_are_svg_with_title_and_description_and_no_inline_style(release):
    drawn = charts(release)
    assert [c.id for c in drawn] == ["chart-quarter", "chart-exploitation", "chart-nationality"]
    for c in drawn:
        assert f'<title id="{c.id}-title">' in c.svg and f'<desc id="{c.id}-desc">' in c.svg
        assert 'role="img"' in c.svg
        assert not re.search(r"\sstyle=", c.svg) and "<style" not in c.svg and "<script" not in c.svg
        ids = re.findall(r'\bid="([^"]+)"', c.svg)
        assert all(i.startswith(c.id) for i in ids)
    q = drawn[0]
    assert "2023 Q1: adults" in q.svg  # every figure is in the description too
    # patterns, not colour alone: the second series is hatched
    assert 'hatch' in q.svg.lower() or "<pattern" in q.svg


def test_bulletin_has_key_results_charts_and_accessible_tables(files, release):
    page = files["index.html"].decode()
    assert '<html lang="en">' in page and "Key results" in page
    total = release.table("referrals_quarter_age_gender").total().shown
    assert f"first responders referred {total} potential victims" in page
    assert page.count("<caption") == len(release.tables) + 1
    assert 'scope="col"' in page and 'scope="row"' in page
    assert "<script" not in page and not re.search(r"\sstyle=", page)
    assert page.count('app-stats-rule"') == len(release.tables) + 1  # a counting rule beside every table
