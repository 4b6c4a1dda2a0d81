"""Standalone file mode: a people CSV in, a clusters CSV out.

Used to deduplicate one agency's list or to merge two agencies' lists (concatenate them with
distinct ``record_id`` values and a ``source`` column). The input is checked completely before
anything is linked: every problem is reported with its line and column, and no output file is
written, so a half-written clusters file can never be mistaken for a result.

Input columns: ``record_id, given_name, family_name, date_of_birth, gender, nationality,
recorded_on, source`` (extra columns are ignored). Dates are ``YYYY-MM-DD`` or empty.
Output columns: ``record_id, cluster_id, match_probability``. Output cells are formula-safe
(``palermo.core.spreadsheet``): an id such as ``=cmd|…`` is written as ``'=cmd|…``.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from palermo.core.spreadsheet import safe_writer
from palermo.linkage.backends import check_backend
from palermo.linkage.cleaning import BadDate, parse_dob
from palermo.linkage.clustering import ASSIGN_THRESHOLD
from palermo.linkage.linking import DEFAULT_THRESHOLD, LinkResult, link_records

REQUIRED_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "recorded_on",
    "source",
)
_DATE_COLUMNS = ("date_of_birth", "recorded_on")
_MAX_REPORTED = 20


class InputFileError(ValueError):
    """The input file cannot be linked; ``problems`` lists each one with line and column."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        shown = problems[:_MAX_REPORTED]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s), nothing was written:\n  " + "\n  ".join(shown) + more
        )


def read_people_csv(*, path: Path) -> list[dict]:
    """Read and check a people CSV; return its rows as dicts.

    Raises :class:`InputFileError` listing missing columns, empty or repeated record ids and
    malformed dates, each as ``line N, column C: …`` (line 1 is the header).
    """
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(path, [f"cannot open the file: {exc.strerror}"]) from None
    with fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputFileError(path, [f"line 1: missing column(s): {', '.join(missing)}"])
        problems: list[str] = []
        seen: dict[str, int] = {}
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(f"line {line}: more values than columns in the header")
            rid = (row.get("record_id") or "").strip()
            if not rid:
                problems.append(f"line {line}, column record_id: empty record id")
            elif rid in seen:
                problems.append(f"line {line}, column record_id: {rid!r} already used on line {seen[rid]}")
            else:
                seen[rid] = line
            for col in _DATE_COLUMNS:
                value = row.get(col)
                if value is None:
                    problems.append(f"line {line}, column {col}: missing value (fewer values than columns)")
                    continue
                try:
                    parse_dob(value)
                except BadDate as exc:
                    problems.append(f"line {line}, column {col}: {exc}")
            row["record_id"] = rid
            rows.append(row)
    if problems:
        raise InputFileError(path, problems)
    return rows


@contextmanager
def _atomic_csv(path: Path):
    """Write a CSV next to ``path`` and move it into place only if writing succeeded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            yield safe_writer(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_table(table: pa.Table, path: Path) -> None:
    with _atomic_csv(path) as writer:
        writer.writerow(table.column_names)
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        for row in zip(*columns, strict=True):
            writer.writerow(f"{v:.6f}" if isinstance(v, float) else v for v in row)


def link_file(
    *,
    input_path: Path,
    output_path: Path,
    pairs_path: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    pairs_threshold: float = 0.5,
    model_path: Path | None = None,
    backend: str = "duckdb",
    progress: Callable[[str], None] = lambda _: None,
    assign_threshold: float | None = ASSIGN_THRESHOLD,
    classifier_path: Path | None = None,
) -> LinkResult:
    """Link the people in ``input_path`` and write clusters (and optionally scored pairs).

    ``assign_threshold`` places records without a full date of birth (see
    :func:`palermo.linkage.clustering.assign_dateless`; None: off). ``classifier_path`` re-scores
    the candidate pairs with a pair classifier (:mod:`palermo.linkage.classifier`). Nothing is written when the input has a problem (:class:`InputFileError`) or linking fails.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"the threshold must be above 0 and at most 1, not {threshold}")
    check_backend(name=backend)
    rows = read_people_csv(path=input_path)
    progress(f"Read {len(rows):,} records from {input_path}")
    result = link_records(
        records=rows,
        model=model_path,
        threshold=threshold,
        pairs_threshold=pairs_threshold if pairs_path else None,
        backend=backend,
        progress=progress,
        assign_threshold=assign_threshold,
        classifier=classifier_path,
    )
    _write_table(result.clusters, output_path)
    progress(
        f"Wrote {result.clusters.num_rows:,} records in {result.stats['clusters']:,} clusters to {output_path}"
    )
    if pairs_path and result.pairs is not None:
        _write_table(result.pairs, pairs_path)
        progress(
            f"Wrote {result.pairs.num_rows:,} scored pairs at or above {pairs_threshold} to {pairs_path}"
        )
    return result
