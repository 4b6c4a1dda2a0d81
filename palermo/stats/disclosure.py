"""Disclosure control for published tables: small cells suppressed, and no total or margin that
gives one back.

**Primary suppression.** A cell counting at least one and fewer than the threshold (5 by default,
``stats.suppression_threshold``) is suppressed: shown as ``[c]`` (the Government Statistical
Service's symbol for "confidential"). Zero is published.

**Secondary suppression.** A published total equals the sum of its parts, and tables of one
population share margins (the referrals by quarter and by nationality both give referrals by age
and gender), so further cells are suppressed until, across every table of the population:

1. no relation "total = sum of its parts" has exactly one suppressed member;
2. wherever a published total has suppressed parts, those parts add up to at least the threshold
   (two suppressed cells of 1 under a published total of 2 would otherwise be known);
3. no suppressed cell is determined by the published cells: the relations of every table of the
   population, shared margins counted once, are solved exactly (rational arithmetic), and a cell
   whose value follows from them gets another cell suppressed beside it, until none does.

Each further cell is chosen among the published, non-zero members of a relation that needs one:
a part rather than the total, then the smallest, then in a fixed order, so the same counts always
give the same pattern.

**What this guarantees.** Within one release (every table of one period), no suppressed cell can be
worked out by adding and subtracting published cells, within a table or across tables: the linear
relations that hold between tables of one population are exactly their shared margins (each table
publishes every margin of its dimensions, and a margin over dimensions two tables share is the
same cell in both), and check 3 covers all of them. ``tests/stats/test_disclosure_properties.py``
checks this independently, for random counts and table families, against the full joint table of
every dimension. Tables of different populations (referrals, reports, decisions) count different
things, so no equation links them.

**What it does not guarantee.** That a suppressed cell cannot be *bounded*: counts are not
negative, so a suppressed cell of 2 beside one of 9 under a published total of 11 is known to lie
between 0 and 11 (rule 2 keeps such ranges at least the threshold wide for the parts of a published
total, not for every combination). Nor anything across releases: a year's release minus three of
its quarters' releases gives the fourth quarter's figures, including cells that quarter's own
release suppressed. Published periods are therefore whole quarters that have ended
(:mod:`palermo.stats.periods`), and ``--round`` adds rounding for releases that overlap earlier
ones; records entered late change earlier periods' figures, which comparing two releases of the
same period would show.

**Rounding** (optional): each published count to the nearest multiple of the base (halves up),
totals rounded on their own, so rounded parts need not add up to their rounded total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

CellId = Hashable
PUBLISHED, PRIMARY, SECONDARY = "published", "primary", "secondary"
MARKER = "[c]"


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``parts``."""

    total: CellId
    parts: tuple[CellId, ...]

    @property
    def members(self) -> tuple[CellId, ...]:
        return (self.total, *self.parts)


def _sort_key(cell: CellId) -> str:
    return repr(cell)


