"""Property tests of disclosure control: no suppressed cell can be recovered by subtraction from
any published table, including across tables that share margins.

The check here is independent of the relations the suppression itself solves. The attacker's
knowledge is modelled in the *joint* table: one unknown count for every combination of every
dimension of the population (a first responder organisation fixes its kind, so a hierarchy is one
unknown per organisation). Each published cell is a known sum of joint counts; a suppressed cell
can be recovered by adding and subtracting published cells exactly when its own sum is a linear
combination of theirs. That is tested with exact rational elimination, for random records, random
families of tables (sharing dimensions, margins and hierarchies) and thresholds.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.stats.compute import CountTable
from palermo.stats.definitions import TableDef
from palermo.stats.disclosure import PUBLISHED, Protection, Relation, determined, rounded
from palermo.stats.release import cell_id, relations

# A small world: three flat dimensions and a hierarchy (kind -> organisation).
CATEGORIES = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"], "c": ["c1", "c2", "c3"], "org": ["o1", "o2", "o3", "o4"]}
KIND_OF = {"o1": "k1", "o2": "k1", "o3": "k2", "o4": "k2"}
KINDS = ["k1", "k2"]
AXES = {"a": ("a",), "b": ("b",), "c": ("c",), "org": ("kind", "org")}
JOINT_DIMS = ["a", "b", "c", "org"]


def count_table(defn: TableDef, records: list[dict]) -> CountTable:
    """The table's cells and margins, counted here directly (not by palermo.stats.compute)."""
    axis_keys = []
    for axis in defn.axes:
        if axis == ("kind", "org"):
            keys = [(None, None)]
            for k in KINDS:
                keys.append((k, None))
                keys += [(k, o) for o in CATEGORIES["org"] if KIND_OF[o] == k]
        else:
            keys = [(None,)] + [(v,) for v in CATEGORIES[axis[0]]]
        axis_keys.append(keys)
    cells = {}
    for combo in itertools.product(*axis_keys):
        key = tuple(v for part in combo for v in part)
        want = {d: v for d, v in zip(defn.dimensions, key, strict=True) if v is not None}
        cells[key] = sum(1 for r in records if all(r[d] == v for d, v in want.items()))
    return CountTable(defn, axis_keys, cells)


def joint_vector(cid, joint: list[tuple]) -> list[int]:
    """The cell as a sum over joint counts: 1 where the joint combination falls in the cell."""
    fixed = dict(cid[1])
    out = []
    for combo in joint:
        rec = dict(zip(JOINT_DIMS, combo, strict=True))
        rec["kind"] = KIND_OF[rec["org"]]
        out.append(int(all(rec[d] == v for d, v in fixed.items())))
    return out


class Span:
    """The linear span of some vectors in echelon form (exact fractions, sparse rows);
    ``contains`` tests whether a vector is a linear combination of them."""

    def __init__(self, rows: list[list[int]]):
        self.pivots: list[tuple[int, dict[int, Fraction]]] = []
        for row in rows:
            r = self._reduce({i: Fraction(x) for i, x in enumerate(row) if x})
            if r:
                col = min(r)
                f = r[col]
                self.pivots.append((col, {k: v / f for k, v in r.items()}))

    def _reduce(self, v: dict[int, Fraction]) -> dict[int, Fraction]:
        for col, prow in self.pivots:  # each row is zero at every earlier pivot column
            f = v.get(col)
            if f:
                for k, x in prow.items():
                    nv = v.get(k, 0) - f * x
                    if nv:
                        v[k] = nv
                    else:
                        v.pop(k, None)
        return v

    def contains(self, vector: list[int]) -> bool:
        return not self._reduce({i: Fraction(x) for i, x in enumerate(vector) if x})


records = st.lists(st.fixed_dictionaries({d: st.sampled_from(CATEGORIES[d]) for d in JOINT_DIMS}), max_size=40).map(
    lambda rs: [{**r, "kind": KIND_OF[r["org"]]} for r in rs])
families = st.lists(
    st.lists(st.sampled_from(list(AXES)), min_size=1, max_size=3, unique=True), min_size=1, max_size=4)


def protect(family: list[list[str]], recs: list[dict], threshold: int):
    tables = [count_table(TableDef(f"t{i}", "t", "p", tuple(AXES[a] for a in axes), ""), recs)
              for i, axes in enumerate(family)]
    values, rels = {}, []
    for t in tables:
        for key, n in t.cells.items():
            values[cell_id(t, key)] = n
        rels += relations(t)
    return tables, values, rels, Protection(values, rels, threshold)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, families, st.sampled_from([2, 3, 5]))
