"""Constrained clustering on hand-made links (no Splink): cannot-link dates, chains, ties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_record_without_a_date_joins_its_one_plausible_match_below_the_threshold():
    """No date of birth, one plausible match at 0.8: placed there (0.8 / 1.8 odds share = 0.8)."""
    dates = [(1990, 5, 17), (1990, 5, 17), None]
    links = [(0, 1, 0.99), (2, 0, 0.8)]
    found = cluster_links(n_records=3, links=links, dates=dates, threshold=0.9, assign_threshold=0.5)
    assert _groups(found, 3) == [[0, 1, 2]]
    assert found.best_probability[2] == 0.8
    assert found.assigned == 1
    without = cluster_links(n_records=3, links=links, dates=dates, threshold=0.9)
    assert _groups(without, 3) == [[0, 1], [2]]


def test_a_record_without_a_date_between_two_equal_matches_stays_alone():
    """0.8 to one Nguyen Van Anh and 0.8 to another: 4 / (1 + 4 + 4) = 0.44, not placed."""
    dates = [(1990, 5, 17), (1985, 3, 2), None]
    links = [(2, 0, 0.8), (2, 1, 0.8)]
    found = cluster_links(n_records=3, links=links, dates=dates, threshold=0.9, assign_threshold=0.5)
    assert _groups(found, 3) == [[0], [1], [2]]
    # with a clearly better one (0.95 → odds 19 against 4), it goes there
    links = [(2, 0, 0.95), (2, 1, 0.8)]
    found = cluster_links(n_records=3, links=links, dates=dates, threshold=0.99, assign_threshold=0.5)
    assert _groups(found, 3) == [[0, 2], [1]]


def test_assignment_never_joins_two_clusters_with_full_dates():
    """Dated clusters are only ever targets: a chain of dateless records cannot bridge them."""
    dates = [(1990, 5, 17), (1985, 3, 2), None, None]
    links = [(2, 0, 0.85), (3, 1, 0.85), (2, 3, 0.7), (2, 1, 0.3)]
    found = cluster_links(n_records=4, links=links, dates=dates, threshold=0.9, assign_threshold=0.5)
    groups = _groups(found, 4)
    assert not any(0 in g and 1 in g for g in groups)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from([(1990, 5, 17), (1985, 3, 2), (1971, 11, 2)])), min_size=2, max_size=9),
    st.data(),
)
def test_clusters_never_hold_incompatible_full_dates(dates, data):
    """Whatever the links, no cluster ends with two full dates that cannot be one person's."""
    n = len(dates)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    probs = data.draw(st.lists(st.floats(0.2, 1.0), min_size=len(chosen), max_size=len(chosen)))
    links = sorted(((i, j, p) for (i, j), p in zip(chosen, probs, strict=True)), key=lambda x: (-x[2], x[0], x[1]))
    found = cluster_links(n_records=n, links=links, dates=dates, threshold=0.9, assign_threshold=0.5)
    for group in _groups(found, n):
        full = [dates[i] for i in group if dates[i] is not None]
        assert all(dates_compatible(a, b) for a in full for b in full)


def test_an_age_estimate_years_away_is_not_placed_with_a_person():
    """A 1965 placeholder and a person born in 1972: not placed, however likely the pair scored."""
    dates = [(1972, 3, 2), None, None]
    years = [1972, 1965, 1970]
    links = [(1, 0, 0.8), (2, 0, 0.8)]
    found = cluster_links(n_records=3, links=links, dates=dates, threshold=0.9, assign_threshold=0.5, years=years)
    assert _groups(found, 3) == [[0, 2], [1]]  # 1970 is within 3 years of 1972; 1965 is not
