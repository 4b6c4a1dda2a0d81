"""Allocation (issue 14): a team leader allocates a case to a decision maker at the case's
competent authority, a decision maker can take one themself; anyone else is refused with a
reason; every change is audited and kept in the allocation's history; My cases and the
workload count what each person has."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.accounts import roles as R
from palermo.casework.models import CaseAllocation
from palermo.casework.selectors import my_cases_for_user, workload_for_user
from palermo.casework.services import case_allocate
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from tests.factories import make_user
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world):
    return make_user("t.lead", R.TEAM_LEADER, world.orgs["SCA"])


def test_a_team_leader_allocates_and_reallocates_and_both_are_audited_and_kept(world, lead):
    case = world.case()
    case_allocate(actor=lead, case=case, to_user=world.decider)
    case_allocate(actor=lead, case=case, to_user=world.decider2)
    allocation = CaseAllocation.objects.get(case=case)
    assert allocation.allocated_to == world.decider2
    assert [h.allocated_to_id for h in allocation.history.order_by("history_date")] == [world.decider.pk, world.decider2.pk]
    events = list(AuditEvent.objects.filter(action="case.allocate").order_by("id"))
    assert [e.detail for e in events] == [
        {"to_user_id": world.decider.pk, "from_user_id": None, "self": False},
        {"to_user_id": world.decider2.pk, "from_user_id": world.decider.pk, "self": False}]


def test_allocating_to_the_same_person_again_writes_nothing(world, lead):
    case = world.case()
    case_allocate(actor=lead, case=case, to_user=world.decider)
    case_allocate(actor=lead, case=case, to_user=world.decider)
    assert AuditEvent.objects.filter(action="case.allocate").count() == 1


def test_a_decision_maker_may_take_a_case_but_not_give_it_to_someone_else(world):
    case = world.case()
    case_allocate(actor=world.decider, case=case, to_user=world.decider)
    assert AuditEvent.objects.get(action="case.allocate").detail["self"] is True
    with pytest.raises(NotAllowed):
        case_allocate(actor=world.decider, case=case, to_user=world.decider2)


def test_only_a_decision_maker_at_the_cases_competent_authority_can_be_given_it(world, lead):
    case = world.case()
    for someone in (world.decider_ieca, world.reviewer, world.responder, lead):
        with pytest.raises(ValidationFailed) as exc:
            case_allocate(actor=lead, case=case, to_user=someone)
        assert "decision maker at the competent authority" in exc.value.message
    world.decider.is_active = False
    world.decider.save()
    with pytest.raises(ValidationFailed):
        case_allocate(actor=lead, case=case, to_user=world.decider)


def test_people_outside_the_competent_authority_cannot_allocate(world):
    case = world.case()
    other_lead = make_user("t.lead.ieca", R.TEAM_LEADER, world.orgs["IECA"])
    for actor in (other_lead, world.decider_ieca, world.reviewer, world.responder):
        with pytest.raises(NotAllowed):
            case_allocate(actor=actor, case=case, to_user=world.decider)
    assert not CaseAllocation.objects.exists()


def test_a_closed_case_cannot_be_allocated(world, lead):
    from palermo.nrm.schemas import WithdrawIn
    from palermo.nrm.services import case_withdraw

    case = world.case()
    case_withdraw(actor=world.decider, case=case, data=WithdrawIn(reason_code="duplicate",
                                                                  withdrawn_on=case.referral.received_on))
    with pytest.raises(TransitionRefused):
        case_allocate(actor=lead, case=case, to_user=world.decider)


def test_my_cases_lists_my_open_cases_soonest_due_first(world, lead):
    today = dt.date.today()
    later = world.case(received_on=(today - dt.timedelta(days=1)).isoformat())
    sooner = world.case(received_on=(today - dt.timedelta(days=20)).isoformat())
    theirs = world.case()
    for c in (later, sooner):
        case_allocate(actor=lead, case=c, to_user=world.decider)
    case_allocate(actor=lead, case=theirs, to_user=world.decider2)
    rows = my_cases_for_user(user=world.decider, today=today)
    assert [r["case"].pk for r in rows] == [sooner.pk, later.pk]
    assert rows[0]["due"]["kind"] == "reasonable_grounds" and rows[0]["due"]["overdue"]
    page = web(world.decider).get("/my-cases/").content.decode()
    assert later.referral.reference in page and theirs.referral.reference not in page
    assert "Reasonable grounds decision overdue" in page


def test_the_workload_counts_open_overdue_and_unallocated_cases_per_decision_maker(world, lead):
    today = dt.date.today()
    overdue = world.case(received_on=(today - dt.timedelta(days=30)).isoformat())
    world.case()  # unallocated
    case_allocate(actor=lead, case=overdue, to_user=world.decider)
    (team,) = workload_for_user(user=lead, today=today)
    people = {p["user"].username: (p["open"], p["overdue"]) for p in team["people"]}
    assert people == {"t.decider": (1, 1), "t.decider2": (0, 0)}
    assert team["unallocated"] == 1
    assert workload_for_user(user=world.decider) == []
    assert web(world.decider).get("/workload/").status_code == 403
    assert "t.decider" in str(Api(lead).get("/workload").json())


def test_the_allocate_page_allocates_and_the_case_page_says_to_whom(world, lead):
    case = world.case()
    client = web(lead)
    page = client.get(f"/cases/{case.pk}/allocate/").content.decode()
    assert "Who should this case be allocated to?" in page
    assert client.post(f"/cases/{case.pk}/allocate/", {}).status_code == 200  # error: select someone
    r = client.post(f"/cases/{case.pk}/allocate/", {"to_user": str(world.decider.pk)})
    assert r.status_code == 302
    assert CaseAllocation.objects.get(case=case).allocated_to == world.decider
    assert 'id="allocation-panel"' in web(world.decider).get(f"/cases/{case.pk}/").content.decode()
    assert web(world.responder).get(f"/cases/{case.pk}/allocate/").status_code == 403


def test_the_api_allocates_by_username(world, lead):
    case = world.case()
    api = Api(lead)
    r = api.put(f"/cases/{case.pk}/allocation", {"to_user": "t.decider"})
    assert r.status_code == 200 and r.json()["allocated_to"] == "t.decider"
    assert api.put(f"/cases/{case.pk}/allocation", {"to_user": "t.decider.ieca"}).status_code == 422
    assert Api(world.decider).get("/my-cases").json()[0]["reference"] == case.referral.reference
