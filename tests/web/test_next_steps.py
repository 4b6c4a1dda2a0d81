"""The case page says what the user can do now and, for what they cannot do yet, when; a
decision's banner says what was recorded and what happens next; the decision maker's written
explanation is shown to those who decide or review the case, and each read is audited; every
role's dashboard says what the role can do and links to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.nrm.actions import case_actions_for_user
from tests.web.helpers import login

pytestmark = pytest.mark.django_db


def _buttons(html: str) -> list[str]:
    return re.findall(r'class="govuk-button(?P<secondary>[^"]*)"', html)


def test_cg_is_offered_only_from_the_earliest_day(world):
    """Before the minimum recovery period ends the action is there with the day it becomes
    possible; from that day it is available."""
    case = world.case()
    world.rg(case)
    case.refresh_from_db()
    before = case_actions_for_user(user=world.decider, case=case, today=case.cg_earliest - dt.timedelta(days=1))
    decide = next(a for a in before if a.key == "decide")
    assert not decide.available and decide.not_yet.startswith("You can record the conclusive grounds decision from ")
    assert case.cg_earliest.strftime("%-d %B %Y") in decide.not_yet
    on = case_actions_for_user(user=world.decider, case=case, today=case.cg_earliest)
    assert next(a for a in on if a.key == "decide").available


def test_one_primary_action_and_none_for_roles_that_cannot_act(world):
    case = world.case()
    actions = case_actions_for_user(user=world.decider, case=case, today=timezone.localdate())
    assert [a.key for a in actions if a.primary] == ["decide"]
    assert {a.key for a in actions} == {"decide", "elements", "withdraw"}
    # The first responder may withdraw, never decide: no "not yet" either.
    assert [a.key for a in case_actions_for_user(user=world.responder, case=case)] == ["withdraw"]
    assert case_actions_for_user(user=world.children, case=case) == []


def test_the_case_page_has_one_primary_button(client, world):
    case = world.case()
    html = login(client, world.decider).get(f"/cases/{case.pk}/").content.decode()
    section = html.split('id="case-actions"', 1)[1].split("</div>", 1)[0]
    classes = re.findall(r'class="(govuk-button[^"]*)"', section)
    assert len(classes) == 3 and sum("govuk-button--secondary" not in c for c in classes) == 1


def test_the_banner_says_which_decision_and_what_happens_next(client, world):
    case = world.case()
    login(client, world.decider)
    on = case.referral.received_on
    response = client.post(f"/cases/{case.pk}/decision/", {
        "outcome": "positive", "reasons": ["indicators_present"], "decided_on-day": on.day,
        "decided_on-month": on.month, "decided_on-year": on.year, "reason_text": "Synthetic reasons."}, follow=True)
    html = response.content.decode()
    case.refresh_from_db()
    assert "Positive reasonable grounds decision recorded." in html
    assert f"The recovery period runs until at least {case.recovery_period_min_end:%A %-d %B %Y}" in html
    assert f"A conclusive grounds decision can be made from {case.cg_earliest:%A %-d %B %Y}" in html
    assert "govuk-notification-banner--success" in html


def test_a_negative_decision_banner_says_it_waits_for_review(client, world):
    case = world.case()
    login(client, world.decider)
    on = case.referral.received_on
    html = client.post(f"/cases/{case.pk}/decision/", {
        "outcome": "negative", "reasons": ["no_means"], "decided_on-day": on.day, "decided_on-month": on.month,
        "decided_on-year": on.year, "reason_text": "Synthetic reasons."}, follow=True).content.decode()
    assert "Negative reasonable grounds decision recorded. It does not take effect until a second reviewer" in html


def test_the_written_explanation_is_shown_to_deciders_and_reviewers_and_audited(client, world):
    case = world.case()
    decision = world.rg(case)
    decision.reason_text = "Synthetic: a consistent account."
    decision.save()
    for user in (world.decider2, world.reviewer):
        before = AuditEvent.objects.filter(action="decision.view", object_id=str(decision.pk)).count()
        html = login(client, user).get(f"/cases/{case.pk}/").content.decode()
        assert "Synthetic: a consistent account." in html and "The decision maker's explanation" in html
        events = AuditEvent.objects.filter(action="decision.view", object_id=str(decision.pk))
        assert events.count() == before + 1 and events.last().detail["shown"] == "reason_text"
        client.logout()
    # The first responder sees the decision and its coded reasons, not the written explanation.
    before = AuditEvent.objects.filter(action="decision.view").count()
    html = login(client, world.responder).get(f"/cases/{case.pk}/").content.decode()
    assert "Synthetic: a consistent account." not in html
    assert AuditEvent.objects.filter(action="decision.view").count() == before


@pytest.mark.parametrize("who, expected", [
    ("support", ["/support/"]),
    ("analyst", ["/statistics/", "/monitoring/"]),
    ("monitor", ["/monitoring/"]),
    ("intel", ["/law/"]),
    ("admin", ["/admin/"]),
    ("responder", ["/refer/", "/cases/"]),
    ("decider", ["/cases/?sort=due"]),
    ("reviewer", ["/reviews/"]),
    ("children", ["/children/"]),
])
def test_every_role_lands_somewhere_useful(client, world, who, expected):
    world.admin.is_staff = True
    world.admin.save()
    html = login(client, getattr(world, who)).get("/dashboard/").content.decode()
    assert "Your role does not include NRM case records" not in html
    landing = html.split('id="landing"', 1)[1].split("</div>", 1)[0]
    for href in expected:
        assert f'href="{href}' in landing, (who, href)


def test_the_referral_journey_says_which_section_the_user_is_in(client, world):
    login(client, world.responder)
    html = client.get("/refer/where/", follow=True).content.decode()
    assert "Section 1 of 5: About the referral" in html
    from tests.web.helpers import ADULT_ANSWERS, walk

    walk(client, ADULT_ANSWERS)
    assert "Section 5 of 5: Check your answers" in client.get("/refer/check-your-answers/").content.decode()


def test_abbreviations_are_explained_where_they_are_used():
    from palermo.web.templatetags.govuk import abbr, spelled_out

    assert str(abbr("SCA")) == '<abbr title="Single Competent Authority">SCA</abbr>'
    assert spelled_out("IECA") == "Immigration Enforcement Competent Authority (IECA)"
    assert abbr("XYZ") == "XYZ"
