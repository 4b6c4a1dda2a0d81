"""A release: every table of one period, counted, protected and ready to show or write.

Two views of the same counts:

* ``published``: what may leave the statistics unit — small cells and the cells that would give
  them back are ``[c]`` (:mod:`palermo.stats.disclosure`), optionally rounded. The bulletin, the
  files, monitors' pages and the API by default.
* ``unsuppressed``: every count as it is, each marked with the status it has in the published
  view (analysts only, never written to a file: :mod:`palermo.stats.selectors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from palermo.stats.compute import CountTable, Key, MeasureStats, count_table, summary_stats
from palermo.stats.definitions import DIMENSIONS, POPULATIONS, SUMMARY, TABLES, TableDef
from palermo.stats.disclosure import MARKER, PRIMARY, PUBLISHED, Protection, Relation, rounded
from palermo.stats.params import bands_at, threshold_at
from palermo.stats.periods import Period
from palermo.stats.snapshot import Snapshot

PUBLISHED_VIEW, UNSUPPRESSED_VIEW = "published", "unsuppressed"
VIEWS = (PUBLISHED_VIEW, UNSUPPRESSED_VIEW)


@dataclass
class Cell:
    count: int  # the true count (never shown in the published view when suppressed)
    status: str  # published, primary or secondary
    shown: int | None  # the published value: rounded if asked, None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.status != PUBLISHED


@dataclass
class TableRelease:
    definition: TableDef
    number: int
    axis_keys: list[list[Key]]
    cells: dict[Key, Cell]
    snapshot: Snapshot

    @property
    def id(self) -> str:
        return self.definition.id

    def label(self, dim: str, code: str | None) -> str:
        if dim == "quarter" and code:
            year, q = code.split("-Q")
            from palermo.stats.periods import Quarter

            return f"{code.replace('-', ' ')} ({Quarter(int(year), int(q)).label})"
        if dim == "band" and code:
            # The band's label from the dated rule ("8 to 45 days"), never its code.
            from palermo.law.parameters import parameter_history

            for value in parameter_history("stats.decision_time_bands"):
                for band in value.value or []:
                    if band["code"] == code:
                        return band["label"]
        return self.snapshot.label(dim, code)

    def total(self) -> Cell:
        return self.cells[tuple([None] * len(self.definition.dimensions))]

    def cell(self, **dims: str) -> Cell:
        """The cell with these categories (every other dimension: its total)."""
        return self.cells[tuple(dims.get(d) for d in self.definition.dimensions)]

    def values(self, dim: str) -> list[str]:
        """The categories of ``dim`` shown in this table, in order."""
        pos = self.definition.dimensions.index(dim)
        for axis, keys in zip(self.definition.axes, self.axis_keys, strict=True):
            if dim in axis:
                i = axis.index(dim)
                seen: list[str] = []
                for k in keys:
                    if k[i] is not None and all(v is None for v in k[i + 1:]) and k[i] not in seen:
                        seen.append(k[i])
                return seen
        raise KeyError(pos)


@dataclass
class SummaryRow:
    measure_id: str
    label: str
    unit: str
    phrase: str
    decisions: Cell  # the population's total, as in the decision tables
    known: int
    quartiles: list[float | None]
    withheld: bool  # too few decisions with a known time, or their total suppressed


@dataclass
class Release:
    period: Period
    view: str
    threshold: int
    threshold_version: str
    rounding: int | None
    bands: list[dict]
    bands_version: str
    tables: list[TableRelease]
    summary: list[SummaryRow]
    audit_head: dict
    cells_suppressed: int = 0
    cells_total: int = 0
    protection_rounds: dict[str, int] = field(default_factory=dict)

    def table(self, table_id: str) -> TableRelease:
        return next(t for t in self.tables if t.id == table_id)

    @property
    def unsuppressed(self) -> bool:
        return self.view == UNSUPPRESSED_VIEW


def cell_id(table: CountTable, key: Key) -> tuple:
    """The same count in every table of a population has the same id: its population and the
    categories it fixes (the referrals by age alone appear in two tables, as one cell)."""
    return (table.definition.population, tuple(sorted(table.key_dims(key).items())))


def relations(table: CountTable) -> list[Relation]:
    """Every "total = sum of its parts" of one table: for each cell and each axis on which it is
    not at the finest level, the cell equals the sum of the shown cells one level finer there
    (categories not shown count nobody)."""
    out = []
    axes = table.definition.axes
    starts = [sum(len(a) for a in axes[:i]) for i in range(len(axes))]
    for key in table.cells:
        for axis, start, keys in zip(axes, starts, table.axis_keys, strict=True):
            part = key[start:start + len(axis)]
            level = sum(v is not None for v in part)
            if level == len(axis):
                continue
            children = [k for k in keys if sum(v is not None for v in k) == level + 1 and k[:level] == part[:level]]
            parts = [key[:start] + child + key[start + len(axis):] for child in children]
            out.append(Relation(cell_id(table, key), tuple(cell_id(table, p) for p in parts)))
    return out


def release_build(*, snapshot: Snapshot, period: Period, view: str = PUBLISHED_VIEW, threshold: int | None = None,
                  rounding: int | None = None) -> Release:
    """Count every table for ``period``, protect each population's tables together, and compute
    the decision-time summary. The threshold and bands are those in force on the period's last
    day unless a threshold is given."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    threshold_value = threshold_at(period.end)
    thr = threshold if threshold is not None else threshold_value.value
    bands, bands_value = bands_at(period.end)
    counted = [count_table(t, snapshot, period, bands=bands) for t in TABLES]
    statuses: dict[tuple, str] = {}
    rounds = {}
    for population in POPULATIONS:
        tables = [c for c in counted if c.definition.population == population]
        values: dict[tuple, int] = {}
        rels: list[Relation] = []
        for c in tables:
            for key, n in c.cells.items():
                cid = cell_id(c, key)
                if values.setdefault(cid, n) != n:
                    raise AssertionError(f"{cid}: two tables count it differently")
            rels += relations(c)
        protection = Protection(values, rels, thr)
        rounds[population] = protection.rounds
        statuses |= {cid: protection.status(cid) for cid in values}
    releases = []
    suppressed = total = 0
    for number, c in enumerate(counted, 1):
        cells = {}
        for key, n in c.cells.items():
            status = statuses[cell_id(c, key)]
            cells[key] = Cell(n, status, None if status != PUBLISHED else rounded(n, rounding))
            suppressed += status != PUBLISHED
            total += 1
        releases.append(TableRelease(c.definition, number, c.axis_keys, cells, snapshot))
    summary = _summary(summary_stats(snapshot, period), releases, thr)
    return Release(period=period, view=view, threshold=thr,
                   threshold_version=threshold_value.version if threshold is None else f"{threshold} (set for this release)",
                   rounding=rounding, bands=bands, bands_version=bands_value.version, tables=releases, summary=summary,
                   audit_head=snapshot.audit_head, cells_suppressed=suppressed, cells_total=total,
                   protection_rounds=rounds)


