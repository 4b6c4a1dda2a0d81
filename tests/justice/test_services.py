"""Recording prosecutions and outcomes: the law in force on the offence date in the court's nation
decides which offences can be charged, the outcome decides whether there is a sentence, and only
the recording organisation's intelligence officers see or change a prosecution."""

import datetime as dt

import pytest
from django.test import Client

from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.intelligence.models import Entity
from palermo.justice.models import Charge, Prosecution
from palermo.justice.schemas import ProsecutionVictimIn
from palermo.justice.selectors import prosecution_get_for_user, prosecution_list_for_user
from palermo.justice.services import prosecution_victim_record

from .helpers import Justice


@pytest.fixture
def j(db):
    return Justice()


def _fields(exc) -> dict:
    return exc.value.fields


def test_a_prosecution_is_recorded_with_the_in_force_entry_checked_and_audited(j):
    p = j.prosecute()
    charge = Charge.objects.get(defendant__prosecution=p)
    assert p.reference == f"PR-2009-{p.pk:06d}"
    assert charge.in_force_version == "SOA2003_s57@england_wales@2004-05-01"
    event = AuditEvent.objects.get(action="justice.prosecution_create")
    assert event.detail["offences"] == ["SOA2003_s57"] and "Synthetic" not in str(event.detail)


def test_an_offence_not_yet_in_force_on_the_offence_date_is_refused_with_its_date(j):
    with pytest.raises(ValidationFailed) as exc:
        j.prosecute(charged_on=dt.date(2004, 6, 1), defendants=[(j.people[0], [("SOA2003_s57", dt.date(2004, 4, 30))])])
    assert _fields(exc)["defendants.0.charges.0.offence_id"] == (
        "Sexual Offences Act 2003 s57 was not in force in England and Wales on 30 April 2004: "
        "it came into force there on 1 May 2004")
    assert not Prosecution.objects.exists()


def test_an_offence_that_does_not_extend_to_the_nation_is_refused(j):
    with pytest.raises(ValidationFailed) as exc:
        j.prosecute(nation="scotland", court_kind="sheriff",
                    defendants=[(j.people[0], [("SOA2003_s58", dt.date(2008, 1, 1))])])
    assert _fields(exc)["defendants.0.charges.0.offence_id"].startswith(
        "Sexual Offences Act 2003 s58 does not extend to Scotland: it applies in England and Wales")


def test_a_repealed_offence_is_refused_after_its_repeal_and_accepted_before(j):
    with pytest.raises(ValidationFailed) as exc:
        j.prosecute(charged_on=dt.date(2014, 1, 1), defendants=[(j.people[0], [("SOA2003_s57", dt.date(2013, 5, 1))])])
    assert "it was repealed there from 6 April 2013" in _fields(exc)["defendants.0.charges.0.offence_id"]
    j.prosecute(charged_on=dt.date(2014, 1, 1), defendants=[(j.people[0], [("SOA2003_s57", dt.date(2013, 4, 5))])])


def test_unknown_offence_wrong_court_later_offence_date_and_invisible_defendant_are_refused(j):
    with pytest.raises(ValidationFailed) as exc:
        j.prosecute(nation="scotland", court_kind="crown", charged_on=dt.date(2009, 1, 1), defendants=[
            (j.people[0], [("XYZ2000_s1", dt.date(2008, 1, 1)), ("AITCA2004_s4", dt.date(2009, 2, 1))])])
    f = _fields(exc)
    assert f["court_kind"] == "Select a court that sits in the nation whose law applies"
    assert f["defendants.0.charges.0.offence_id"].startswith("Enter an offence from the law library")
    assert f["defendants.0.charges.1.offence_on"] == "The date of the offence must be on or before the date of charge"
    # A MET report kept within the MET (5x5x5 handling code 4): GMP's officer cannot charge its suspect.
    j.report(j.met, grading=("B", "2", "4"), entities=[{"kind": "person", "value": "Synthetic Hidden"}])
    hidden = Entity.objects.filter(kind="person").latest("id")
    with pytest.raises(ValidationFailed) as exc:
        j.prosecute(actor=j.gmp, defendants=[(hidden, [("SOA2003_s57", dt.date(2009, 1, 10))])])
    assert "defendants.0.entity_id" in _fields(exc)


def test_roles_without_intelligence_cannot_record_a_prosecution(j):
    with pytest.raises(NotAllowed):
        j.prosecute(actor=j.w.responder)
    with pytest.raises(NotAllowed):
        j.prosecute(actor=j.w.analyst)


