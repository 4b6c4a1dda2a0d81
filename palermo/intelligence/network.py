"""An entity's neighbourhood drawn on the server as accessible SVG (no JavaScript): the entity in
the middle, the entities linked to it on a circle, each line a link the user may see. The page
gives the same links as a table (the text alternative); the SVG has ``role="img"``, a ``<title>``
and a ``<desc>``, and is styled by classes from the stylesheet (the CSP forbids ``style=""``)."""

from __future__ import annotations

import math
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
