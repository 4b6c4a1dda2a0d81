"""Operations services: who may record what, and each refusal with its reason (dates outside the
operation, kinds not in the law data, offences not in force in that nation on that date, NRM
referrals not made during the operation, intelligence entities the officer may not see)."""

import datetime as dt

import pytest

from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.operations.models import Charge, PremisesVisit
from palermo.operations.services import offence_in_force_problem

from .helpers import Ops

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return Ops()


def _events(action, user=None):
    qs = AuditEvent.objects.filter(action=action)
    return qs.filter(actor=user).count() if user else qs.count()


def test_an_intelligence_officer_records_an_operation_led_by_their_organisation_and_it_is_audited(o):
    op = o.operation(taking_part=("MET", "GMP"), aims=("recover_victims", "asset_recovery"))
    assert op.lead_organisation.code == "UKHTC"
    assert sorted(op.participating_organisations.values_list("code", flat=True)) == ["GMP", "MET"]
    assert op.aims == ["asset_recovery", "recover_victims"] and op.aims_version == "operations.aims@2006-02-21"
    assert op.reference == f"OP-2010-{op.pk:04d}"
    event = AuditEvent.objects.get(action="operation.create")
    assert event.detail == {"lead": "UKHTC", "organisations": 2, "aims": ["asset_recovery", "recover_victims"]}


@pytest.mark.parametrize("who", ["analyst", "monitor", "responder", "sca"])
def test_only_intelligence_officers_record_operations(o, who):
    with pytest.raises(NotAllowed):
        o.operation(actor=getattr(o, who))


def test_an_operation_is_refused_with_reasons_by_field(o):
    with pytest.raises(ValidationFailed) as exc:
        o.operation(start=dt.date(2010, 5, 1), end=dt.date(2010, 4, 1), aims=("win",), taking_part=("NOPE",))
    assert exc.value.fields == {"ends_on": "The end date must be on or after the start date",
                                "aims": "Select aims from the list (not win)",
                                "participating_organisations": "Enter the codes of organisations Palermo knows"}
    with pytest.raises(ValidationFailed) as exc:
        o.operation(start=dt.date(2005, 1, 1), end=None)
    assert exc.value.fields["starts_on"].startswith("Palermo has no list of aims before 21 February 2006")


def test_a_premises_visit_is_recorded_by_any_organisation_taking_part(o):
    op = o.operation(taking_part=("MET",))
    visit = o.visit(op, o.met, kind="massage_parlour")
    assert visit.organisation.code == "MET" and visit.kind_version == "operations.premises_kinds@2006-02-21"
    assert _events("operation.premises_visit", o.met) == 1


def test_an_organisation_not_taking_part_is_refused_and_the_refusal_is_audited(o):
    op = o.operation(taking_part=("MET",))
    with pytest.raises(NotAllowed):
        o.visit(op, o.gmp)
    assert _events("operation.refused", o.gmp) == 1
    assert not PremisesVisit.objects.exists()
    with pytest.raises(NotFound):
        o.visit(type(op)(pk=999999))


def test_a_visit_outside_the_operation_or_of_an_unknown_kind_is_refused(o):
    op = o.operation()
    with pytest.raises(ValidationFailed) as exc:
        o.visit(op, on=dt.date(2010, 7, 1), kind="castle")
    assert exc.value.fields == {
        "visited_on": "The date of the visit must be during the operation, from 1 February 2010 to 30 June 2010",
        "kind": "Select the kind of premises"}


def test_a_charge_is_refused_when_the_offence_was_not_yet_in_force(o):
    """The Modern Slavery Act 2015 s2 offence came into force on 31 July 2015: not for 2010."""
    op = o.operation()
    arrest = o.arrest(op)
    with pytest.raises(ValidationFailed) as exc:
        o.charge(arrest, offence="MSA2015_s2")
    assert "cannot be charged" in exc.value.fields["offence_id"] and "not yet in force on 2010-02-20" in exc.value.fields["offence_id"]
    assert not Charge.objects.exists()
    charge = o.charge(arrest, offence="SOA2003_s57", counts=3)
    assert charge.counts == 3 and _events("operation.charge") == 1


def test_a_charge_is_refused_in_a_nation_the_offence_does_not_extend_to(o):
    """The Sexual Offences Act 2003 trafficking offences do not apply to Scotland (seed note §3.1)."""
    op = o.operation()
    arrest = o.arrest(op, nation="scotland")
    with pytest.raises(ValidationFailed) as exc:
        o.charge(arrest, offence="SOA2003_s57")
    assert "does not extend to Scotland" in exc.value.fields["offence_id"]