class Protection:
    """The suppression pattern of one population's cells under its relations."""

    def __init__(self, values: dict[CellId, int], relations: Iterable[Relation], threshold: int):
        if threshold < 2:
            raise ValueError("the threshold must be at least 2")
        self.values = values
        self.threshold = threshold
        unique = {(r.total, tuple(sorted(r.parts, key=_sort_key))) for r in relations if r.parts}
        self.relations = [Relation(t, p) for t, p in sorted(unique, key=lambda r: (_sort_key(r[0]), [_sort_key(x) for x in r[1]]))]
        for r in self.relations:
            if values[r.total] != sum(values[p] for p in r.parts):
                raise ValueError(f"a total is not the sum of its parts: {r.total!r}")
        self.of_cell: dict[CellId, list[Relation]] = defaultdict(list)
        for r in self.relations:
            for m in r.members:
                self.of_cell[m].append(r)
        self.primary = {c for c, v in values.items() if 0 < v < threshold}
        self.suppressed: set[CellId] = set(self.primary)
        self.rounds = 0
        self._protect()

    def status(self, cell: CellId) -> str:
        if cell in self.primary:
            return PRIMARY
        return SECONDARY if cell in self.suppressed else PUBLISHED

    # --- choosing further cells ---------------------------------------------------------------

    def _complement(self, relation: Relation) -> CellId | None:
        """A published, non-zero member of ``relation`` to suppress: a part before the total, the
        smallest first, ties in a fixed order."""
        candidates = [p for p in relation.parts if p not in self.suppressed and self.values[p] > 0]
        if not candidates and relation.total not in self.suppressed and self.values[relation.total] > 0:
            candidates = [relation.total]
        if not candidates:
            return None
        return min(candidates, key=lambda c: (self.values[c], _sort_key(c)))

    def _needs_more(self, relation: Relation) -> bool:
        hidden = [m for m in relation.members if m in self.suppressed]
        if not hidden:
            return False
        if len(hidden) == 1:
            return True
        if relation.total not in self.suppressed:
            return sum(self.values[p] for p in relation.parts if p in self.suppressed) < self.threshold
        return False

    def _protect(self) -> None:
        while True:
            self.rounds += 1
            changed = True
            while changed:  # rules 1 and 2, relation by relation
                changed = False
                for r in self.relations:
                    if self._needs_more(r):
                        pick = self._complement(r)
                        if pick is not None:
                            self.suppressed.add(pick)
                            changed = True
            found = determined(self.suppressed, self.relations)  # rule 3
            if not found:
                return
            added = False
            for cell in sorted(found, key=_sort_key):
                for r in self.of_cell[cell]:
                    pick = self._complement(r)
                    if pick is not None:
                        self.suppressed.add(pick)
                        added = True
                        break
            if not added:  # nothing left to suppress beside them: withhold the whole population
                self.suppressed |= {c for c, v in self.values.items() if v > 0}
                return


# --- exact check: which suppressed cells the published ones determine ---------------------------

def determined(suppressed: set[CellId], relations: Iterable[Relation]) -> set[CellId]:
    """The suppressed cells whose value follows, by addition and subtraction, from the published
    cells and the relations: those whose unit vector lies in the row space of the relations
    restricted to the suppressed cells. Solved exactly (fractions), one connected group of
    suppressed cells at a time, in reduced row echelon form: a cell is determined exactly when
    it is a pivot whose row has no other entry."""
    index = {c: i for i, c in enumerate(sorted(suppressed, key=_sort_key))}
    rows: list[dict[int, int]] = []
    for r in relations:
        row: dict[int, int] = {}
        if r.total in index:
            row[index[r.total]] = 1
        for p in r.parts:
            if p in index:
                row[index[p]] = row.get(index[p], 0) - 1
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    parent = list(range(len(index)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        first, *rest = row
        for k in rest:
            parent[find(k)] = find(first)
    groups: dict[int, list[dict[int, int]]] = defaultdict(list)
    for row in rows:
        groups[find(next(iter(row)))].append(row)
    cells = sorted(suppressed, key=_sort_key)
    found: set[CellId] = set()
    for group in groups.values():
        found |= {cells[i] for i in _rref_singletons(group)}
    return found


def _rref_singletons(rows: list[dict[int, int]]) -> set[int]:
    pivots: dict[int, dict[int, int | Fraction]] = {}
    for raw in rows:
        r = dict(raw)  # whole numbers while pivots are 1 or -1 (margins nearly always are); exact either way
        for col in [c for c in r if c in pivots]:
            f = r.get(col)
            if not f:
                continue
            for k, v in pivots[col].items():
                nv = r.get(k, 0) - f * v
                if nv:
                    r[k] = nv
                else:
                    r.pop(k, None)
        if not r:
            continue
        p = min(r)
        if r[p] in (1, -1):
            sign = r[p]
            r = {k: v * sign for k, v in r.items()}
        else:
            inv = Fraction(1) / r[p]
            r = {k: v * inv for k, v in r.items()}
        for prow in pivots.values():
            f = prow.get(p)
            if f:
                for k, v in r.items():
                    nv = prow.get(k, 0) - f * v
                    if nv:
                        prow[k] = nv
                    else:
                        prow.pop(k, None)
        pivots[p] = r
    return {p for p, r in pivots.items() if len(r) == 1}


def rounded(value: int, base: int | None) -> int:
    """``value`` to the nearest multiple of ``base``, halves up (no rounding without a base)."""
    if not base or base <= 1:
        return value
    return (2 * value + base) // (2 * base) * base
