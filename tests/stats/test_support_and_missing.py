"""Support placements and children missing from care in the statistics (issue 11): each table on
a hand-built record set with known answers, totals equal to the sums of their parts, the fast
counts equal to each table's reference SQL, disclosure control in the published view, and the
same tables from records made through the support and children apps' own services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.stats.compute import count_table, finest_counts, reference_counts
from palermo.stats.definitions import TABLES
from palermo.stats.params import bands_at
from palermo.stats.periods import Period
from palermo.stats.release import PUBLISHED_VIEW, UNSUPPRESSED_VIEW, release_build, release_json

from .records import episode, placement, referral, snapshot
from .test_tables import test_every_total_is_the_sum_of_its_parts_before_suppression as sums_check

D = dt.date
YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))
NEW = ("support_started_provider_kind", "support_ended_exit_reason", "missing_episodes_quarter",
       "missing_episodes_nationality")

TERMS = [("POPPY", D(2003, 3, 1), "other"), ("POPPY", D(2023, 7, 1), "subcontractor"),
         ("SALV", D(2011, 7, 1), "prime_contractor")]  # MIGHELP: no term
PLACEMENTS = [
    placement(1, "SALV", "women_only", D(2023, 1, 5), D(2023, 3, 1), "move_on_completed"),
    placement(2, "SALV", "men_only", D(2023, 2, 10), D(2023, 8, 1), "chose_to_leave"),
    placement(3, "POPPY", "women_only", D(2023, 6, 30)),  # the day before Poppy's new term: 'other'
    placement(4, "POPPY", "women_only", D(2023, 7, 1), D(2024, 1, 10), "missing"),  # ends after the period
    placement(5, "MIGHELP", "outreach", D(2023, 11, 1), D(2023, 12, 31), ""),  # ended with no coded reason
    placement(6, "SALV", "mixed", D(2022, 12, 31), D(2023, 4, 4), "left_uk"),  # started before the period
    placement(7, "SALV", "retired_code", D(2023, 5, 5)),
]
EPISODES = [
    episode(1, D(2023, 1, 3), "VNM", "found_by_police"),
    episode(2, D(2023, 1, 20), "VNM"),  # still missing
    episode(3, D(2023, 5, 1), "CHN", "returned_to_placement"),
    episode(4, D(2023, 5, 2), "CHN", ""),  # returned; how not recorded
    episode(5, D(2023, 10, 10), None, "found_by_police"),
    episode(6, D(2022, 12, 30), "VNM", "found_by_police"),  # before the period
    episode(7, D(2023, 10, 11), "Vietnam", None),  # not a code: nationality not specified
]


@pytest.fixture(scope="module")
def snap():
    return snapshot([referral(1, D(2023, 1, 10))], placements=PLACEMENTS, provider_terms=TERMS, episodes=EPISODES)


@pytest.fixture(scope="module")
def release(snap):
    return release_build(snapshot=snap, period=YEAR, view=UNSUPPRESSED_VIEW)


def counts(table, dim: str, **fixed) -> dict:
    keys = [tuple((fixed | {dim: code}).get(d) for d in table.definition.dimensions) for code in table.values(dim)]
    return {k[table.definition.dimensions.index(dim)]: table.cells[k].count for k in keys if k in table.cells}


def test_placements_started_by_provider_kind_then_provider_and_kind_of_place(release):
    t = release.table("support_started_provider_kind")
    assert t.total().count == 6  # placement 6 started before the period
    # the kind in force on the day it started: Poppy was 'other' on 30 June, a subcontractor from 1 July
    assert counts(t, "provider_kind") == {"other": 1, "prime_contractor": 3, "subcontractor": 1, "not_specified": 1}
    assert t.cell(provider_kind="prime_contractor", provider="SALV").count == 3
    assert t.cell(provider_kind="subcontractor", provider="POPPY").count == 1
    assert counts(t, "placement_kind") == {"women_only": 3, "men_only": 1, "mixed": 0, "outreach": 1,
                                           "not_specified": 1}
    assert t.cell(provider_kind="prime_contractor", placement_kind="women_only").count == 1
    assert t.label("provider", "POPPY") == "The Poppy Project" and t.label("provider_kind", "subcontractor") == \
        "Subcontractor"


def test_placements_ended_by_quarter_and_coded_exit_reason(release):
    t = release.table("support_ended_exit_reason")
    assert t.total().count == 4  # placement 4 ends after the period; 3 and 7 are open
    assert counts(t, "quarter") == {"2023-Q1": 1, "2023-Q2": 1, "2023-Q3": 1, "2023-Q4": 1}
    reasons = counts(t, "exit_reason")
    assert {k: v for k, v in reasons.items() if v} == {"move_on_completed": 1, "chose_to_leave": 1, "left_uk": 1,
                                                      "not_specified": 1}
    assert set(reasons) >= {"missing", "died", "withdrawn_from_nrm"}  # every coded reason is shown, zeros too
    assert t.cell(quarter="2023-Q2", exit_reason="left_uk").count == 1


def test_missing_episodes_by_quarter_and_whether_and_how_found(release):
    t = release.table("missing_episodes_quarter")
    assert t.total().count == 6  # episode 6 began before the period
    assert counts(t, "quarter") == {"2023-Q1": 2, "2023-Q2": 2, "2023-Q3": 0, "2023-Q4": 2}
    assert counts(t, "returned") == {"returned": 4, "still_missing": 2}
    assert counts(t, "found_where", returned="returned") == {
        "returned_to_placement": 1, "found_by_police": 2, "not_specified": 1}
    assert t.cell(quarter="2023-Q1", returned="still_missing").count == 1
    assert t.cell(quarter="2023-Q4", returned="returned", found_where="found_by_police").count == 1


def test_missing_episodes_by_nationality(release):
    t = release.table("missing_episodes_nationality")
    assert counts(t, "nationality") == {"CHN": 2, "VNM": 2, "not_specified": 2}
    assert t.cell(nationality="VNM", returned="returned").count == 1
    assert t.cell(nationality="not_specified", returned="still_missing").count == 1
    assert t.label("nationality", "CHN") == "China"


def test_every_total_is_the_sum_of_its_parts(release):
    sums_check(release)


def test_fast_counts_equal_the_reference_sql(snap):
    bands, _ = bands_at(YEAR.end)
    for definition in (d for d in TABLES if d.id in NEW):
        dense, categories = finest_counts(definition, snap, YEAR, bands=bands)
        fast = {k: int(n) for k, n in zip(itertools.product(*categories), dense.flatten(), strict=True) if n}
        assert fast == reference_counts(definition, snap, YEAR, bands=bands), definition.id


def test_published_view_suppresses_small_counts_and_the_cells_that_give_them_back(snap):
    published = release_build(snapshot=snap, period=YEAR, view=PUBLISHED_VIEW)
    for table_id in NEW:
        t = published.table(table_id)
        small = [c for c in t.cells.values() if 0 < c.count < published.threshold]
        assert small and all(c.suppressed and c.shown is None for c in small), table_id
    data = release_json(published)
    rows = [r for t in data["tables"] if t["id"] in NEW for r in t["rows"]]
    assert rows and all(r["count"] is None for r in rows if r["suppressed"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.dates(D(2022, 10, 1), D(2024, 3, 31)), st.sampled_from(["SALV", "POPPY", "MIGHELP"]),
                          st.sampled_from(["women_only", "outreach", "x"]), st.one_of(st.none(), st.integers(0, 200)),
                          st.sampled_from(["", "missing", "left_uk", "zz"])), max_size=30),
       st.lists(st.tuples(st.dates(D(2022, 10, 1), D(2024, 3, 31)), st.sampled_from(["VNM", "CHN", None, "x"]),
                          st.sampled_from([None, "", "found_by_police", "zz"])), max_size=30))
def test_fast_counts_equal_the_reference_sql_on_random_records(places, missing):
    snap = snapshot([], provider_terms=TERMS,
                    placements=[placement(i, p, k, s, None if e is None else s + dt.timedelta(days=e), r)
                                for i, (s, p, k, e, r) in enumerate(places, 1)],
                    episodes=[episode(i, d, n, f) for i, (d, n, f) in enumerate(missing, 1)])
    bands, _ = bands_at(YEAR.end)
    for period in (YEAR, Period(D(2023, 4, 1), D(2024, 3, 31))):
        for definition in (d for d in TABLES if d.id in NEW):
            dense, categories = finest_counts(definition, snap, period, bands=bands)
            fast = {k: int(n) for k, n in zip(itertools.product(*categories), dense.flatten(), strict=True) if n}
            assert fast == reference_counts(definition, snap, period, bands=bands), definition.id
            assert count_table(definition, snap, period, bands=bands).cells[
                tuple([None] * len(definition.dimensions))] == sum(fast.values())


@pytest.mark.django_db
def test_the_snapshot_reads_placements_and_episodes_made_through_the_apps_services(world):
    """One consistent read of the support and children apps' own records: codes and dates only."""
    from django.utils import timezone

    from palermo.stats.snapshot import snapshot_load
    from palermo.support import services as support
    from palermo.support.schemas import PlacementEndIn
    from tests.children.helpers import at, bring_back, child_case, report
    from tests.children.helpers import place as care
    from tests.support.helpers import awaiting_case, place, providers_ready

    providers_ready()
    ended = place(world, awaiting_case(world), kind="women_only")
    support.placement_end(actor=world.support, placement=ended, data=PlacementEndIn(
        end_on=timezone.localdate(), exit_reason="chose_to_leave"))
    place(world, awaiting_case(world), kind="mixed")
    returned, missing = child_case(world, nationalities=["ALB"]), child_case(world, nationalities=["ALB"])
    for case in (returned, missing):
        care(world, case, started=at(days_ago=5))
    episode_1, _ = report(world, returned, went=at(days_ago=2))
    bring_back(world, returned, episode_1, when=at(days_ago=1))
    report(world, missing, went=at(days_ago=1))

    # codes and dates only: nothing of the encrypted details of an episode reaches the snapshot
    from palermo.stats.snapshot import _read_database

    tables, _ = _read_database()
    text = [str(v) for t in tables.values() for c in t.columns for v in c.to_pylist()]
    assert text and not any("unhurt" in v or "Synthetic" in v for v in text)
    assert set(tables["missing_raw"].column_names) == {"id", "went_missing_on", "nationality", "returned", "found_where"}

    today = timezone.localdate()
    release = release_build(snapshot=snapshot_load(), period=Period(today - dt.timedelta(days=40), today),
                            view=UNSUPPRESSED_VIEW)
    started = release.table("support_started_provider_kind")
    assert started.total().count == 2
    assert counts(started, "placement_kind") == {"women_only": 1, "men_only": 0, "mixed": 1, "outreach": 0,
                                                 "not_specified": 0}
    assert started.cell(provider_kind="prime_contractor", provider="SALVARMY").count == 2
    assert release.table("support_ended_exit_reason").cell(exit_reason="chose_to_leave").count == 1
    by_nationality = release.table("missing_episodes_nationality")
    assert by_nationality.cell(nationality="ALB").count == 2
    assert by_nationality.cell(nationality="ALB", returned="returned").count == 1
    assert release.table("missing_episodes_quarter").cell(returned="returned", found_where="found_by_police").count == 1