def test_an_outcome_carries_a_sentence_only_on_conviction_within_the_statutory_maximum(j):
    p = j.prosecute()
    charge = Charge.objects.get(defendant__prosecution=p)
    with pytest.raises(ValidationFailed) as exc:
        j.outcome(charge, "acquitted", disposal="fine", fine_pounds=100)
    assert _fields(exc)["disposal"].startswith("Leave the sentence empty")
    with pytest.raises(ValidationFailed) as exc:
        j.outcome(charge, disposal="immediate_custody", custody_months=14 * 12 + 1)
    assert _fields(exc)["custody_months"] == ("The custodial term must be no longer than the statutory maximum "
                                              "for this offence, 14 years' imprisonment")
    with pytest.raises(ValidationFailed) as exc:
        j.outcome(charge, on=dt.date(2009, 5, 1), disposal="fine")
    assert set(_fields(exc)) == {"outcome_on", "fine_pounds"}
    j.outcome(charge, disposal="immediate_custody", custody_months=14 * 12, confiscation_pounds=25_000)
    charge.refresh_from_db()
    assert (charge.outcome, charge.custody_months, charge.defendant.confiscation_pounds) == ("convicted", 168, 25_000)
    with pytest.raises(TransitionRefused):
        j.outcome(charge, "acquitted")
    assert AuditEvent.objects.filter(action="justice.charge_outcome", actor=j.met).count() == 1


def test_a_charge_sent_to_the_crown_court_can_then_be_decided(j):
    charge = Charge.objects.get(defendant__prosecution=j.prosecute())
    j.outcome(charge, "committed", on=dt.date(2009, 7, 1))
    j.outcome(charge, "convicted", disposal="community_sentence")
    charge.refresh_from_db()
    assert charge.outcome == "convicted"


def test_only_the_recording_organisation_sees_or_decides_a_prosecution_and_refusals_are_audited(j):
    p = j.prosecute()
    charge = Charge.objects.get(defendant__prosecution=p)
    assert list(prosecution_list_for_user(user=j.met)) == [p]
    assert not prosecution_list_for_user(user=j.ukhtc).exists()
    with pytest.raises(NotAllowed):
        prosecution_get_for_user(user=j.ukhtc, prosecution_id=p.pk)
    with pytest.raises(NotAllowed):
        j.outcome(charge, actor=j.ukhtc, disposal="fine", fine_pounds=10)
    assert AuditEvent.objects.filter(actor=j.ukhtc, action="justice.prosecution_refused").count() == 2
    with pytest.raises(NotFound):
        prosecution_get_for_user(user=j.met, prosecution_id=p.pk + 1000)
    for user in (j.w.responder, j.w.analyst, j.w.monitor, j.w.admin):
        assert not prosecution_list_for_user(user=user).exists()
        with pytest.raises(NotAllowed):
            prosecution_get_for_user(user=user, prosecution_id=p.pk)


def test_a_victim_is_named_only_to_the_organisation_that_recorded_the_lawful_reason(j):
    person = j.w.refer().person
    p = j.prosecute()
    with pytest.raises(ValidationFailed):
        prosecution_victim_record(actor=j.met, prosecution_id=p.pk, data=ProsecutionVictimIn(
            pseudonym="P-NOSUCH", lawful_reason="prosecution", reason_text="Synthetic"))
    prosecution_victim_record(actor=j.met, prosecution_id=p.pk, data=ProsecutionVictimIn(
        pseudonym=person.pseudonym, lawful_reason="prosecution", reason_text="Synthetic: complainant"))
    with pytest.raises(NotAllowed):
        prosecution_victim_record(actor=j.ukhtc, prosecution_id=p.pk, data=ProsecutionVictimIn(
            pseudonym=person.pseudonym, lawful_reason="prosecution", reason_text="Synthetic"))
    c = Client()
    c.force_login(j.met)
    page = c.get(f"/justice/prosecutions/{p.pk}/").content.decode()
    assert "Quillfeather" in page and person.pseudonym in page
    assert AuditEvent.objects.filter(actor=j.met, action="justice.victim_identity_view").exists()
    # A second MET officer, same organisation: sees it too (the reason is the organisation's).
    view = prosecution_get_for_user(user=j.met, prosecution_id=p.pk)
    assert view.victims[0].identity_visible
    # The organisation that recorded the link is what counts: another organisation's link is not shown by name.
    view.victims[0].link.organisation = j.w.orgs["GMP"]
    view.victims[0].link.save()
    page = c.get(f"/justice/prosecutions/{p.pk}/").content.decode()
    assert "Quillfeather" not in page and person.pseudonym in page
