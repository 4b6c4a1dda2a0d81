"""Turning scored pairs into clusters of the same person.

Two methods:

* ``"components"``: the connected components of the links at or above the threshold. One
  weak link is enough to join two groups, so a record with a common name and no date of
  birth that links to two different *Nguyen Van Anh* chains them into one person.
* ``"constrained"`` (the default): greedy agglomeration with **cannot-link** constraints.
  Links are taken from the most to the least probable, and a link joins two clusters only if
  no record of one has hard evidence against any record of the other. The hard evidence is a
  pair of full dates of birth that cannot both belong to one person: neither a 1 January
  placeholder, and not the same birthday (or the same with day and month swapped) within
  :data:`DOB_YEAR_TOLERANCE` years. Each cluster keeps the set of full dates of birth of its
  records, so checking a link costs a few comparisons whatever the size of the data.

  Records with no date of birth or only a placeholder year never conflict: they go to the
  cluster of their most probable link, and cannot then bridge a second, conflicting cluster.

Gender and nationality are *not* cannot-links: records of one person disagree on them often
enough (a wrong tick box, a wrong nationality) that forbidding those merges lost more true
links than it saved false ones (measured on the synthetic benchmark; ``docs/linkage.md``).

Everything here is plain Python on small tuples; at a million records the loop over about a
million links takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Two records of one person may each carry a disputed year of birth up to 2 years off the
#: true one, so full dates with the same birthday are compatible up to 4 years apart.
DOB_YEAR_TOLERANCE = 4

METHODS = ("constrained", "components")
DEFAULT_METHOD = "constrained"

#: A full date of birth as (year, month, day), or None when missing or a 1 January placeholder.
FullDate = tuple[int, int, int] | None


def dates_compatible(
    a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = DOB_YEAR_TOLERANCE
) -> bool:
    """True if two full dates of birth can belong to one person.

    The same day and month (or day and month swapped) with years at most ``tolerance`` apart:
    a typed date, a day/month swap, a disputed age. Anything else is a different birthday.
    """
    (ya, ma, da), (yb, mb, db) = a, b
    if (ma, da) != (mb, db) and (ma, da) != (db, mb):
        return False
    return abs(ya - yb) <= tolerance


@dataclass
class Clusters:
    """The outcome: for each record (by index) its cluster root and its best joining link."""

    root: list[int]
    best_probability: list[float]

    def labels(self, ids: Sequence[str]) -> list[str]:
        """Cluster id per record: the smallest record id in the cluster."""
        smallest: dict[int, str] = {}
        for i, rid in enumerate(ids):
            r = self.root[i]
            if r not in smallest or rid < smallest[r]:
                smallest[r] = rid
        return [smallest[self.root[i]] for i in range(len(ids))]


def cluster_links(
    *,
    n_records: int,
    links: Iterable[tuple[int, int, float]],
    dates: Sequence[FullDate] | None = None,
    method: str = DEFAULT_METHOD,
    tolerance: int = DOB_YEAR_TOLERANCE,
    attach_below: float | None = None,
) -> Clusters:
    """Cluster records ``0 … n_records-1`` from ``links`` ``(i, j, probability)``.

    ``links`` must already be filtered to the link threshold and, for ``"constrained"``,
    sorted from the most to the least probable (ties in a fixed order, for a repeatable
    result). ``dates`` holds each record's full date of birth (see :data:`FullDate`); it is
    needed by ``"constrained"`` only.

    With ``attach_below`` (constrained only), links below that probability are *weak*: a weak
    link never joins two clusters of several records; it only attaches a record that is still
    alone (to its most probable compatible cluster, since links come most probable first).
    Links at or above it join clusters as usual. ``best_probability`` of a record is the highest
    probability of a link to another record of its final cluster (1.0 when alone).
    """
    if method not in METHODS:
        raise ValueError(f"unknown clustering method {method!r}; use one of {', '.join(METHODS)}")
    links = list(links)
    parent = list(range(n_records))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    if method == "components":
        for i, j, _ in links:
            a, b = find(i), find(j)
            if a != b:
                parent[b] = a
    else:
        if dates is None:
            raise ValueError("constrained clustering needs each record's date of birth")
        # per cluster root: the distinct full dates of birth of its records (None = none yet)
        seen: list[set | None] = [{d} if d is not None else None for d in dates]
        size = [1] * n_records
        for i, j, p in links:
            a, b = find(i), find(j)
            if a == b:
                continue
            if attach_below is not None and p < attach_below and size[a] > 1 and size[b] > 1:
                continue
            da, db = seen[a], seen[b]
            if da is not None and db is not None:
                if any(not dates_compatible(x, y, tolerance) for x in da for y in db):
                    continue
            if da is not None and db is not None and len(da) < len(db):
                a, b, da, db = b, a, db, da
            parent[b] = a
            size[a] += size[b]
            if db is not None:
                if da is None:
                    seen[a] = db
                else:
                    da |= db
            seen[b] = None
    root = [find(i) for i in range(n_records)]
    best = [0.0] * n_records
    for i, j, p in links:
        if root[i] == root[j]:
            if p > best[i]:
                best[i] = p
            if p > best[j]:
                best[j] = p
    for i in range(n_records):
        if best[i] == 0.0:
            best[i] = 1.0
    return Clusters(root=root, best_probability=best)
