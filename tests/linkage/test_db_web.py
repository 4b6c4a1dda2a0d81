"""The possible-matches page and the case-page panel (Django test client).

``palermo/urls.py`` belongs to the web interface; until it includes ``palermo.linkage.urls``
these tests use this module as the URL configuration: the project's URLs plus the page's.
"""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import include, path

import palermo.urls
from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate

urlpatterns = [path("", include("palermo.linkage.urls")), *palermo.urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def person(given, family, dob="2002-02-14"):
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": "female", "nationalities": ["ROU"], "languages": [], "interpreter_needed": False}


@pytest.fixture
def setup(world):
    c1 = world.case(person=person("Ioana", "Dumitru"))
    c2 = world.case(actor=world.responder_other, person=person("Joana", "Dumitru", dob="2002-02-14"))
    cand = LinkCandidate.objects.create(person_a=c1.referral.person, person_b=c2.referral.person,
                                        match_probability=0.91, match_weight=6.0, model_version="test",
                                        found_by="referral")
    return world, c1, c2, cand


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def url(case):
    return f"/cases/{case.pk}/possible-matches/"


def test_page_shows_both_people_to_a_user_who_sees_both(setup):
    world, c1, c2, cand = setup
    resp = client_for(world.decider).get(url(c1))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Possible matches" in html and "Possible match: strength more than 9 in 10" in html
    assert "% likely" not in html  # never a rounded percentage (issue 14)
    assert "Agree: Name" in html  # the evidence: the family names agree
    assert "Ioana Dumitru" in html and "Joana Dumitru" in html  # side by side
    assert c2.referral.reference in html and "Are these the same person?" in html
    assert AuditEvent.objects.filter(action="link.candidates_view", actor=world.decider).exists()


def test_page_refused_to_others(setup):
    world, c1, c2, cand = setup
    for user in (world.analyst, world.admin, world.monitor, world.decider_ieca):
        assert client_for(user).get(url(c1)).status_code == 403, user
    # the MET responder may open their own case's page, but the match is not shown to them
    resp = client_for(world.responder).get(url(c1))
    assert resp.status_code == 200 and "Joana" not in resp.content.decode()
    assert "no possible matches" in resp.content.decode()
    assert client_for(world.responder).get(url(c2)).status_code == 403
    assert client_for(world.decider).get("/cases/999999/possible-matches/").status_code == 404
    assert Client().get(url(c1)).status_code == 302  # to the sign-in page


def test_post_without_a_choice_shows_govuk_errors(setup):
    world, c1, c2, cand = setup
    resp = client_for(world.decider).post(url(c1), {"candidate": cand.pk, "action": "decide"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "Select whether these are the same person" in html and "Enter why" in html and "Select the reason" in html
    assert f'href="#id_c{cand.pk}-decision"' in html
    assert "<title>Error:" in html
    cand.refresh_from_db()
    assert cand.status == "pending"
    # a reason that does not fit the decision: the service's message on the field
    resp = client_for(world.decider).post(url(c1), {"candidate": cand.pk, "action": "decide", f"c{cand.pk}-decision": "confirm",
                                                     f"c{cand.pk}-reason_code": "different_people",
                                                     f"c{cand.pk}-reason_text": "x"})
    assert "Select a reason that fits your decision" in resp.content.decode()


def test_confirm_then_unlink_through_the_page(setup):
    world, c1, c2, cand = setup
    c = client_for(world.decider)
    resp = c.post(url(c1), {"candidate": cand.pk, "action": "decide", f"c{cand.pk}-decision": "confirm",
                            f"c{cand.pk}-reason_code": "same_person_documents",
                            f"c{cand.pk}-reason_text": "Same passport"})
    assert resp.status_code == 302 and resp["Location"] == url(c1)
    cand.refresh_from_db()
    assert cand.status == "confirmed" and cand.decided_by == world.decider
    page = c.get(url(c1)).content.decode()
    assert "You confirmed they are the same person." in page and "Unlink these records" in page
    resp = c.post(url(c1), {"candidate": cand.pk, "action": "unlink", f"c{cand.pk}-reason_code": "linked_in_error",
                            f"c{cand.pk}-reason_text": "Wrong file"})
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.status == "unlinked"
    # a candidate that is not on this page
    assert c.post(url(c1), {"candidate": 999999, "action": "decide"}).status_code == 404


def test_case_panel(setup, rf):
    world, c1, c2, cand = setup
    tpl = Template('{% include "linkage/_case_panel.html" %}')
    request = rf.get("/")
    request.user = world.decider
    html = tpl.render(Context({"case": c1, "request": request}))
    assert "1 possible match with a person referred before." in html
    assert f'href="/cases/{c1.pk}/possible-matches/"' in html
    request.user = world.responder  # sees only one of the two: no panel
    assert "possible match" not in tpl.render(Context({"case": c1, "request": request}))


def test_a_withdrawn_match_is_shown_apart_from_decisions_with_no_form(setup):
    """A match the current model no longer proposes is not a decision and cannot be decided here."""
    world, c1, c2, cand = setup
    LinkCandidate.objects.filter(pk=cand.pk).update(status="withdrawn", match_probability=0.31)
    html = client_for(world.decider).get(url(c1)).content.decode()
    assert "No longer proposed" in html and "strength now about 3 in 10" in html
    assert "Decided" not in html
    assert "Are these the same person?" not in html and "Unlink these records" not in html
    assert "Joana Dumitru" in html


def test_two_equally_likely_matches_are_flagged_and_a_clear_one_is_not(setup):
    """Two people at 0.8 each: each is 44% likely among them, so both carry a warning; with one
    at 0.97 and one at 0.6 the first is clear (89%) and only the second is flagged."""
    world, c1, c2, cand = setup
    c3 = world.case(actor=world.responder_other, person=person("Ioana", "Dumitru", dob="2001-02-14"))
    other = LinkCandidate.objects.create(person_a=c1.referral.person, person_b=c3.referral.person,
                                         match_probability=0.8, match_weight=2.0, model_version="test",
                                         found_by="referral")
    LinkCandidate.objects.filter(pk=cand.pk).update(match_probability=0.8)
    html = client_for(world.decider).get(url(c1)).content.decode()
    assert html.count("could as well be the other possible match") == 2
    LinkCandidate.objects.filter(pk=cand.pk).update(match_probability=0.97)
    LinkCandidate.objects.filter(pk=other.pk).update(match_probability=0.6)
    html = client_for(world.decider).get(url(c1)).content.decode()
    assert html.count("could as well be the other possible match") == 1
    flagged = html.index("could as well be")
    assert html.index(f'id="match-{other.pk}"') < flagged  # under the 60% match, not the 97% one
    LinkCandidate.objects.filter(pk=other.pk).delete()
    html = client_for(world.decider).get(url(c1)).content.decode()
    assert "could as well be" not in html  # a single match is never flagged
