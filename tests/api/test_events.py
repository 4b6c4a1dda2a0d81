"""The event feed: what happened to the caller's cases, in scope, with a stable cursor, without
personal data, audited."""

import pytest

from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db


def feed(api, after=None, **params):
    if after:
        params["after"] = after
    resp = api.get("/events", **params)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_a_first_responder_follows_its_referral_through_the_feed(world):
    case = world.case()
    api = Api(world.responder)
    page = feed(api)
    assert [(e["type"], e["case_id"]) for e in page["items"]] == [("referral_received", case.pk)]
    cursor = page["next"]
    assert feed(api, cursor)["items"] == []  # nothing new

    decision = world.rg(case, outcome="negative")
    world.review(decision, agree=True)
    page = feed(api, cursor)
    assert [(e["type"], e["action"], e["status"]) for e in page["items"]] == [
        ("decision_recorded", "rg_negative", "rg_review"), ("review_outcome", "review_agree", "rg_negative")]
    assert page["items"][0]["decision_id"] == decision.pk
    assert feed(api, page["next"])["items"] == []
    # the same cursor always gives the same events
    assert feed(api, cursor)["items"] == page["items"]


def test_the_feed_holds_no_personal_data(world):
    case = world.case()
    world.rg(case)
    body = Api(world.decider).get("/events").content.decode()
    person = case.referral.person
    for text in (person.family_name, person.given_name, world.decider.username, "narrative"):
        assert text not in body


def test_pages_follow_each_other_without_gaps_or_repeats(world):
    cases = [world.case() for _ in range(3)]
    for c in cases:
        world.rg(c)
    api = Api(world.decider)
    seen, cursor = [], None
    while True:
        page = feed(api, cursor, limit=2)
        seen += [e["id"] for e in page["items"]]
        cursor = page["next"]
        if not page["has_more"]:
            break
    assert len(seen) == len(set(seen)) == 6  # 3 referrals, 3 decisions


def test_another_organisation_sees_nothing_of_the_case(world):
    world.case()
    assert feed(Api(world.responder_other))["items"] == []
    assert feed(Api(world.decider_ieca))["items"] == []
    assert feed(Api(world.analyst))["items"] == []


def test_a_possible_match_is_an_event_for_who_may_see_both_people(world):
    c1, c2 = world.case(), world.case(actor=world.responder_other)
    cand = LinkCandidate.objects.create(person_a=c1.referral.person, person_b=c2.referral.person,
                                        match_probability=0.8, match_weight=4.0, model_version="test",
                                        found_by="referral")
    events = [e for e in feed(Api(world.decider))["items"] if e["type"] == "possible_match_proposed"]
    assert {(e["candidate_id"], e["case_id"]) for e in events} == {(cand.pk, c1.pk), (cand.pk, c2.pk)}
    # the first responder sees only its own referral's person: not the match
    assert not [e for e in feed(Api(world.responder))["items"] if e["type"] == "possible_match_proposed"]


def test_every_read_is_audited(world):
    world.case()
    feed(Api(world.responder))
    event = AuditEvent.objects.filter(action="events.read").get()
    assert event.detail["rows"] == 1 and event.actor == world.responder


def test_a_cursor_the_feed_did_not_give_is_422(world):
    resp = Api(world.responder).get("/events", after="not-a-cursor")
    assert resp.status_code == 422 and "after" in resp.json()["error"]["fields"]


def test_events_younger_than_the_settling_time_wait(world, settings):
    """Ids are taken at insert but seen at commit: the feed waits until a row has settled, so a
    poller never moves past an id whose row is still to appear."""
    settings.PALERMO_EVENTS_SETTLE_SECONDS = 3600
    world.case()
    assert feed(Api(world.responder))["items"] == []
    settings.PALERMO_EVENTS_SETTLE_SECONDS = 0
    assert len(feed(Api(world.responder))["items"]) == 1
