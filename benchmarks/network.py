"""Intelligence network benchmark: Palermo's network queries beside the same query as a raw igraph
call, measured in the same run, on a synthetic graph of N entities and M links stored as Palermo
stores them (entities, links, one evidencing report per link).

    .venv/bin/python benchmarks/network.py [--entities 100000] [--links 500000] [--queries 20]
                                           [--compare-libraries]

Palermo's side reads the links through the handling-code selector (``network_for_user``: every
link evidenced by a report the user may see) and builds the graph; then neighbourhood (2 links),
shortest path, most central people (degree; betweenness above 2,000 entities is skipped) and
connected groups. The raw side is igraph on a graph built from the same edge list in memory: the
floor. ``--compare-libraries`` also times networkx and rustworkx (if installed) on the same edge
list: how igraph was chosen (docs/intelligence.md).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn, repeat=1):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def synthetic_edges(n: int, m: int, seed: int = 1) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < m:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            edges.add((min(a, b), max(a, b)))
    return sorted(edges)


def compare_libraries(n: int, edges, sources, pairs) -> None:
    import igraph as ig

    rows = []
    t, g = timed(lambda: ig.Graph(n=n, edges=edges))
    rows += [("igraph", "build", t), ("igraph", "neighbourhood", timed(lambda: g.neighborhood(sources, order=2))[0]),
             ("igraph", "shortest path", timed(lambda: [g.get_shortest_path(a, to=b) for a, b in pairs])[0]),
             ("igraph", "components", timed(lambda: g.connected_components())[0]),
             ("igraph", "degree", timed(lambda: g.degree())[0])]
    try:
        import networkx as nx

        t, h = timed(lambda: nx.Graph(edges))
        rows += [("networkx", "build", t),
                 ("networkx", "neighbourhood", timed(lambda: [nx.single_source_shortest_path_length(h, s, cutoff=2)
                                                             for s in sources])[0]),
                 ("networkx", "shortest path", timed(lambda: [nx.has_path(h, a, b) and nx.shortest_path(h, a, b)
                                                             for a, b in pairs])[0]),
                 ("networkx", "components", timed(lambda: list(nx.connected_components(h)))[0]),
                 ("networkx", "degree", timed(lambda: dict(h.degree))[0])]
    except ImportError:
        print("networkx not installed: skipped")
    try:
        import rustworkx as rx

        r = rx.PyGraph()

        def build():
            r.add_nodes_from(range(n))
            r.add_edges_from_no_data(edges)
            return r

        rows += [("rustworkx", "build", timed(build)[0]),
                 ("rustworkx", "shortest path", timed(lambda: [rx.dijkstra_shortest_paths(r, a, target=b)
                                                              for a, b in pairs])[0]),
                 ("rustworkx", "components", timed(lambda: rx.connected_components(r))[0]),
                 ("rustworkx", "degree", timed(lambda: [r.degree(v) for v in r.node_indices()])[0])]
    except ImportError:
        print("rustworkx not installed: skipped")
    print("\nlibrary comparison (same edge list, seconds):")
    for lib, query, t in rows:
        print(f"  {lib:10s} {query:15s} {t:9.3f}")


BATCH = 5_000


def store(n: int, edges: list[tuple[int, int]], user) -> None:
    """Write the graph into Palermo's own tables the way a bulk load would: entities (labels
    encrypted as the model does), one report per 1,000 links (handling code 1: every intelligence
    officer sees it), the links and one evidence row each — batched ``bulk_create`` with ids set
    here, so no model objects for 500,000 links stay in memory."""
    import datetime as dt

    from django.db import transaction

    from palermo.accounts.models import Organisation
    from palermo.intelligence.models import Entity, IntelligenceReport, Link, LinkEvidence

    kinds = ["person", "premises", "phone", "vehicle", "ocg"]
    with transaction.atomic():
        ukhtc = Organisation.objects.get(code="UKHTC")
        e0 = (Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for lo in range(0, n, BATCH):
            Entity.objects.bulk_create([Entity(pk=e0 + i, kind=kinds[i % 5], label=f"bench {i}")
                                        for i in range(lo, min(n, lo + BATCH))])
        r0 = (IntelligenceReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        n_reports = max(1, len(edges) // 1000)
        IntelligenceReport.objects.bulk_create([IntelligenceReport(
            pk=r0 + i, reference=f"IR-B-{i:06d}", submitting_organisation=ukhtc, submitted_by=user,
            reported_on=dt.date(2008, 1, 1), scheme="5x5x5", scheme_version="bench", source_evaluation="A",
            intelligence_assessment="1", handling_code="1", dissemination="law_enforcement", text="bench")
            for i in range(n_reports)], batch_size=BATCH)
        l0 = (Link.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for lo in range(0, len(edges), BATCH):
            chunk = range(lo, min(len(edges), lo + BATCH))
            Link.objects.bulk_create([Link(pk=l0 + i, a_id=e0 + edges[i][0], b_id=e0 + edges[i][1], kind="associate")
                                      for i in chunk])
            LinkEvidence.objects.bulk_create([LinkEvidence(link_id=l0 + i, report_id=r0 + i % n_reports) for i in chunk])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=500_000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--compare-libraries", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the result here (make bench)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="palermo-bench-")
    os.environ.setdefault("PALERMO_DATA_DIR", tmp)
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    import igraph as ig
    from django.db import connection

    from benchmarks._common import migrate
    from palermo.demo import organisations_load, users_load
    from palermo.intelligence import network as nw
    from palermo.intelligence.models import Entity

    migrate()
    users = users_load(organisations_load())
    intel = users["intel"]
    n, m = args.entities, args.links
    edges = synthetic_edges(n, m)
    t0 = time.perf_counter()
    store(n, edges, intel)
    t_store = time.perf_counter() - t0
    base = Entity.objects.order_by("pk").values_list("pk", flat=True).first()
    print(f"Intelligence network benchmark — {connection.vendor}, {n} entities, {m} links "
          f"(stored in {t_store:.1f} s through bulk inserts), {args.queries} queries each")
    rng = random.Random(2)
    sources = [rng.randrange(n) for _ in range(args.queries)]
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(args.queries)]

    t_raw_build, raw = timed(lambda: ig.Graph(n=n, edges=edges))
    t_build, net = timed(lambda: nw.network_for_user(user=intel))
    rows = [("build the graph", t_build, t_raw_build)]
    rows.append(("neighbourhood (2 links)",
                 timed(lambda: [nw.neighbourhood(net, base + s) for s in sources])[0],
                 timed(lambda: [raw.neighborhood(s, order=2) for s in sources])[0]))
    rows.append(("shortest path", timed(lambda: [nw.shortest_path(net, base + a, base + b) for a, b in pairs])[0],
                 timed(lambda: [raw.get_shortest_path(a, to=b) for a, b in pairs])[0]))
    if n > nw.BETWEENNESS_MAX_VERTICES:  # what Palermo does at this size: rank by degree
        central, raw_central = "most central people (degree)", lambda: sorted(range(n), key=raw.degree().__getitem__)[-10:]
    else:
        central, raw_central = "most central people (betweenness, 4 links)", lambda: raw.betweenness(cutoff=4)
    rows.append((central, timed(lambda: nw.most_central(net, kinds={"person"}))[0], timed(raw_central)[0]))
    rows.append(("connected groups", timed(lambda: nw.connected_groups(net))[0],
                 timed(lambda: raw.connected_components())[0]))
    print(f"{'query':32s} {'palermo s':>10s} {'raw igraph s':>13s} {'ratio':>7s}")
    for name, p, r in rows:
        print(f"{name:32s} {p:10.3f} {r:13.3f} {p / r if r else float('inf'):7.1f}")
    import resource

    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB "
          f"(the whole process: Django, the stored rows read back, both graphs)")
    if args.json:
        import json
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks._common import measure, result

        args.json.write_text(json.dumps(result(
            "network", {"entities": n, "links": m, "queries": args.queries},
            [measure(name, p, "s", floor=r or None, floor_name="the same igraph call in memory") for name, p, r in rows]
            + [measure("store the graph (bulk inserts, not a query)", t_store, "s")],
            database=connection.vendor), indent=2))
    if args.compare_libraries:
        compare_libraries(n, edges, sources, pairs)


if __name__ == "__main__":
    main()
