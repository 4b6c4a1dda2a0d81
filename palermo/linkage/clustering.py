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

#: Links below this probability are not used to place clusters without a full date of birth:
#: their odds are too small to change a decision (measured: a floor of 0.05 or 0.2 moved F1
#: by about 0.001 at 100k and 1M records).
ASSIGN_FLOOR = 0.2

#: The default for ``assign_threshold``: the probability, among the clusters it could join and
#: none, that a cluster without a full date of birth belongs to its best one. Pairwise F1 is
#: best when a link is made at about 0.5 (a false link and a missed one cost about the same).
ASSIGN_THRESHOLD = 0.5

#: Placing a cluster without a full date: the most its years of birth (1 January placeholders)
#: may be from the years of the cluster it joins. An age estimate is often a year off, and a
#: recorded date can carry a disputed year up to 2 off (100k records: F1 0.9351 with no limit,
#: 0.9370 at 2, 0.9366 at 3, 0.9365 at 4; 3 leaves room for a worse estimate).
PLACEHOLDER_YEAR_TOLERANCE = 3

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
    #: clusters without a full date of birth placed by :func:`assign_dateless`
    assigned: int = 0

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
    threshold: float = 0.0,
    assign_threshold: float | None = None,
    years: Sequence[int | None] | None = None,
) -> Clusters:
    """Cluster records ``0 … n_records-1`` from ``links`` ``(i, j, probability)``.

    Links at or above ``threshold`` join clusters. ``links`` must be sorted from the most to
    the least probable (ties in a fixed order, for a repeatable result). ``dates`` holds each
    record's full date of birth (see :data:`FullDate`); it is needed by ``"constrained"`` only.

    With ``assign_threshold`` (constrained only), a second step places the clusters that hold
    **no full date of birth** (records with a missing date or a 1 January placeholder, alone or
    linked only to each other) — see :func:`assign_dateless`. It uses all the given links,
    including those below ``threshold``, so pass links down to a lower floor (e.g.
    :data:`ASSIGN_FLOOR`). ``years`` (each record's year of birth, full date or placeholder)
    keeps a cluster away from one whose years are too far from its own.

    ``best_probability`` of a record is the highest probability of a link to another record of
    its final cluster (1.0 when alone).
    """
    if method not in METHODS:
        raise ValueError(f"unknown clustering method {method!r}; use one of {', '.join(METHODS)}")
    if assign_threshold is not None and method != "constrained":
        raise ValueError("assigning dateless records needs constrained clustering")
    links = list(links)
    parent = list(range(n_records))
    assigned = 0

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    if method == "components":
        for i, j, p in links:
            if p < threshold:
                break
            a, b = find(i), find(j)
            if a != b:
                parent[b] = a
    else:
        if dates is None:
            raise ValueError("constrained clustering needs each record's date of birth")
        # per cluster root: the distinct full dates of birth of its records (None = none yet)
        seen: list[set | None] = [{d} if d is not None else None for d in dates]
        for i, j, p in links:
            if p < threshold:
                break
            a, b = find(i), find(j)
            if a == b:
                continue
            da, db = seen[a], seen[b]
            if da is not None and db is not None:
                if any(not dates_compatible(x, y, tolerance) for x in da for y in db):
                    continue
            if da is not None and db is not None and len(da) < len(db):
                a, b, da, db = b, a, db, da
            parent[b] = a
            if db is not None:
                if da is None:
                    seen[a] = db
                else:
                    da |= db
            seen[b] = None
        if assign_threshold is not None:
            first_step = [find(i) for i in range(n_records)]
            for unit, target in assign_dateless(
                root=first_step,
                dateless=[seen[r] is None for r in first_step],
                links=links,
                assign_threshold=assign_threshold,
                years=years,
            ):
                a, b = find(unit), find(target)
                if a != b:
                    parent[a] = b
                    assigned += 1
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
    return Clusters(root=root, best_probability=best, assigned=assigned)


def odds_shares(probabilities: dict) -> dict:
    """For one record and the people it could be (``{person: match probability}``), the
    probability that it is each of them rather than any other or someone seen nowhere else:
    ``o_k / (1 + Σ o)`` with ``o_k = p_k / (1 - p_k)``. Two matches at 0.8 give 0.44 each."""
    odds = {k: p / (1.0 - p) if p < 1.0 else 1e12 for k, p in probabilities.items()}
    total = 1.0 + sum(odds.values())
    return {k: o / total for k, o in odds.items()}


def assign_dateless(
    *,
    root: Sequence[int],
    dateless: Sequence[bool],
    links: Iterable[tuple[int, int, float]],
    assign_threshold: float,
    years: Sequence[int | None] | None = None,
) -> list[tuple[int, int]]:
    """Where to place each cluster that holds no full date of birth: ``(cluster, target)`` moves.

    A record with no date of birth, or only a 1 January placeholder, cannot be tied to one
    person by its date; with a common name it may score 0.8 against one *Nguyen Van Anh* and
    0.8 against another. Pairwise probabilities are each computed as if the record could only
    be that one person, so they are turned into a choice among all the clusters it could join:
    with ``o_k = p_k / (1 - p_k)``, the best link of the cluster to target cluster ``k``, the
    probability that it belongs to ``k`` is ``o_k / (1 + Σ o)`` (the 1 is "none of them": a
    person seen only here). The cluster moves to its best target when that probability is at
    least ``assign_threshold``: a record with one plausible match joins it at 0.8, one with two
    equally plausible matches stays where it is.

    ``root`` is each record's cluster after the first step, ``dateless[i]`` whether record
    ``i``'s cluster has no full date. Targets are the clusters of the first step, so a move
    never joins two clusters that hold full dates of birth (each dateless cluster makes at most
    one move; a target may itself be dateless and move on). Returns the moves, most probable
    first.

    With ``years`` (each record's year of birth, from a full date or a placeholder), a cluster
    is never placed with one where some year is more than :data:`PLACEHOLDER_YEAR_TOLERANCE`
    from one of its own: an age estimate of 1965 is not the person born in 1972, however alike
    the names (the model's weakest date level alone does not rule it out).
    """
    cluster_years: dict[int, set[int]] = {}
    if years is not None:
        for i, y in enumerate(years):
            if y is not None:
                cluster_years.setdefault(root[i], set()).add(y)

    def years_apart(u: int, t: int) -> bool:
        yu, yt = cluster_years.get(u), cluster_years.get(t)
        return bool(yu and yt) and any(abs(x - y) > PLACEHOLDER_YEAR_TOLERANCE for x in yu for y in yt)

    best: dict[int, dict[int, float]] = {}
    for i, j, p in links:
        a, b = root[i], root[j]
        if a == b:
            continue
        for unit, target, is_dateless in ((a, b, dateless[i]), (b, a, dateless[j])):
            if not is_dateless or years_apart(unit, target):
                continue
            targets = best.setdefault(unit, {})
            if p > targets.get(target, 0.0):
                targets[target] = p
    moves: list[tuple[float, int, int]] = []
    for unit, targets in best.items():
        shares = odds_shares(targets)
        target = max(shares, key=lambda t: (shares[t], -t))
        if shares[target] >= assign_threshold:
            moves.append((shares[target], unit, target))
    moves.sort(key=lambda m: (-m[0], m[1]))
    return [(unit, target) for _, unit, target in moves]
