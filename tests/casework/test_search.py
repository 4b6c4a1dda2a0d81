"""Search (issue 14): by whole or partial reference, name (order- and accent-insensitive), person
reference and date of birth; in the user's scope only; audited without the text searched for;
name and date of birth only for roles that see identity."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.casework.search import SearchQuery, parse_date, search_query_from_text
from palermo.casework.selectors import case_search_for_user
from palermo.core.models import AuditEvent
from palermo.nrm.selectors import CaseFilters, case_list_for_user
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db

PERSON = {"given_name": "Élodie", "family_name": "Marchetti-Vale", "date_of_birth": "1990-03-27", "dob_precision": "exact",
          "gender": "female", "nationalities": ["FRA"], "languages": [], "interpreter_needed": False}


def found(user, **q) -> list[str]:
    return [c.referral.reference for c in case_search_for_user(user=user, query=SearchQuery(**q)).cases]


def test_the_eight_character_tail_alone_finds_the_case_in_any_case(world):
    case = world.case(person=PERSON)
    ref = case.referral.reference
    assert found(world.decider, reference=ref[-8:]) == [ref]
    assert found(world.decider, reference=ref[-8:].lower()) == [ref]
    assert found(world.decider, reference=ref) == [ref]


def test_a_fragment_shorter_than_four_characters_matches_only_a_whole_reference(world):
    case = world.case(person=PERSON)
    assert found(world.decider, reference=case.referral.reference[-3:]) == []


def test_the_case_list_reference_filter_matches_part_of_a_reference(world):
    case = world.case(person=PERSON)
    world.case()
    got = case_list_for_user(user=world.decider, filters=CaseFilters(reference=case.referral.reference[-8:]))
    assert [c.pk for c in got] == [case.pk]


def test_a_name_in_any_order_and_without_accents_finds_the_case(world):
    case = world.case(person=PERSON)
    ref = case.referral.reference
    assert found(world.decider, name="Marchetti-Vale Elodie") == [ref]
    assert found(world.decider, name="elodie marchetti-vale") == [ref]
    assert found(world.decider, name="Marchetti-Vale") == [ref]
    assert found(world.decider, name="Elodie Marchetti") == []


def test_person_reference_and_date_of_birth_find_the_case(world):
    case = world.case(person=PERSON)
    ref = case.referral.reference
    assert found(world.decider, person_reference=case.referral.person.pseudonym.lower()) == [ref]
    assert found(world.decider, date_of_birth=dt.date(1990, 3, 27)) == [ref]
    assert found(world.decider, date_of_birth=dt.date(1990, 3, 28)) == []


def test_search_finds_nothing_outside_the_users_scope(world):
    case = world.case(person=PERSON)  # referred by the MET, routed to the SCA
    assert found(world.responder_other, reference=case.referral.reference) == []  # GMP
    assert found(world.decider_ieca, name="Elodie Marchetti-Vale") == []  # another competent authority
    assert found(world.responder, name="Elodie Marchetti-Vale") == [case.referral.reference]


def test_a_search_is_audited_with_its_kind_and_count_never_the_text(world):
    world.case(person=PERSON)
    case_search_for_user(user=world.decider, query=SearchQuery(name="Elodie Marchetti-Vale"))
    event = AuditEvent.objects.filter(action="case.search").get()
    assert event.detail == {"kind": "name", "results": 1, "truncated": False}
    assert "Marchetti" not in str(event.__dict__)


def test_the_search_page_finds_by_tail_and_the_name_never_goes_in_the_address(world):
    case = world.case(person=PERSON)
    client = web(world.decider)
    page = client.post("/search/", {"q": case.referral.reference[-8:].lower()})
    assert page.status_code == 200
    assert case.referral.reference in page.content.decode()
    page = client.post("/search/", {"q": "Zed Nobody"})
    body = page.content.decode()
    assert 'id="no-results"' in body and "0 cases found by name" in body
    assert client.get("/search/?q=Elodie").status_code == 200  # a GET only shows the empty form
    assert AuditEvent.objects.filter(action="case.search").count() == 2


def test_the_search_box_is_on_every_page_for_roles_that_may_search_only(world):
    assert 'id="header-search"' in web(world.decider).get("/dashboard/").content.decode()
    assert 'id="header-search"' not in web(world.analyst).get("/dashboard/").content.decode()
    assert web(world.analyst).post("/search/", {"q": "x"}).status_code == 403


def test_roles_that_see_no_identity_cannot_search_by_name_or_date_of_birth(world):
    from palermo.accounts import roles as R
    from tests.factories import make_user

    lead = make_user("t.lead", R.TEAM_LEADER, world.orgs["SCA"])
    case = world.case(person=PERSON)
    page = web(lead).post("/search/", {"q": "Elodie Marchetti-Vale"})
    assert "your role does not include searching by name" in page.content.decode()
    assert not AuditEvent.objects.filter(action="case.search").exists()
    assert case.referral.reference in web(lead).post("/search/", {"q": case.referral.reference[-8:]}).content.decode()
    assert Api(lead).post("/search", {"name": "Elodie Marchetti-Vale"}).status_code == 403


def test_the_api_search_takes_exactly_one_field(world):
    case = world.case(person=PERSON)
    api = Api(world.decider)
    r = api.post("/search", {"date_of_birth": "1990-03-27"})
    assert r.status_code == 200 and [i["reference"] for i in r.json()["items"]] == [case.referral.reference]
    assert api.post("/search", {"reference": "ABCD", "name": "X Y"}).status_code == 422
    assert api.post("/search", {}).status_code == 422


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_written_form_of_a_date_reads_as_that_date(day):
    for text in (day.isoformat(), f"{day.day}/{day.month}/{day.year}", f"{day.day} {day:%B} {day.year}",
                 f"{day.day} {day:%b} {day.year}"):
        assert parse_date(text) == day
        assert search_query_from_text(text).date_of_birth == day


def test_what_the_box_reads_as_what():
    assert search_query_from_text("NRM-2026-1A2B3C4D").kind == "reference"
    assert search_query_from_text("1a2b3c4d").kind == "reference"
    assert search_query_from_text("abcdefab").kind == "reference"
    assert search_query_from_text("p-0a1b2c3d").kind == "person_reference"
    assert search_query_from_text("Nguyen Van An").kind == "name"
    assert search_query_from_text("31/02/1990").kind == "reference"  # not a date: no such day
