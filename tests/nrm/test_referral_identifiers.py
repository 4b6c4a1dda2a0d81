"""A new referral's reference and its person's pseudonym are random (eight hex digits) and must be
unique: a clash, which the birthday bound makes about yearly at national scale, is drawn again
instead of refusing a valid referral with a database error."""

from __future__ import annotations

import re

from palermo.core.models import AuditEvent
from palermo.nrm import services
from palermo.nrm.models import Referral


def _clashing(monkeypatch, *, pseudonym: str | None = None, reference: str | None = None, times: int = 1):
    real = services.referral_new
    left = [times]

    def referral_new(**kw):
        person, referral, types = real(**kw)
        if left[0] > 0:
            left[0] -= 1
            if pseudonym and person is not None:
                person.pseudonym = pseudonym
            if reference:
                referral.reference = reference
        return person, referral, types

    monkeypatch.setattr(services, "referral_new", referral_new)


def test_a_taken_pseudonym_and_reference_are_drawn_again(world, monkeypatch):
    first = world.refer()
    _clashing(monkeypatch, pseudonym=first.person.pseudonym, reference=first.reference)
    second = world.refer()
    assert re.fullmatch(r"P-[0-9A-F]{8}", second.person.pseudonym)
    assert second.person.pseudonym != first.person.pseudonym
    assert re.fullmatch(rf"NRM-{second.received_on.year}-[0-9A-F]{{8}}", second.reference)
    assert second.reference != first.reference
    assert Referral.objects.filter(reference=second.reference).get().person.pseudonym == second.person.pseudonym
    event = AuditEvent.objects.filter(action="referral.create", object_id=str(second.pk)).get()
    assert event.detail["case_id"] == second.case.pk


def test_a_duty_to_notify_reference_taken_is_drawn_again(world, monkeypatch):
    first = world.refer(consent="refused", anonymous=True, person=None)
    assert first.reference.startswith("DTN-")
    _clashing(monkeypatch, reference=first.reference)
    second = world.refer(consent="refused", anonymous=True, person=None)
    assert second.reference.startswith("DTN-") and second.reference != first.reference
    assert second.duty_to_notify.reference == second.reference
