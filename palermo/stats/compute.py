"""Counting: each table's cells and margins for a period, from the snapshot's coded arrays.

A period is a slice of a population (its rows are sorted by day); a table's finest cells are one
``numpy.bincount`` over the combined category indexes of its dimensions, and every margin
("Total" on one or more axes) is a sum of those. This gives the same counts as the table's
reference SQL (:meth:`palermo.stats.definitions.TableDef.sql`) at a fraction of the cost of a
``GROUP BY`` per table (``benchmarks/stats.py``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from palermo.stats.definitions import DIMENSIONS, NOT_SPECIFIED, SUMMARY, Measure, TableDef
from palermo.stats.periods import Period
from palermo.stats.snapshot import PopulationArrays, Snapshot

Key = tuple  # one category code, or None for "all", per dimension of the table


@dataclass
class CountTable:
    definition: TableDef
    axis_keys: list[list[Key]]  # per axis, in display order: (None, …) first, then each category path
    cells: dict[Key, int]  # every cell and margin shown, by key over the table's dimensions

    def key_dims(self, key: Key) -> dict[str, str]:
        return {d: v for d, v in zip(self.definition.dimensions, key, strict=True) if v is not None}


def band_codes(pop: PopulationArrays, rows: slice, bands: list[dict]) -> tuple[np.ndarray, list[str]]:
    """Each decision's time band (an index into the returned codes; the last is 'not specified',
    for a decision whose start date is not known). First match wins, as in ``band_case_sql``."""
    days = pop.measures["days"][rows]
    months = pop.measures["months_ceiling"][rows]
    idx = np.full(len(days), len(bands) - 1, dtype=np.int64)
    for i in range(len(bands) - 2, -1, -1):
        b = bands[i]
        cond = days <= b["max_days"] if "max_days" in b else months <= b["max_months"]
        idx[cond] = i
    idx[np.isnan(days)] = len(bands)
    return idx, [b["code"] for b in bands] + [NOT_SPECIFIED]


def _dimension_codes(dim: str, pop: PopulationArrays, rows: slice, period: Period,
                     bands: list[dict]) -> tuple[np.ndarray, list[str]]:
    if dim == "quarter":
        quarters = period.quarters
        return (pop.quarter[rows] - quarters[0].index).astype(np.int64), [q.code for q in quarters]
    if dim == "band":
        return band_codes(pop, rows, bands)
    return pop.codes[dim][rows].astype(np.int64), pop.categories[dim]


def finest_counts(definition: TableDef, snap: Snapshot, period: Period, *, bands: list[dict]
                  ) -> tuple[np.ndarray, list[list[str]]]:
    """The dense array of counts over every combination of the table's categories, and the
    categories of each dimension."""
    pop = snap.populations[definition.population]
    rows = pop.rows(period)
    index, shape, categories = None, [], []
    for dim in definition.dimensions:
        codes, cats = _dimension_codes(dim, pop, rows, period, bands)
        index = codes if index is None else index * len(cats) + codes
        shape.append(len(cats))
        categories.append(cats)
    size = math.prod(shape)
    counts = np.bincount(index, minlength=size) if index is not None and len(index) else np.zeros(size, dtype=np.int64)
    return counts.reshape(shape), categories


def _shown(definition: TableDef, dense: np.ndarray, categories: list[list[str]]) -> list[list[Key]]:
    """Each axis's keys in display order: the total, then each category path worth showing. A
    fixed category is always shown; a category found in the data (a nationality, an organisation)
    only where it counts someone in the period; quarters and bands always."""
    axis_keys: list[list[Key]] = []
    pos = 0
    n = dense.ndim
    for axis in definition.axes:
        dims = list(range(pos, pos + len(axis)))
        others = tuple(i for i in range(n) if i not in dims)
        margin = dense.sum(axis=others) if others else dense  # shape over this axis's dims
        keys: list[Key] = [tuple([None] * len(axis))]

        def visible(level: int, prefix: tuple[int, ...], margin=margin, axis=axis, dims=dims) -> list[int]:
            dim_id = axis[level]
            cats = categories[dims[level]]
            sub = margin[prefix] if prefix else margin
            totals = sub.sum(axis=tuple(range(1, sub.ndim))) if sub.ndim > 1 else sub
            out = []
            for i, code in enumerate(cats):
                always = dim_id in ("quarter",) or (dim_id == "band" and code != NOT_SPECIFIED) or (
                    DIMENSIONS[dim_id].fixed and code in dict(DIMENSIONS[dim_id].categories) and level == 0)
                if always or totals[i] > 0:
                    out.append(i)
            return out

        def walk(level: int, prefix: tuple[int, ...], axis=axis, dims=dims, keys=keys) -> None:
            for i in visible(level, prefix):
                path = (*prefix, i)
                codes = tuple(categories[dims[j]][path[j]] for j in range(len(path)))
                keys.append(codes + tuple([None] * (len(axis) - len(path))))
                if level + 1 < len(axis):
                    walk(level + 1, path)

        walk(0, ())
        axis_keys.append(keys)
        pos += len(axis)
    return axis_keys


def count_table(definition: TableDef, snap: Snapshot, period: Period, *, bands: list[dict]) -> CountTable:
    """Every cell of the table and of all its margins, for ``period``."""
    dense, categories = finest_counts(definition, snap, period, bands=bands)
    axis_keys = _shown(definition, dense, categories)
    index_of = [{c: i for i, c in enumerate(cats)} for cats in categories]
    margins: dict[tuple[int, ...], np.ndarray] = {}
    cells: dict[Key, int] = {}
    for combo in itertools.product(*axis_keys):
        key = tuple(v for part in combo for v in part)
        summed = tuple(i for i, v in enumerate(key) if v is None)
        if summed not in margins:
            margins[summed] = dense.sum(axis=summed) if summed else dense
        at = tuple(index_of[i][v] for i, v in enumerate(key) if v is not None)
        cells[key] = int(margins[summed][at]) if at else int(margins[summed])
    return CountTable(definition, axis_keys, cells)


def reference_counts(definition: TableDef, snap: Snapshot, period: Period, *, bands: list[dict]) -> dict[Key, int]:
    """The finest cells by the table's reference SQL, run in DuckDB over the snapshot's views."""
    from palermo.stats.definitions import band_case_sql

    sql = definition.sql(start=period.start.isoformat(), end=period.end.isoformat(), band_case=band_case_sql(bands))
    rows = snap.db.execute(sql).fetchall()
    return {tuple(r[:-1]): int(r[-1]) for r in rows}


# --- medians and quartiles ------------------------------------------------------------------

def quantiles_type7(values: np.ndarray, probabilities: tuple[float, ...]) -> list[float | None]:
    """Quantiles interpolated between order statistics (Hyndman and Fan's type 7, R's default,
    ``numpy.quantile(method='linear')``, ``statistics.quantiles(method='inclusive')``). For
    whole-number values (days) it counts each value once with ``bincount`` rather than sorting."""
    n = len(values)
    if n == 0:
        return [None for _ in probabilities]
    ints = values.astype(np.int64)
    if not np.array_equal(ints, values) or ints.max() - ints.min() > 10_000_000:
        return [float(q) for q in np.quantile(values, probabilities, method="linear")]
    low = int(ints.min())
    cumulative = np.cumsum(np.bincount(ints - low))

    def order_statistic(k: int) -> int:  # the k-th smallest, from 0
        return low + int(np.searchsorted(cumulative, k + 1, side="left"))

    out = []
    for p in probabilities:
        h = (n - 1) * p
        lo = math.floor(h)
        a = order_statistic(lo)
        b = order_statistic(min(lo + 1, n - 1))
        out.append(a + (h - lo) * (b - a))
    return out


@dataclass
class MeasureStats:
    measure: Measure
    known: int  # decisions with a known time
    quartiles: list[float | None]  # lower quartile, median, upper quartile


def summary_stats(snap: Snapshot, period: Period) -> list[MeasureStats]:
    out = []
    for m in SUMMARY.measures:
        pop = snap.populations[m.population]
        values = pop.measures[m.column][pop.rows(period)]
        values = values[~np.isnan(values)]
        out.append(MeasureStats(m, len(values), quantiles_type7(values, (0.25, 0.5, 0.75))))
    return out
