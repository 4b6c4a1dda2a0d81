"""A prosecution names the operation it arose from (seed note §7.3, §7.4): only an operation the
recording organisation leads or takes part in, with one answer for "no such operation" and "not
yours"; the operation's page lists the prosecutions the reader's organisation recorded from it."""

import datetime as dt

import pytest
from django.test import Client

from palermo.core.exceptions import ValidationFailed
from palermo.justice.schemas import ProsecutionIn
from palermo.justice.services import prosecution_create
from tests.operations.helpers import Ops

pytestmark = pytest.mark.django_db


def _prosecute(o, person, operation: str, actor=None):
    return prosecution_create(actor=actor or o.met, data=ProsecutionIn.model_validate({
        "nation": "england_wales", "court_kind": "crown", "court_name": "Synthetic Crown Court",
        "charged_on": "2010-06-01", "operation": operation,
        "defendants": [{"entity_id": person.pk, "charges": [{"offence_id": "SOA2003_s57", "offence_on": "2010-03-01"}]}]}))


@pytest.fixture
def o():
    ops = Ops()
    ops.report(ops.met, entities=[{"kind": "person", "value": "Synthetic Defendant"}])
    from palermo.intelligence.models import Entity

    ops.person = Entity.objects.get(kind="person")
    return ops


def test_a_prosecution_names_an_operation_its_organisation_takes_part_in(o):
    op = o.operation(taking_part=("MET",))
    p = _prosecute(o, o.person, op.reference)
    assert p.operation == op
    client = Client()
    client.force_login(o.met)
    page = client.get(f"/operations/{op.pk}/").content.decode()
    assert f"/justice/prosecutions/{p.pk}/" in page and p.reference in page
    assert op.reference in client.get(f"/justice/prosecutions/{p.pk}/").content.decode()
    from palermo.accounts.models import ApiToken

    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(o.met)[1]}"}
    assert Client().get(f"/api/v1/justice/prosecutions/{p.pk}", **auth).json()["operation"] == op.reference


def test_an_operation_not_taken_part_in_or_unknown_gets_one_answer(o):
    op = o.operation(taking_part=("GMP",))  # led by UKHTC with GMP: the Metropolitan Police takes no part
    answers = []
    for reference in (op.reference, "OP-1999-9999"):
        with pytest.raises(ValidationFailed) as exc:
            _prosecute(o, o.person, reference)
        answers.append(exc.value.fields["operation"])
    assert answers[0] == answers[1] == "Enter the reference of an operation your organisation leads or takes part in"


def test_the_operation_page_lists_only_prosecutions_the_reader_may_see(o):
    op = o.operation(taking_part=("MET",))
    p = _prosecute(o, o.person, op.reference)
    client = Client()
    client.force_login(o.ukhtc)  # leads the operation, but did not record the prosecution
    page = client.get(f"/operations/{op.pk}/").content.decode()
    assert p.reference not in page and "None your organisation has recorded." in page
    assert dt.date(2010, 6, 1) == p.charged_on
