"""Retention of the records that hold no statistics (sessions with referral drafts, failed sign-ins,
revoked API tokens), and the guard that every encrypted field is handled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from palermo.accounts.models import ApiToken, SignInFailure
from palermo.core.models import AuditEvent
from palermo.retention import erasure
from palermo.retention.services import retention_apply
from tests.retention.helpers import found
from tests.security.helpers import web
from tests.web.helpers import ADULT_ANSWERS, walk

pytestmark = pytest.mark.django_db


def test_an_expired_session_and_its_unsent_referral_draft_are_deleted_and_a_live_one_kept(world):
    answers = {**ADULT_ANSWERS, "person": {"given_name": "GivenDraft", "family_name": "FamilyDraft", "aliases": "",
                                           "gender": "female"}}
    walk(web(world.responder), answers)  # left at "check your answers": the draft is in the session
    live = web(world.decider)
    live.get("/cases/")
    draft_key = next(s.session_key for s in Session.objects.all() if s.get_decoded().get("referral"))
    assert ("django_session", "session_data") in found("Draft")
    Session.objects.filter(session_key=draft_key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    retention_apply(actor=None)
    assert found("Draft") == []
    assert Session.objects.filter(session_key=live.session.session_key).exists()
    event = AuditEvent.objects.get(action="retention.apply", detail__kind="session")
    assert event.detail["deleted"] == 1 and event.detail["version"] == "retention.session@2018-05-25"


@override_settings(PALERMO_SIGNIN_LOCK_MINUTES=15)
def test_failed_sign_ins_older_than_a_day_are_deleted_and_recent_ones_kept():
    now = timezone.now()
    old = SignInFailure.objects.create(key="a" * 64, at=now - dt.timedelta(days=1, minutes=1))
    recent = SignInFailure.objects.create(key="b" * 64, at=now - dt.timedelta(hours=23))
    retention_apply(actor=None)
    assert list(SignInFailure.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SignInFailure.objects.filter(pk=old.pk).exists()


def test_a_failed_sign_in_inside_the_lockout_window_is_never_deleted(monkeypatch, tmp_path):
    """Even a rule of zero days leaves the failures the throttle still counts."""
    import shutil

    import yaml

    from palermo.law.retention import RETENTION_DIR

    root = tmp_path / "retention"
    shutil.copytree(RETENTION_DIR, root)
    data = yaml.safe_load((root / "sign_in_failure.yaml").read_text())
    data["values"][-1]["value"]["days"] = 0
    (root / "sign_in_failure.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    now = timezone.now()
    inside = SignInFailure.objects.create(key="c" * 64, at=now - dt.timedelta(minutes=5))
    outside = SignInFailure.objects.create(key="d" * 64, at=now - dt.timedelta(minutes=20))
    retention_apply(actor=None, root=root)
    assert SignInFailure.objects.filter(pk=inside.pk).exists()
    assert not SignInFailure.objects.filter(pk=outside.pk).exists()


def test_a_token_revoked_over_a_year_ago_is_deleted_and_others_kept(world):
    now = timezone.now()
    long_revoked, _ = ApiToken.issue(world.decider)
    lately_revoked, _ = ApiToken.issue(world.decider)
    active, _ = ApiToken.issue(world.decider)
    ApiToken.objects.filter(pk=long_revoked.pk).update(revoked_at=now - dt.timedelta(days=367))
    ApiToken.objects.filter(pk=lately_revoked.pk).update(revoked_at=now - dt.timedelta(days=300))
    retention_apply(actor=None)
    assert set(ApiToken.objects.values_list("pk", flat=True)) == {lately_revoked.pk, active.pk}


def test_every_encrypted_field_is_erased_or_excused():
    """Adding an encrypted field to any model without deciding what retention does with it
    fails here (and ``retention_apply`` refuses to run)."""
    assert erasure.unhandled_encrypted_fields() == []


def test_an_unhandled_encrypted_field_is_found_and_stops_apply(monkeypatch):
    erase = {k: dict(v) for k, v in erasure.ERASE.items()}
    erase["nrm.referral"].pop("narrative")
    erase["nrm.decision"]["no_such_field"] = ""
    monkeypatch.setattr(erasure, "ERASE", erase)
    assert erasure.unhandled_encrypted_fields() == [
        "nrm.decision.no_such_field (in ERASE, but the model has no such field)",
        "nrm.historicalreferral.narrative",
        "nrm.referral.narrative",
    ]
    with pytest.raises(ImproperlyConfigured, match="nrm.referral.narrative"):
        retention_apply(actor=None)
    assert not AuditEvent.objects.filter(action="retention.apply").exists()
