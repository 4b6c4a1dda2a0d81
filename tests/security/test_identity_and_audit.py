"""Identity exposure and audit completeness.

Names, dates of birth and narrative reach only identity roles in scope; every read of an
identified person, every export and every search writes an audit event; audit details, error
messages and log lines hold no identifiers."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn, ReviewIn
from tests.security.helpers import NAME_FAMILY, NAME_GIVEN, NARRATIVE, Api, leaks_identity, person, web

pytestmark = pytest.mark.django_db


def events(action, actor):
    return AuditEvent.objects.filter(action=action, actor=actor)


@pytest.fixture
def rich(world):
    """A case with a person, a Duty to Notify report that names a person, a negative decision
    with reasons and its review, and a possible match."""
    case = world.case(person=person(contact_details="Phone 07700 900123"), narrative=NARRATIVE)
    world.refer(consent="refused", person=person())  # a named Duty to Notify report
    on = case.referral.received_on
    d = services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="negative", decided_on=on, reason_codes=["no_means"],
        reason_text=f"{NAME_GIVEN} said she was free to leave"))
    services.decision_review(actor=world.reviewer, decision=d, data=ReviewIn(
        agree=False, reviewed_on=on, note=f"{NAME_FAMILY}'s account needs another look"))
    other = world.case(person=person(given="Ksanthippa"))
    LinkCandidate.objects.create(person_a=case.referral.person, person_b=other.referral.person,
                                 match_probability=0.9, match_weight=5, model_version="t", found_by="referral")
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("who", ["analyst", "monitor", "intel", "support", "admin", "decider_ieca", "responder_other"])
def test_pages_and_lists_show_no_identity_to_roles_that_may_not_see_it(world, rich, who):
    user = getattr(world, who)
    c, api = web(user), Api(user)
    for url in ("/dashboard/", "/cases/", "/duty-to-notify/", "/reviews/", f"/cases/{rich.pk}/"):
        assert not leaks_identity(c.get(url).content.decode()), url
    for path in ("/cases", "/cases.csv", "/deadlines", "/reviews", "/duty-to-notify", "/audit-events",
                 f"/cases/{rich.pk}", f"/people/{rich.referral.person.pseudonym}/cluster"):
        assert not leaks_identity(api.get(path).content.decode()), path
    assert not leaks_identity(api.post("/cases/search", {"name": f"{NAME_GIVEN} {NAME_FAMILY}"}).content.decode())


def test_identity_roles_in_scope_read_identity_only_with_an_audit_event(world, rich):
    """The case page, the API case and the possible-matches page each write the read."""
    c = web(world.decider)
    assert NAME_FAMILY in c.get(f"/cases/{rich.pk}/").content.decode()
    assert events("case.view", world.decider).count() == 1 and events("person.view", world.decider).count() == 1
    assert NAME_FAMILY in Api(world.decider).get(f"/cases/{rich.pk}").content.decode()
    assert events("person.view", world.decider).count() == 2
    assert NAME_FAMILY in c.get(f"/cases/{rich.pk}/possible-matches/").content.decode()
    assert events("link.candidates_view", world.decider).count() == 1


def test_the_csv_export_is_pseudonymous_and_audited_by_the_api_and_the_command(world, rich, tmp_path):
    body = Api(world.decider).get("/cases.csv").content.decode()
    assert rich.referral.person.pseudonym in body and not leaks_identity(body) and "07700" not in body
    assert events("case.export", world.decider).count() == 1
    out = tmp_path / "cases.csv"
    call_command("export", "cases", "--as", world.decider.username, "--output", str(out))
    assert rich.referral.person.pseudonym in out.read_text() and not leaks_identity(out.read_text())
    assert events("case.export", world.decider).count() == 2


def test_a_name_search_is_audited_without_the_name_even_when_nothing_matches(world, rich):
    api = Api(world.decider)
    hit = api.post("/cases/search", {"name": f"{NAME_FAMILY} {NAME_GIVEN}"}).json()
    assert [i["id"] for i in hit["items"]] == [rich.pk]
    api.post("/cases/search", {"name": "Nobody Atall"})
    assert events("person.search", world.decider).count() == 2
    # a name is never accepted in a URL
    assert api.get(f"/cases?name={NAME_FAMILY}").status_code == 422
    resp = web(world.decider).get(f"/cases/?name={NAME_FAMILY}")
    assert NAME_FAMILY not in resp.content.decode().replace(f"name={NAME_FAMILY}", "")


def test_refused_case_reads_are_audited_on_pages_and_the_api(world, rich):
    web(world.responder_other).get(f"/cases/{rich.pk}/")
    web(world.responder_other).get(f"/cases/{rich.pk}/possible-matches/")
    Api(world.responder_other).get(f"/cases/{rich.pk}")
    assert events("case.view_refused", world.responder_other).count() == 3


def test_audit_details_error_messages_and_logs_hold_no_identifiers(world, rich, caplog):
    caplog.set_level(logging.DEBUG)
    api = Api(world.decider)
    # errors that could echo input: a bad search, a bad referral, a refused look
    r = api.post("/cases/search", {"name": f"{NAME_GIVEN} {NAME_FAMILY}", "page_size": 0, "nickname": NAME_GIVEN})
    assert r.status_code == 422 and not leaks_identity(r.content.decode())
    from tests.factories import referral_payload

    r = Api(world.responder).post("/referrals", referral_payload(person=person(date_of_birth=NAME_FAMILY)))
    assert r.status_code == 422 and not leaks_identity(r.content.decode())
    Api(world.responder_other).get(f"/cases/{rich.pk}")
    web(world.decider).get(f"/cases/{rich.pk}/")
    web(world.reviewer).get(f"/cases/{rich.pk}/possible-matches/")
    monitor = Api(world.monitor).get("/audit-events?page_size=500").content.decode()
    assert not leaks_identity(monitor) and "free to leave" not in monitor
    for ev in AuditEvent.objects.all():
        assert not leaks_identity(str(ev.detail)) and "free to leave" not in str(ev.detail), ev.action
    assert not leaks_identity(caplog.text) and "free to leave" not in caplog.text
