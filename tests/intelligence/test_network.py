"""Network queries on a known graph, over the links a user may see; the groups' dated lifecycle and
the Reflex-style figures (seed note §7.1) as a query."""

import datetime as dt

import pytest
from django.test import Client

from palermo.core.exceptions import TransitionRefused, ValidationFailed
from palermo.intelligence import network as nw
from palermo.intelligence.groups import group_figures_for_user, group_status_record
from palermo.intelligence.models import Entity

from .helpers import Intel

#  1 - 2 - 3 - 4      5 - 6      (2 and 3 are people, 1 premises)
KINDS = {1: "premises", 2: "person", 3: "person", 4: "phone", 5: "vehicle", 6: "person"}
EDGES = [(1, 2), (2, 3), (3, 4), (5, 6)]


def test_components_paths_neighbourhoods_and_centrality_on_a_known_graph():
    net = nw.network_build(EDGES, KINDS)
    assert [g["size"] for g in nw.connected_groups(net)] == [4, 2]
    assert nw.shortest_path(net, 1, 4) == [1, 2, 3, 4]
    assert nw.shortest_path(net, 1, 6) is None
    assert nw.neighbourhood(net, 1, order=2) == [2, 3]
    central = nw.most_central(net, kinds={"person"})
    assert {r["entity_id"] for r in central[:2]} == {2, 3} and central[2]["entity_id"] == 6
    assert central[0]["betweenness"] == 2.0 and central[2]["betweenness"] == 0.0


@pytest.fixture
def intel(db):
    return Intel()


def test_the_network_holds_only_links_evidenced_by_reports_the_user_may_see(intel):
    pair = [{"kind": "vehicle", "value": "NW01 AAA"}, {"kind": "phone", "value": "07700 900401"}]
    intel.report(intel.met, entities=pair, links=[(0, 1, "uses")], grading=("B", "2", "4"))  # MET only
    assert nw.network_for_user(user=intel.ukhtc).graph.ecount() == 0
    assert nw.network_for_user(user=intel.met).graph.ecount() == 1
    c = Client()
    c.force_login(intel.met)
    ids = sorted(Entity.objects.values_list("pk", flat=True))
    page = c.get("/intelligence/network/", {"start": f"E-{ids[0]:06d}", "end": f"E-{ids[1]:06d}"})
    assert page.status_code == 200 and 'id="path"' in page.content.decode()


def _group(intel, name, actor=None):
    intel.report(actor or intel.ukhtc, entities=[{"kind": "ocg", "value": name}])
    return Entity.objects.filter(kind="ocg").order_by("-pk").first()


def test_the_lifecycle_refuses_steps_out_of_order(intel):
    g = _group(intel, "Synthetic lifecycle group")
    with pytest.raises(TransitionRefused):
        group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="disrupted", on=dt.date(2003, 1, 1))
    group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="identified", on=dt.date(2002, 5, 1))
    with pytest.raises(ValidationFailed):
        group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="disrupted", on=dt.date(2002, 4, 1))
    group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="dismantled", on=dt.date(2003, 1, 1))
    with pytest.raises(TransitionRefused):
        group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="under_investigation", on=dt.date(2003, 2, 1))


def test_reflex_style_figures_count_each_group_once_per_step_in_the_period(intel):
    """Groups identified and disrupted in the Romanian unit's first year (April 2002 to March 2003)."""
    year = (dt.date(2002, 4, 1), dt.date(2003, 3, 31))
    steps = {"A": [("identified", dt.date(2002, 4, 10)), ("disrupted", dt.date(2002, 9, 1)),
                   ("under_investigation", dt.date(2002, 10, 1)), ("disrupted", dt.date(2003, 1, 1))],
             "B": [("identified", dt.date(2002, 6, 1)), ("disrupted", dt.date(2003, 6, 1))],  # disrupted after
             "C": [("identified", dt.date(2001, 12, 1)), ("disrupted", dt.date(2002, 12, 1))],  # identified before
             "D": [("identified", dt.date(2003, 3, 31))]}
    for name, seq in steps.items():
        g = _group(intel, f"Synthetic Reflex group {name}")
        for status, on in seq:
            group_status_record(actor=intel.ukhtc, entity_id=g.pk, status=status, on=on)
    shared = _group(intel, "Synthetic MET group shared with all", actor=intel.met)
    intel.report(intel.met, grading=("B", "2", "4"), entities=[{"kind": "ocg", "value": "Synthetic MET-only group 2"}])
    group_status_record(actor=intel.ukhtc, entity_id=shared.pk, status="identified", on=dt.date(2002, 5, 1))
    only_met = Entity.objects.get(kind="ocg", pk=Entity.objects.order_by("-pk").first().pk)
    group_status_record(actor=intel.met, entity_id=only_met.pk, status="identified", on=dt.date(2002, 5, 1))
    figures = group_figures_for_user(user=intel.ukhtc, start=year[0], end=year[1])
    assert figures == {"identified": 4, "under_investigation": 1, "disrupted": 2, "dismantled": 0}
    assert group_figures_for_user(user=intel.met, start=year[0], end=year[1])["identified"] == 5
    page = Client()
    page.force_login(intel.ukhtc)
    html = page.get("/intelligence/groups/", {"start-day": 1, "start-month": 4, "start-year": 2002,
                                               "end-day": 31, "end-month": 3, "end-year": 2003}).content.decode()
    assert 'id="figure-identified">4<' in html and 'id="figure-disrupted">2<' in html


def test_the_api_gives_the_groups_figures_and_the_network(intel):
    from palermo.accounts.models import ApiToken

    g = _group(intel, "Synthetic API group")
    group_status_record(actor=intel.ukhtc, entity_id=g.pk, status="identified", on=dt.date(2002, 5, 1))
    h = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(intel.ukhtc)[1]}"}
    body = Client().get("/api/v1/intelligence/groups?start=2002-04-01&end=2003-03-31", **h).json()
    assert body["figures"]["identified"] == 1 and body["items"][0]["status"] == "identified"
    assert Client().get("/api/v1/intelligence/groups?bogus=1", **h).status_code == 422
    net = Client().get("/api/v1/intelligence/network", **h).json()
    assert net["entities"] == 0 and net["components"] == []
