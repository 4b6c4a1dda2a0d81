"""Permission matrix: every page, every role, the status code it must give (after data-hub's
per-view matrix tests). 403 is the "you do not have access" page; a case outside the user's
scope is refused, never shown."""

import pytest

from tests.web.helpers import login

pytestmark = pytest.mark.django_db

ROLES = ["responder", "responder_other", "decider", "reviewer", "decider_ieca", "children", "support", "intel",
         "analyst", "monitor", "admin"]

# page → the roles that get 200; every other role gets 403.
MATRIX = {
    "/dashboard/": set(ROLES),
    "/cases/": {"responder", "responder_other", "decider", "reviewer", "decider_ieca", "children"},
    "/cases/{case}/": {"responder", "decider", "reviewer"},
    "/cases/{open_case}/decision/": {"decider"},
    "/cases/{open_case}/withdraw/": {"responder", "decider"},
    "/reviews/": {"reviewer"},
    "/reviews/{decision}/": {"reviewer"},
    "/refer/": {"responder", "responder_other"},
    "/refer/where/": {"responder", "responder_other"},
    "/duty-to-notify/": {"responder", "responder_other", "decider", "reviewer", "decider_ieca"},
}


@pytest.fixture
def pages(world):
    case = world.case()
    decision = world.rg(case, outcome="negative")
    open_case = world.case()
    return {"case": case.pk, "open_case": open_case.pk, "decision": decision.pk}


@pytest.mark.parametrize("page", list(MATRIX))
def test_permission_matrix(client, world, pages, page):
    path = page.format(**pages)
    got = {}
    for role in ROLES:
        client.logout()
        login(client, getattr(world, role))
        got[role] = client.get(path).status_code
    expected = {role: 200 if role in MATRIX[page] else 403 for role in ROLES}
    assert got == expected


def test_anonymous_users_are_sent_to_sign_in_from_every_page(client, pages):
    for page in MATRIX:
        resp = client.get(page.format(**pages))
        assert resp.status_code == 302 and resp["Location"].startswith("/sign-in/?next="), page


def test_a_first_responder_cannot_open_another_organisations_case(client, world, pages):
    resp = login(client, world.responder_other).get(f"/cases/{pages['case']}/")
    assert resp.status_code == 403
    assert b"You do not have access to this page" in resp.content
    assert b"Zorbina" not in resp.content


def test_a_case_that_does_not_exist_is_404(client, world):
    assert login(client, world.decider).get("/cases/999999/").status_code == 404


def test_decision_page_refuses_a_step_the_workflow_does_not_allow(client, world, pages):
    resp = login(client, world.decider).get(f"/cases/{pages['case']}/decision/")  # awaiting review
    assert resp.status_code == 409
    assert b"You cannot do this now" in resp.content


def test_the_decision_maker_cannot_review_their_own_decision(client, world, pages):
    from palermo.accounts.models import Membership

    Membership.objects.create(user=world.decider, organisation=world.orgs["SCA"], role="reviewer")
    resp = login(client, world.decider).get(f"/reviews/{pages['decision']}/")
    assert resp.status_code == 409
    assert b"you made this decision" in resp.content
