"""How a table is laid out on a page or a sheet: the first axis down the side, the second across
(its categories as column groups), the third within each group. Pages, the bulletin and the
spreadsheets all use this one layout, so they always show the same cells."""

from __future__ import annotations

from dataclasses import dataclass

from palermo.stats.definitions import DIMENSIONS, POPULATIONS, TOTAL_LABEL
from palermo.stats.disclosure import MARKER
from palermo.stats.release import Cell, TableRelease


@dataclass
class Row:
    key: tuple  # the first axis's part of the key
    labels: list[str]  # one per dimension of the first axis ('' below the row's level)
    level: int  # 0: the total; 1: a category; 2: a category within one
    cells: list[Cell]

    @property
    def label(self) -> str:
        return next((lab for lab in reversed(self.labels) if lab), TOTAL_LABEL)

    @property
    def is_total(self) -> bool:
        return self.level == 0


@dataclass
class Grid:
    table: TableRelease
    row_headers: list[str]  # a heading per dimension of the first axis
    groups: list[tuple[str, int]]  # column groups: (label, how many columns); empty when none
    columns: list[str]  # a heading per column
    rows: list[Row]
    csv_url: str = ""  # where the page links to this table as CSV

    @property
    def two_header_rows(self) -> bool:
        return len(self.groups) > 0


def _label(table: TableRelease, axis: tuple[str, ...], key: tuple) -> str:
    for dim, value in reversed(list(zip(axis, key, strict=True))):
        if value is not None:
            return table.label(dim, value)
    return TOTAL_LABEL


def grid(table: TableRelease) -> Grid:
    d = table.definition
    axes, keys = d.axes, table.axis_keys
    row_axis = axes[0]
    unit = POPULATIONS[d.population]
    def totals_last(ks: list[tuple]) -> list[tuple]:
        return [k for k in ks if any(v is not None for v in k)] + [k for k in ks if all(v is None for v in k)]

    if len(axes) == 1:
        col_keys: list[tuple] = [()]
        columns = [unit.label]
        groups: list[tuple[str, int]] = []
    elif len(axes) == 2:
        col_keys = [(k,) for k in totals_last(keys[1])]
        columns = [_label(table, axes[1], k) for (k,) in col_keys]
        groups = []
    else:
        group_keys, sub_keys = totals_last(keys[1]), totals_last(keys[2])
        col_keys = [(g, s) for g in group_keys for s in sub_keys]
        columns = [_label(table, axes[2], s) for _ in group_keys for s in sub_keys]
        groups = [(_label(table, axes[1], g), len(sub_keys)) for g in group_keys]
    rows = []
    row_keys = totals_last(keys[0])
    for rk in row_keys:
        level = sum(v is not None for v in rk)
        labels = [table.label(dim, v) if v is not None else "" for dim, v in zip(row_axis, rk, strict=True)]
        cells = [table.cells[tuple(rk) + tuple(v for part in ck for v in part)] for ck in col_keys]
        rows.append(Row(rk, labels, level, cells))
    headers = [DIMENSIONS[dim].label for dim in row_axis]
    return Grid(table, headers, groups, columns, rows)


def column_headings(g: Grid) -> list[str]:
    """One heading per column for a one-row header (spreadsheets): 'Adult (18 or over): Female'."""
    if not g.groups:
        return list(g.columns)
    out, i = [], 0
    for label, span in g.groups:
        for col in g.columns[i:i + span]:
            out.append(f"{label}: {col}")
        i += span
    return out


def shown(cell: Cell, *, unsuppressed: bool = False) -> str | int:
    """What a cell shows: its published figure or [c]; with ``unsuppressed``, the true count."""
    if unsuppressed:
        return cell.count
    return MARKER if cell.shown is None else cell.shown
