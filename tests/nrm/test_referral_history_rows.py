"""``referral_create`` inserts the person, the referral and the case with prepared statements
(``palermo.core.rows.create``) and writes their "+" history rows itself
(``palermo.core.history.history_created``), not through django-simple-history's own ``post_save``. These tests hold those rows to simple_history itself: saving the very objects
again, unchanged, makes simple_history write a "~" row of their values, and every field of the two
rows must be equal when read back through the ORM (encrypted fields decrypted), except the history
row's own id, moment and type."""

from __future__ import annotations

import pytest

from palermo.nrm.models import Case, Referral
from palermo.people.models import Person

OWN = {"history_id", "history_date", "history_type"}


def _rows(model, pk) -> list[dict]:
    history = model.history.model
    names = [f.attname for f in history._meta.concrete_fields]
    return [{n: getattr(h, n) for n in names} for h in history.objects.filter(id=pk).order_by("history_id")]


@pytest.mark.parametrize("overrides", [
    {},  # an adult who consents
    {"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON", "age_at_exploitation": "child"},
], ids=["adult", "child"])
def test_the_history_rows_are_those_simple_history_writes(world, overrides):
    referral = world.refer(**overrides)
    for model, pk in ((Person, referral.person_id), (Referral, referral.pk), (Case, referral.case.pk)):
        (ours,) = _rows(model, pk)
        assert ours["history_type"] == "+" and ours["history_user_id"] == world.responder.pk
        assert ours["history_change_reason"] is None
        fresh = model.objects.get(pk=pk)
        # auto_now fields (the case's updated_at) move on any save: the "+" row holds the row's
        # value from before the second save
        auto_now = {f.attname: getattr(fresh, f.attname) for f in model._meta.concrete_fields
                    if getattr(f, "auto_now", False)}
        assert all(ours[n] == v for n, v in auto_now.items())
        fresh._history_user = world.responder
        fresh.save()  # unchanged: simple_history's own "~" row of the same values
        _, theirs = _rows(model, pk)
        assert theirs["history_type"] == "~"
        differ = {n for n in ours if n not in OWN | set(auto_now) and ours[n] != theirs[n]}
        assert not differ, f"{model.__name__}: the service's history row differs from simple_history's in {differ}"


def test_a_duty_to_notify_report_writes_the_same_history(world):
    referral = world.refer(consent="refused", anonymous=False)
    assert referral.duty_to_notify is not None
    (ours,) = _rows(Referral, referral.pk)
    fresh = Referral.objects.get(pk=referral.pk)
    fresh._history_user = world.responder
    fresh.save()
    _, theirs = _rows(Referral, referral.pk)
    assert {n for n in ours if n not in OWN and ours[n] != theirs[n]} == set()


def test_a_later_save_of_the_returned_object_keeps_its_history(world):
    referral = world.refer()
    referral.save()  # the very object the service saved without simple_history's receiver
    assert [h.history_type for h in Referral.history.model.objects.filter(id=referral.pk).order_by("history_id")] \
        == ["+", "~"]



def test_a_new_referral_still_sends_post_save(world, settings):
    """The linkage job of a new referral hangs on ``post_save``: the prepared insert sends it."""
    from palermo.jobs.models import Job

    settings.PALERMO_LINK_ON_REFERRAL = True
    referral = world.refer()
    job = Job.objects.get(kind="link_score")
    assert job.params["referral_id"] == referral.pk and job.params["person_id"] == referral.person_id