def test_no_suppressed_cell_is_a_combination_of_published_cells_in_the_joint_table(recs, family, threshold):
    """For every suppressed cell of every table: its sum over the joint table is not a linear
    combination of the published cells' sums, so no adding and subtracting of published figures,
    in one table or across tables, gives it."""
    _, values, _, p = protect(family, recs, threshold)
    joint = list(itertools.product(*(CATEGORIES[d] for d in JOINT_DIMS)))
    published = Span([joint_vector(c, joint) for c in values if c not in p.suppressed])
    for c in p.suppressed:
        assert not published.contains(joint_vector(c, joint)), f"{c} = {values[c]} can be recovered"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, families, st.sampled_from([2, 3, 5]))
def test_every_small_cell_is_suppressed_and_every_rule_holds(recs, family, threshold):
    """Every count from 1 to threshold-1 is suppressed; no total with its parts has exactly one
    suppressed member; suppressed parts under a published total add up to at least the
    threshold; the exact check finds nothing left; zero is never suppressed."""
    _, values, rels, p = protect(family, recs, threshold)
    assert {c for c, v in values.items() if 0 < v < threshold} <= p.suppressed
    assert all(values[c] > 0 for c in p.suppressed)
    for r in rels:
        hidden = [m for m in r.members if m in p.suppressed]
        assert len(hidden) != 1, r
        if hidden and r.total not in p.suppressed:
            assert sum(values[c] for c in r.parts if c in p.suppressed) >= threshold, r
    assert determined(p.suppressed, rels) == set()


@settings(max_examples=100, deadline=None)
@given(records, families)
def test_the_same_counts_always_give_the_same_pattern(recs, family):
    """Reproducible releases: the pattern depends on the counts alone, not on the order tables
    or relations are given in."""
    _, values, rels, p = protect(family, recs, 5)
    again = Protection(dict(reversed(list(values.items()))), list(reversed(rels)), 5)
    assert again.suppressed == p.suppressed


def test_a_single_small_cell_in_a_row_takes_a_partner_and_the_margins_follow():
    """Known answer: one table a × b; a1/b1 counts 1. Suppressing it alone would leave it as the
    row total minus the other cell, so a partner in its row and its column are suppressed too."""
    recs = [{"a": "a1", "b": "b1", "c": "c1", "org": "o1", "kind": "k1"}]
    recs += [{"a": a, "b": b, "c": "c1", "org": "o1", "kind": "k1"} for a in ("a1", "a2") for b in ("b1", "b2")
             for _ in range(6) if (a, b) != ("a1", "b1")]
    tables, values, rels, p = protect([["a", "b"]], recs, 5)
    ids = {key: cell_id(tables[0], key) for key in tables[0].cells}
    assert p.status(ids[("a1", "b1")]) == "primary"
    hidden = {k for k, cid in ids.items() if cid in p.suppressed}
    assert hidden == {("a1", "b1"), ("a1", "b2"), ("a2", "b1"), ("a2", "b2")}  # the smallest complete cycle
    assert p.status(ids[(None, None)]) == PUBLISHED


def test_a_margin_shared_by_two_tables_is_suppressed_in_both():
    """Two tables share dimension b: a cell of b suppressed because of one table is [c] in the
    other too (one cell, one status)."""
    recs = [{"a": "a1", "b": "b1", "c": "c1", "org": "o1", "kind": "k1"}] * 3
    recs += [{"a": "a2", "b": "b2", "c": "c2", "org": "o1", "kind": "k1"}] * 9
    tables, values, rels, p = protect([["a", "b"], ["c", "b"]], recs, 5)
    shared = ("p", (("b", "b1"),))
    assert shared in p.primary
    assert cell_id(tables[0], (None, "b1")) == cell_id(tables[1], (None, "b1")) == shared


def test_relations_list_each_total_with_its_parts():
    recs = [{"a": "a1", "b": "b1", "c": "c1", "org": "o3", "kind": "k2"}]
    t = count_table(TableDef("t", "t", "p", (("kind", "org"),), ""), recs)
    rel = {r.total: set(r.parts) for r in relations(t)}
    assert rel[("p", ())] == {("p", (("kind", "k1"),)), ("p", (("kind", "k2"),))}
    assert rel[("p", (("kind", "k2"),))] == {("p", (("kind", "k2"), ("org", "o3"))), ("p", (("kind", "k2"), ("org", "o4")))}


def test_a_relation_that_does_not_add_up_is_refused():
    import pytest

    with pytest.raises(ValueError, match="not the sum"):
        Protection({"t": 3, "x": 1, "y": 1}, [Relation("t", ("x", "y"))], 5)


@given(st.integers(0, 10_000), st.sampled_from([2, 3, 5, 10]))
def test_rounding_goes_to_the_nearest_multiple_halves_up(value, base):
    r = rounded(value, base)
    assert r % base == 0 and abs(r - value) <= base / 2
    if abs(r - value) == base / 2:
        assert r > value
    assert rounded(value, None) == value