def _summary(stats: list[MeasureStats], tables: list[TableRelease], threshold: int) -> list[SummaryRow]:
    rows = []
    for s in stats:
        decisions = next(t for t in tables if t.definition.population == s.measure.population).total()
        withheld = decisions.suppressed or s.known < threshold
        rows.append(SummaryRow(s.measure.id, s.measure.label, s.measure.unit, s.measure.phrase, decisions, s.known, s.quartiles, withheld))
    return rows


# --- for machines ---------------------------------------------------------------------------

def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def release_json(release: Release) -> dict:
    """Every table as data: ``rows`` of dimension values (``null`` is the total over that
    dimension) with a ``count``. In the published view a suppressed cell has ``count: null`` and
    ``suppressed: true``; the unsuppressed view gives every count and its ``status``."""
    unsup = release.unsuppressed
    out_tables = []
    for t in release.tables:
        d = t.definition
        pop = POPULATIONS[d.population]
        rows = []
        for key, cell in t.cells.items():
            row = {"dimensions": dict(zip(d.dimensions, key, strict=True)),
                   "count": cell.count if unsup else cell.shown, "suppressed": cell.suppressed}
            if unsup:
                row["status"] = cell.status
            rows.append(row)
        out_tables.append({
            "id": d.id, "number": t.number, "title": d.title,
            "population": {"id": pop.id, "label": pop.label, "unit": pop.unit, "counted": pop.date_rule},
            "counting_rule": d.counting_rule,
            "dimensions": [{"id": dim, "label": DIMENSIONS[dim].label, "not_specified": DIMENSIONS[dim].not_specified,
                            "values": [{"code": v, "label": t.label(dim, v)} for v in t.values(dim)]}
                           for dim in d.dimensions],
            "rows": rows,
        })
    summary_rows = []
    for s in release.summary:
        hide = s.withheld and not unsup
        summary_rows.append({
            "dimensions": {"measure": s.measure_id}, "label": s.label, "unit": s.unit,
            "count": s.decisions.count if unsup else s.decisions.shown, "suppressed": s.decisions.suppressed,
            "lower_quartile": None if hide else _number(s.quartiles[0]), "median": None if hide else _number(s.quartiles[1]),
            "upper_quartile": None if hide else _number(s.quartiles[2]), "withheld": s.withheld})
    out_tables.append({
        "id": SUMMARY.id, "number": len(release.tables) + 1, "title": SUMMARY.title, "counting_rule": SUMMARY.counting_rule,
        "dimensions": [{"id": "measure", "label": DIMENSIONS["measure"].label, "not_specified": "",
                        "values": [{"code": m.id, "label": m.label} for m in SUMMARY.measures]}],
        "rows": summary_rows,
    })
    return {
        "period": {"from": release.period.start.isoformat(), "to": release.period.end.isoformat(),
                   "quarters": [q.code for q in release.period.quarters]},
        "view": release.view,
        "warning": ("Not for publication: small numbers are not suppressed." if unsup else None),
        "disclosure_control": {
            "threshold": release.threshold, "threshold_rule": release.threshold_version,
            "marker": MARKER, "secondary_suppression": True, "rounding_base": release.rounding,
            "cells": release.cells_total, "cells_suppressed": release.cells_suppressed,
            "rule": ("Cells counting 1 to threshold-1 are suppressed, with further cells so that no total, margin or "
                     "table sharing them gives one back. null in a row's dimensions means the total over it."),
        },
        "decision_time_bands": {"rule": release.bands_version, "bands": release.bands},
        "tables": out_tables,
    }


def primary_cells(release: Release) -> int:
    return sum(1 for t in release.tables for c in t.cells.values() if c.status == PRIMARY)
