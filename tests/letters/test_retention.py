"""Retention removes a decision letter's content with the person's identity (issue 14): the
encrypted HTML and PDF go, the record of which template made it stays, and it is not made again."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.children.models import DecisionLetter
from palermo.core.exceptions import NotFound
from palermo.letters import services
from palermo.letters.models import LetterDocument
from palermo.retention import services as retention

pytestmark = pytest.mark.django_db


def test_retention_erases_the_letter_and_it_is_not_made_again(world):
    from palermo.nrm.schemas import WithdrawIn
    from palermo.nrm.services import case_withdraw
    from tests.retention.test_apply import _closed_long_ago

    closed = _closed_long_ago()
    case = world.case(received_on=(closed - dt.timedelta(days=60)).isoformat())
    world.rg(case)
    case.refresh_from_db()
    case_withdraw(actor=world.responder, case=case, data=WithdrawIn(reason_code="missing", withdrawn_on=closed))
    letter = DecisionLetter.objects.get(case=case)
    services.letter_document_get(user=world.decider, letter=letter, recipient="first_responder")
    retention.retention_apply(actor=None)
    doc = LetterDocument.objects.get()
    assert doc.html == "" and doc.pdf == "" and doc.erased_on is not None
    assert doc.template == "reasonable_grounds_positive.html"
    with pytest.raises(NotFound):
        services.letter_document_get(user=world.decider, letter=letter, recipient="first_responder")
