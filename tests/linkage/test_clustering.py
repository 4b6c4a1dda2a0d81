"""Constrained clustering on hand-made links (no Splink): cannot-link dates, chains, ties."""

import pytest

from palermo.linkage.clustering import cluster_links, dates_compatible
from palermo.linkage.linking import link_records


def _groups(clusters, n):
    out: dict[int, set[int]] = {}
    for i in range(n):
        out.setdefault(clusters.root[i], set()).add(i)
    return sorted(sorted(g) for g in out.values())


def test_dates_compatible_allows_the_errors_of_one_person():
    assert dates_compatible((1990, 5, 17), (1990, 5, 17))
    assert dates_compatible((1990, 5, 7), (1990, 7, 5))  # day and month swapped
    assert dates_compatible((1990, 5, 17), (1992, 5, 17))  # disputed age
    assert dates_compatible((1988, 5, 17), (1992, 5, 17))  # both records disputed, opposite ways
    assert dates_compatible((1990, 5, 7), (1992, 7, 5))  # swapped and disputed
    assert not dates_compatible((1990, 5, 17), (1990, 5, 18))
    assert not dates_compatible((1990, 5, 17), (1995, 5, 17))
    assert not dates_compatible((1990, 5, 17), (1971, 11, 2))


def test_bridge_between_two_people_with_conflicting_dates_is_not_merged():
    """A, B: one person (1990-05-17); C, D: another (1985-03-02); X has no date and links to both."""
    dates = [(1990, 5, 17), (1990, 5, 17), (1985, 3, 2), (1985, 3, 2), None]
    links = [(0, 1, 0.999), (2, 3, 0.998), (4, 0, 0.95), (4, 2, 0.94)]
    plain = cluster_links(n_records=5, links=links, dates=dates, method="components")
    assert _groups(plain, 5) == [[0, 1, 2, 3, 4]]  # the bridge chains two people
    constrained = cluster_links(n_records=5, links=links, dates=dates)
    assert _groups(constrained, 5) == [[0, 1, 4], [2, 3]]  # X joins its most probable link only
    assert constrained.best_probability[4] == 0.95
    assert constrained.best_probability[2] == 0.998


def test_direct_link_between_conflicting_dates_is_refused():
    dates = [(1990, 5, 17), (1971, 11, 2)]
    found = cluster_links(n_records=2, links=[(0, 1, 0.99)], dates=dates)
    assert _groups(found, 2) == [[0], [1]]
    assert found.best_probability == [1.0, 1.0]


def test_chain_of_consistent_records_is_one_cluster():
    """Exact date, disputed year, day/month swap, placeholder and missing dates: all one person."""
    dates = [(1990, 5, 7), (1991, 5, 7), (1990, 7, 5), None, None, (1992, 5, 7)]
    links = [(0, 1, 0.99), (1, 2, 0.97), (2, 3, 0.96), (3, 4, 0.93), (4, 5, 0.91)]
    found = cluster_links(n_records=6, links=links, dates=dates)
    assert _groups(found, 6) == [[0, 1, 2, 3, 4, 5]]


def test_conflict_is_checked_against_every_date_in_the_cluster():
    """C is compatible with B (swap) but not with A, which is already in B's cluster."""
    dates = [(1990, 5, 7), (1991, 5, 7), (1995, 7, 5)]
    # (1991-05-07, 1995-07-05): swap but 4 years, compatible; (1990-05-07, 1995-07-05): 5 years
    found = cluster_links(n_records=3, links=[(0, 1, 0.99), (1, 2, 0.95)], dates=dates)
    assert _groups(found, 3) == [[0, 1], [2]]


def test_links_are_taken_most_probable_first():
    """The caller sorts; with X's stronger link first, X goes to C and D, not to A and B."""
    dates = [(1990, 5, 17), (1990, 5, 17), (1985, 3, 2), (1985, 3, 2), None]
    links = [(0, 1, 0.999), (2, 3, 0.998), (4, 2, 0.97), (4, 0, 0.95)]
    found = cluster_links(n_records=5, links=links, dates=dates)
    assert _groups(found, 5) == [[0, 1], [2, 3, 4]]


def test_labels_are_the_smallest_record_id():
    found = cluster_links(n_records=3, links=[(1, 2, 0.99)], dates=[None, None, None])
    assert found.labels(["r9", "r5", "r2"]) == ["r9", "r2", "r2"]


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown clustering"):
        cluster_links(n_records=1, links=[], method="louvain")
    with pytest.raises(ValueError, match="unknown clustering"):
        link_records(records=[], clustering="louvain")


def test_link_records_does_not_chain_two_people_through_a_dateless_record():
    """Two Nguyen Van Anh with different birthdays and one with no date: never all three."""
    people = [
        ("a1", "1990-05-17"), ("a2", "1990-05-17"), ("b1", "1985-03-02"), ("b2", "1985-03-02"), ("x", ""),
    ]  # fmt: skip
    records = [
        {"record_id": rid, "given_name": "Van Anh", "family_name": "Nguyen", "date_of_birth": dob,
         "gender": "M", "nationality": "Vietnam"}
        for rid, dob in people
    ]  # fmt: skip
    for clustering in ("components", "constrained"):
        rows = link_records(records=records, clustering=clustering, threshold=0.5).clusters.to_pylist()
        cluster = {r["record_id"]: r["cluster_id"] for r in rows}
        assert cluster["a1"] == cluster["a2"] and cluster["b1"] == cluster["b2"]
        if clustering == "constrained":
            assert cluster["a1"] != cluster["b1"]


def test_weak_links_only_attach_a_record_that_is_alone():
    """Below ``attach_below`` a link attaches a lone record but never joins two clusters."""
    dates = [(1990, 5, 17), (1990, 5, 17), None, None, None]
    links = [(0, 1, 0.99), (2, 3, 0.95), (4, 0, 0.8), (3, 0, 0.75)]
    found = cluster_links(n_records=5, links=links, dates=dates, attach_below=0.9)
    assert _groups(found, 5) == [[0, 1, 4], [2, 3]]
    assert found.best_probability[4] == 0.8
    plain = cluster_links(n_records=5, links=links, dates=dates)
    assert _groups(plain, 5) == [[0, 1, 2, 3, 4]]