def test_the_in_force_check_is_the_offence_engines(o):
    assert offence_in_force_problem("SOA2003_s57", "england_wales", dt.date(2010, 1, 1)) is None
    assert "no longer in force" in offence_in_force_problem("SOA2003_s57", "england_wales", dt.date(2014, 1, 1))
    assert offence_in_force_problem("NOPE", "england_wales", dt.date(2010, 1, 1)) == "Select an offence from the law data"


def test_charges_with_an_arrest_are_checked_the_same_way(o):
    op = o.operation()
    with pytest.raises(ValidationFailed) as exc:
        o.arrest(op, charges=[{"offence_id": "MSA2015_s1", "counts": 1, "offence_on": "2010-02-20", "charged_on": "2010-03-02"}])
    assert "not yet in force" in exc.value.fields["charges.0.offence_id"]
    arrest = o.arrest(op, charges=[{"offence_id": "SOA2003_s58", "counts": 2, "offence_on": "2010-02-20",
                                    "charged_on": "2010-03-02"}])
    assert arrest.charges.get().counts == 2


def test_a_charge_before_the_arrest_or_after_today_is_refused(o):
    op = o.operation()
    arrest = o.arrest(op)
    with pytest.raises(ValidationFailed) as exc:
        o.charge(arrest, charged_on=dt.date(2010, 3, 1), offence_on=dt.date(2010, 3, 1))
    assert exc.value.fields == {"charged_on": "The date of the charge must be on or after the arrest"}


def test_a_victim_is_the_nrm_referral_made_during_the_operation_by_an_organisation_taking_part(o):
    op = o.operation(taking_part=("MET",))
    referral = o.referral()
    victim = o.victim(op, referral)
    assert victim.case == referral.case and _events("operation.victim") == 1
    with pytest.raises(TransitionRefused):
        o.victim(op, referral)


def test_a_referral_outside_the_operation_gets_the_same_answer_as_none_and_is_audited(o):
    """An intelligence officer sees no NRM records: a referral that exists but was made outside the
    operation, or by an organisation not taking part, gets the same answer as one that does not
    exist (nothing about it is disclosed); the attempt is audited."""
    op = o.operation(taking_part=("MET",))
    messages = []
    for referral in (o.referral(on=dt.date(2010, 7, 2)), o.referral(actor=o.first_responder_gmp)):
        with pytest.raises(ValidationFailed) as exc:
            o.victim(op, referral)
        messages.append(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        o.victim(op, type("R", (), {"reference": "NRM-0000-NONE"})())
    messages.append(exc.value.fields)
    assert messages[0] == messages[1] == messages[2]
    assert _events("operation.victim_refused", o.ukhtc) == 2


def test_an_arrest_links_only_a_person_entity_the_officer_may_see(o):
    op = o.operation(taking_part=("MET",))
    shared = o.report(o.ukhtc, on=dt.date(2010, 3, 1), entities=[{"kind": "person", "value": "Synthetic Suspect"}])
    restricted = o.report(o.met, on=dt.date(2010, 3, 1), grading=("B", "2", "4"),
                          entities=[{"kind": "person", "value": "Synthetic Hidden"}])
    person = shared.mentions.get().entity
    hidden = restricted.mentions.get().entity
    arrest = o.arrest(op, entity=person.reference)
    assert arrest.entity == person
    with pytest.raises(ValidationFailed) as exc:
        o.arrest(op, entity=hidden.reference)
    assert exc.value.fields == {"entity": "Enter the reference of an entity in intelligence reports you may see"}
    assert _events("intel.entity_refused", o.ukhtc) == 1
    with pytest.raises(ValidationFailed):
        o.visit(op, entity=person.reference)  # a person is not premises


def test_assets_are_recorded_in_pence_and_linked_to_an_arrest_of_the_operation(o):
    op = o.operation()
    arrest = o.arrest(op)
    from palermo.operations import services
    from palermo.operations.schemas import AssetIn

    rec = services.asset_record(actor=o.ukhtc, operation_id=op.pk, data=AssetIn.model_validate(
        {"recorded_on": "2010-03-05", "kind": "cash_recovered", "amount_pence": 123, "arrest": arrest.reference}))
    assert rec.arrest == arrest
    with pytest.raises(ValidationFailed) as exc:
        services.asset_record(actor=o.ukhtc, operation_id=op.pk, data=AssetIn.model_validate(
            {"recorded_on": "2010-03-05", "kind": "gold", "amount_pence": 1, "arrest": "A-999999"}))
    assert set(exc.value.fields) == {"kind", "arrest"}
