"""The files of a release: the HTML bulletin with its charts, the tables as ODS, XLSX and CSV, and a
manifest that lets anyone check them.

Every spreadsheet cell goes through :mod:`palermo.core.spreadsheet` (formula neutralising), and the
same counts always give the same bytes: no file holds the time it was written (dates inside the
workbooks are the period's last day), charts have no date and fixed ids, and files are written in
a fixed order. The manifest gives the period, each table's row count, the sealed audit chain's head
when the records were read (which state of the database was counted), the software versions
(which can change the bytes) and the SHA-256 of every file; it holds no time either, so running
the release again on the same records gives the same manifest too, unless the audit chain has
moved on (the files are still the same, and their digests show it).

Only the published view is ever written to a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from django.template.loader import render_to_string

from palermo.core.spreadsheet import ods_bytes, safe_writer, xlsx_bytes
from palermo.stats.charts import Chart, charts
from palermo.stats.definitions import DIMENSIONS, POPULATIONS, SUMMARY, TOTAL_LABEL
from palermo.stats.disclosure import MARKER
from palermo.stats.findings import key_results
from palermo.stats.layout import column_headings, grid, shown
from palermo.stats.release import PUBLISHED_VIEW, Release, TableRelease

TITLE = "National Referral Mechanism statistics"
WORKBOOK = "nrm-statistics"
SOFTWARE = ("palermo", "duckdb", "numpy", "matplotlib", "odfpy", "openpyxl", "Django")


def _fixed_time(release: Release) -> dt.datetime:
    return dt.datetime.combine(release.period.end, dt.time(0, 0))


def _check_published(release: Release) -> None:
    if release.view != PUBLISHED_VIEW:
        raise ValueError("only the published view of a release is ever written to a file")


def _notes(release: Release) -> list[str]:
    notes = [f"{MARKER}: withheld to protect confidentiality. Counts from 1 to {release.threshold - 1} are withheld, "
             "and so is any other figure that would give one back by addition or subtraction, in this table or "
             "another table of the release."]
    if release.rounding:
        notes.append(f"Published counts are rounded to the nearest {release.rounding}; totals are rounded on their own, "
                     "so parts may not add up to the total.")
    return notes


def sheet_rows(table: TableRelease, release: Release) -> list[list]:
    """One table as a sheet: title, period, counting rule and notes above a one-row header, with
    a label column for each dimension down the side (GSS guidance on spreadsheets)."""
    g = grid(table)
    d = table.definition
    rows: list[list] = [[f"Table {table.number}: {d.title}"],
                        [f"Period: {release.period.label}"],
                        [f"Counting rule: {d.counting_rule}"]]
    rows += [[DIMENSIONS[dim].not_specified] for dim in d.dimensions if DIMENSIONS[dim].not_specified]
    rows += [[n] for n in _notes(release)]
    rows.append([*g.row_headers, *column_headings(g)])
    for row in g.rows:
        rows.append([*(lab or TOTAL_LABEL for lab in row.labels), *(shown(c) for c in row.cells)])
    return rows


def summary_rows(release: Release) -> list[list]:
    rows: list[list] = [[f"Table {len(release.tables) + 1}: {SUMMARY.title}"], [f"Period: {release.period.label}"],
                        [f"Counting rule: {SUMMARY.counting_rule}"], *[[n] for n in _notes(release)],
                        ["Time measured", "Unit", *[label for _, label in SUMMARY.columns]]]
    for s in release.summary:
        figures = [MARKER] * 3 if s.withheld else [round(q, 1) for q in s.quartiles]
        rows.append([s.label, s.unit, shown(s.decisions), *figures])
    return rows


def workbook_sheets(release: Release) -> list[tuple[str, list[list]]]:
    """Cover, contents and one sheet per table."""
    _check_published(release)
    cover = [[f"{TITLE}: {release.period.label}"],
             ["Counts of NRM referrals, Duty to Notify reports and decisions, from Palermo's records."],
             [f"Period: {release.period.label} (quarters {', '.join(q.code for q in release.period.quarters)})"],
             [f"Suppression threshold: {release.threshold} ({release.threshold_version})"],
             [f"Decision-time bands: {release.bands_version}"],
             *[[n] for n in _notes(release)],
             ["Each table gives its counting rule above it. The manifest published with these files gives the SHA-256 "
              "of every file and the state of the records counted."]]
    contents = [["Contents"], ["Sheet", "Table"]]
    contents += [[f"Table_{t.number}", t.definition.title] for t in release.tables]
    contents.append([f"Table_{len(release.tables) + 1}", SUMMARY.title])
    sheets = [("Cover", cover), ("Contents", contents)]
    sheets += [(f"Table_{t.number}", sheet_rows(t, release)) for t in release.tables]
    sheets.append((f"Table_{len(release.tables) + 1}", summary_rows(release)))
    return sheets


def table_csv(table: TableRelease) -> bytes:
    """One table in long form: a column per dimension ('Total' for a margin) and the count."""
    d = table.definition
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    w.writerow([DIMENSIONS[dim].label for dim in d.dimensions] + [POPULATIONS[d.population].label])
    for key, cell in table.cells.items():
        w.writerow([table.label(dim, v) for dim, v in zip(d.dimensions, key, strict=True)] + [shown(cell)])
    return buf.getvalue().encode("utf-8")


def summary_csv(release: Release) -> bytes:
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    for row in summary_rows(release)[-(len(release.summary) + 1):]:
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


def ods(release: Release) -> bytes:
    return ods_bytes(workbook_sheets(release), fixed=_fixed_time(release), title=f"{TITLE}: {release.period.label}")


def xlsx(release: Release) -> bytes:
    return xlsx_bytes(workbook_sheets(release), fixed=_fixed_time(release), title=f"{TITLE}: {release.period.label}")


def csv_name(table: TableRelease) -> str:
    return f"table-{table.number:02d}-{table.id}.csv"


def summary_csv_name(release: Release) -> str:
    return f"table-{len(release.tables) + 1:02d}-{SUMMARY.id}.csv"


def bulletin_html(release: Release, drawn: list[Chart]) -> str:
    urls = {t.id: f"csv/{csv_name(t)}" for t in release.tables}
    context = page_context(release, drawn, csv_urls=urls) | {"summary_csv_url": f"csv/{summary_csv_name(release)}"}
    return render_to_string("stats/bulletin.html", context)


def page_context(release: Release, drawn: list[Chart], *, csv_urls: dict[str, str] | None = None) -> dict:
    """What the bulletin and the statistics pages show."""
    grids = [grid(t) for t in release.tables]
    for g in grids:
        g.csv_url = (csv_urls or {}).get(g.table.id, "")
    return {
        "title": TITLE, "release": release, "period": release.period, "key_results": key_results(release),
        "charts": drawn, "grids": grids, "notes": _notes(release), "marker": MARKER,
        "summary": release.summary, "summary_def": SUMMARY, "summary_number": len(release.tables) + 1,
        "dimensions": [DIMENSIONS[d] for d in dict.fromkeys(dim for t in release.tables for dim in t.definition.dimensions)
                       if DIMENSIONS[d].not_specified],
        "unsuppressed": release.unsuppressed,
    }


def software_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in SOFTWARE:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def release_files(release: Release) -> dict[str, bytes]:
    """Every file of the release by its path in the output folder (the manifest excepted)."""
    _check_published(release)
    drawn = charts(release)
    files: dict[str, bytes] = {
        "index.html": bulletin_html(release, drawn).encode("utf-8"),
        "bulletin.css": (Path(__file__).parent / "static_bulletin.css").read_bytes(),
        f"{WORKBOOK}.ods": ods(release),
        f"{WORKBOOK}.xlsx": xlsx(release),
    }
    for c in drawn:
        files[f"charts/{c.id}.svg"] = ('<?xml version="1.0" encoding="utf-8"?>\n' + c.svg).encode("utf-8")
    for t in release.tables:
        files[f"csv/{csv_name(t)}"] = table_csv(t)
    files[f"csv/{summary_csv_name(release)}"] = summary_csv(release)
    return dict(sorted(files.items()))


def manifest(release: Release, files: dict[str, bytes]) -> dict:
    return {
        "title": f"{TITLE}: {release.period.label}",
        "period": {"from": release.period.start.isoformat(), "to": release.period.end.isoformat(),
                   "quarters": [q.code for q in release.period.quarters]},
        "view": release.view,
        "audit_chain_head": release.audit_head,
        "software": software_versions(),
        "parameters": {"stats.suppression_threshold": release.threshold_version,
                       "stats.decision_time_bands": release.bands_version},
        "disclosure_control": {"threshold": release.threshold, "rounding_base": release.rounding, "marker": MARKER,
                               "cells": release.cells_total, "cells_suppressed": release.cells_suppressed},
        "tables": [{"id": t.id, "number": t.number, "title": t.definition.title, "rows": len(t.cells),
                    "suppressed": sum(c.suppressed for c in t.cells.values()), "csv": f"csv/{csv_name(t)}"}
                   for t in release.tables]
                  + [{"id": SUMMARY.id, "number": len(release.tables) + 1, "title": SUMMARY.title,
                      "rows": len(release.summary), "suppressed": sum(s.withheld for s in release.summary),
                      "csv": f"csv/table-{len(release.tables) + 1:02d}-{SUMMARY.id}.csv"}],
        "files": [{"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for path, data in files.items()],
    }


def manifest_bytes(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_release(release: Release, out_dir: Path) -> dict:
    """Write every file and the manifest into ``out_dir`` (created if needed; existing files of the
    same names are replaced, each written under a temporary name first). Returns the manifest."""
    files = release_files(release)
    data = manifest(release, files)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, content in {**files, "manifest.json": manifest_bytes(data)}.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, target)
    return data


def verify_release(out_dir: Path) -> list[str]:
    """Problems found checking a release folder against its manifest (empty when every file is
    there with its digest)."""
    data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    for f in data["files"]:
        path = out_dir / f["path"]
        if not path.exists():
            problems.append(f"{f['path']}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != f["sha256"]:
            problems.append(f"{f['path']}: its SHA-256 differs from the manifest")
    return problems
