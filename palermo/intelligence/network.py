"""An entity's neighbourhood drawn on the server as accessible SVG (no JavaScript): the entity in
the middle, the entities linked to it on a circle, each line a link the user may see. The page
gives the same links as a table (the text alternative); the SVG has ``role="img"``, a ``<title>``
and a ``<desc>``, and is styled by classes from the stylesheet (the CSP forbids ``style=""``). The picture holds no
links (an image with links inside is nested interaction, which axe refuses): the table has them."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

WIDTH, HEIGHT, RADIUS = 640, 420, 150
MAX_NEIGHBOURS = 24


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    centre: bool
    href: str


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


def neighbourhood_layout(*, centre_label: str, neighbours: list[tuple[str, str]]) -> tuple[list[Node], list[Edge], int]:
    """Positions for the centre and up to ``MAX_NEIGHBOURS`` neighbours ``(label, href)`` evenly on a
    circle, in the order given (deterministic). Returns nodes, edges and how many were left out."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    shown = neighbours[:MAX_NEIGHBOURS]
    nodes = [Node(cx, cy, centre_label, True, "")]
    edges = []
    for i, (label, href) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        x, y = round(cx + RADIUS * math.cos(angle), 1), round(cy + RADIUS * math.sin(angle), 1)
        nodes.append(Node(x, y, label, False, href))
        edges.append(Edge(cx, cy, x, y))
    return nodes, edges, len(neighbours) - len(shown)


# --- network analysis (igraph; chosen by measured speed, see benchmarks/network.py) -------------


@dataclass
class Network:
    """The link graph a user may see: vertex i is entity ``ids[i]``."""

    graph: object  # igraph.Graph
    ids: list[int]
    kinds: list[str]

    def index(self, entity_id: int) -> int | None:
        return self._pos.get(entity_id)

    def __post_init__(self):
        self._pos = {e: i for i, e in enumerate(self.ids)}


def network_build(edges: list[tuple[int, int]], kinds: dict[int, str]) -> Network:
    import igraph as ig

    ids = sorted(kinds)
    pos = {e: i for i, e in enumerate(ids)}
    g = ig.Graph(n=len(ids), edges=[(pos[a], pos[b]) for a, b in edges])
    return Network(g, ids, [kinds[e] for e in ids])


def network_for_user(*, user) -> Network:
    """The graph of the links evidenced by at least one report the user may see (the handling-code
    selector), with every entity those links touch."""
    from palermo.intelligence.models import Entity, LinkEvidence
    from palermo.intelligence.selectors import report_list_for_user

    pairs = set(LinkEvidence.objects.filter(report__in=report_list_for_user(user=user))
                .values_list("link__a_id", "link__b_id"))
    ends = {e for p in pairs for e in p}
    kinds = dict(Entity.objects.filter(pk__in=ends).values_list("pk", "kind")) if ends else {}
    return network_build(sorted(pairs), kinds)


def connected_groups(net: Network, *, limit: int = 20) -> list[dict]:
    """Connected components, largest first: size and how many of each kind."""
    out = []
    for comp in net.graph.connected_components():
        counts: dict[str, int] = {}
        for v in comp:
            counts[net.kinds[v]] = counts.get(net.kinds[v], 0) + 1
        out.append({"size": len(comp), "kinds": counts, "members": sorted(net.ids[v] for v in comp)[:10]})
    out.sort(key=lambda c: (-c["size"], c["members"][0]))
    return out[:limit]


#: Above this many entities betweenness is not computed (even limited to short paths it grows with
#: vertices × reach): the most central are then ranked by their number of links alone.
BETWEENNESS_MAX_VERTICES = 2_000


def most_central(net: Network, *, kinds: set[str], limit: int = 10, cutoff: int = 4) -> list[dict]:
    """Entities of ``kinds`` by betweenness limited to paths of ``cutoff`` links (an approximation:
    exact betweenness is too slow for the whole repository), then degree, highest first; on a
    graph over ``BETWEENNESS_MAX_VERTICES`` (2,000: at 20,000 entities and 100,000 links it took 215 s in benchmarks/network.py) by degree only (betweenness None)."""
    if net.graph.vcount() == 0:
        return []
    degree = net.graph.degree()
    big = net.graph.vcount() > BETWEENNESS_MAX_VERTICES
    between = [None] * len(degree) if big else [round(b, 1) for b in net.graph.betweenness(cutoff=cutoff)]
    rows = [{"entity_id": net.ids[v], "kind": net.kinds[v], "degree": degree[v], "betweenness": between[v]}
            for v in range(len(net.ids)) if net.kinds[v] in kinds]
    rows.sort(key=lambda r: (-(r["betweenness"] or 0), -r["degree"], r["entity_id"]))
    return rows[:limit]


def shortest_path(net: Network, a: int, b: int) -> list[int] | None:
    """Entity ids along a shortest path from ``a`` to ``b`` (both included), or None."""
    ia, ib = net.index(a), net.index(b)
    if ia is None or ib is None:
        return None
    with warnings.catch_warnings():  # igraph warns when the two are not connected: that is an answer
        warnings.simplefilter("ignore", RuntimeWarning)
        path = net.graph.get_shortest_path(ia, to=ib)
    return [net.ids[v] for v in path] if path else None


def neighbourhood(net: Network, entity_id: int, *, order: int = 2) -> list[int]:
    """Entities within ``order`` links of ``entity_id`` (itself excluded)."""
    i = net.index(entity_id)
    if i is None:
        return []
    return sorted(net.ids[v] for v in net.graph.neighborhood(i, order=order) if v != i)
