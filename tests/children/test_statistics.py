"""Time from a care placement starting to the child's first missing episode from it, by care
setting and by nationality, on a hand-built set whose answers are worked out by hand; and the
small-number rules (seed note §6: "most within a week and many within 24 hours")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from palermo.children.policy import Band
from palermo.children.selectors import _row, missing_statistics_for_user
from palermo.core.exceptions import NotAllowed
from tests.children.helpers import bring_back, child_case, place, report
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db

# setting, nationality, hours from placement to each missing episode (first one counts)
HAND_BUILT = [
    ("Skyview House", "CHN", [3]),
    ("Skyview House", "CHN", [20, 60]),  # went missing twice: 20 hours is the first
    ("Skyview House", "CHN", [30]),
    ("Skyview House", "CHN", [100]),
    ("Skyview House", "CHN", [400]),
    ("Skyview House", "CHN", []),
    ("Acorn Lodge", "VNM", [10]),
    ("Acorn Lodge", "VNM", []),
    ("Foster care – Meadow Fostering", "VNM", []),
]


@pytest.fixture
def hand_built(kids):
    start = timezone.now() - dt.timedelta(days=40)
    for setting, nat, hours in HAND_BUILT:
        case = child_case(kids, nationalities=[nat])
        kind = "foster_care" if setting.startswith("Foster") else "childrens_home"
        place(kids, case, started=start, setting=setting, kind=kind)
        for h in hours:
            episode, _ = report(kids, case, went=start + dt.timedelta(hours=h))
            bring_back(kids, case, episode, when=start + dt.timedelta(hours=h + 2))
    # another local authority's placement: never in Hillingdon's figures
    other = child_case(kids, la="CARDIFF", actor=kids.responder, nationalities=["CHN"])
    from palermo.children.schemas import PlacementIn
    from palermo.children.services import placement_start

    placement_start(actor=kids.cardiff, case=other, data=PlacementIn(new_setting_name="Tŷ Derwen",
                                                                     new_setting_kind="childrens_home", started_at=start))
    return kids


def rows(stats, which):
    return {r.label: (r.placements, r.went_missing, r.within, r.median_hours, r.combined) for r in getattr(stats, which)}


def test_the_local_authority_sees_its_placements_by_setting_and_nationality_with_small_groups_combined(hand_built):
    stats = missing_statistics_for_user(user=hand_built.children)
    assert [b.hours for b in stats.bands] == [24, 168] and stats.minimum == 5
    assert rows(stats, "by_setting") == {
        "Skyview House": (6, 5, [2, 4], 30.0, False),
        "Other settings (each with fewer than 5 placements)": (3, 1, [1, 1], None, True),
    }
    assert rows(stats, "by_nationality") == {
        "China": (6, 5, [2, 4], 30.0, False),
        "Other nationalities (each with fewer than 5 placements)": (3, 1, [1, 1], None, True),
    }
    total = stats.total
    assert (total.placements, total.went_missing, total.within, total.median_hours) == (9, 6, [3, 5], 25.0)
    assert stats.shown(3) == "3" and stats.share(3, 6) == "50%" and stats.share(1, 3) == ""


def test_aggregate_roles_see_every_local_authority_with_counts_below_five_hidden(hand_built):
    stats = missing_statistics_for_user(user=hand_built.analyst)
    assert stats.scope == "national" and stats.total.placements == 10
    assert "Skyview House (London Borough of Hillingdon)" in rows(stats, "by_setting")
    assert stats.shown(4) == "fewer than 5" and stats.shown(0) == "0" and stats.shown(5) == "5"
    assert stats.share(3, 6) == "", "a share of a hidden count would give the count away"
    html = web(hand_built.monitor).get("/children/missing-statistics/").content.decode()
    assert "fewer than 5" in html and "Skyview House" in html


def test_the_page_and_the_api_agree(hand_built):
    html = web(hand_built.children).get("/children/missing-statistics/").content.decode()
    assert "Skyview House" in html and "too few to show" in html and "(50%)" in html
    data = Api(hand_built.children).get("/children/missing-statistics").json()
    assert data["total"] == {"label": "All placements", "combined": False, "placements": "9", "went_missing": "6",
                             "within": {"within 24 hours": "3", "within a week": "5"}, "median_hours": 25.0}
    assert data["rules"] == ["children.statistics_minimum_count@2009-04-01", "children.missing_time_bands@2009-05-05"]


@pytest.mark.parametrize("who", ["responder", "decider", "reviewer", "support", "intel", "admin"])
def test_roles_without_a_reason_to_see_it_are_refused(kids, who):
    with pytest.raises(NotAllowed):
        missing_statistics_for_user(user=getattr(kids, who))
    assert web(getattr(kids, who)).get("/children/missing-statistics/").status_code == 403


BANDS = [Band(24, "within 24 hours"), Band(168, "within a week")]


@given(hours=st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=5000, allow_nan=False)), max_size=40),
       minimum=st.integers(min_value=1, max_value=10))
def test_band_counts_nest_and_a_median_needs_enough_children(hours, minimum):
    """Within 24 hours ≤ within a week ≤ went missing ≤ placements; a median is given exactly when
    at least ``minimum`` children went missing, and lies between the fastest and the slowest."""
    row = _row("x", [(None, h) for h in hours], BANDS, minimum)
    went = [h for h in hours if h is not None]
    assert row.within[0] <= row.within[1] <= row.went_missing == len(went) <= row.placements == len(hours)
    assert (row.median_hours is not None) == (len(went) >= minimum)
    if row.median_hours is not None:
        assert round(min(went), 1) <= row.median_hours <= round(max(went), 1)
