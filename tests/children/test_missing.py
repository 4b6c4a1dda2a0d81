"""Missing from care: reporting a child missing alerts the lead local authority's children's
services, the named person and the case's decision maker — in Palermo and by e-mail, at once and
exactly once, without the child's name — and the return closes the episode."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from palermo.children.models import MissingEpisode
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.notifications.models import Notification, OutgoingEmail
from tests.children.helpers import CHILD_FAMILY, CHILD_GIVEN, at, bring_back, child_case, name, place, report
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db


def _recipients(episode) -> dict[str, str]:
    return dict(Notification.objects.filter(object_id=str(episode.pk)).values_list("recipient__username", "reason"))


def test_opening_an_episode_alerts_exactly_the_right_people_once_in_palermo_and_by_email(
        kids, django_capture_on_commit_callbacks):
    """The named person, every member of the lead local authority's children's services and the
    decision maker who decided the case; not the reporter, not another local authority, not the
    other decision makers of the competent authority, not the first responder."""
    case = child_case(kids)
    kids.rg(case)  # decided by kids.decider: "the case's decision maker"
    name(kids, case, kids.keyworker)
    place(kids, case)
    with django_capture_on_commit_callbacks(execute=True):
        episode, created = report(kids, case)
    assert created
    assert _recipients(episode) == {"t.keyworker": "named_person", "t.decider": "decision_maker"}
    assert sorted(m.to[0] for m in mail.outbox) == ["t.decider@palermo.invalid", "t.keyworker@palermo.invalid"]
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == 2


def test_before_any_decision_every_decision_maker_of_the_competent_authority_is_told(kids):
    case = child_case(kids)
    episode, _ = report(kids, case, actor=kids.keyworker)
    assert _recipients(episode) == {"t.children": "local_authority", "t.decider": "decision_maker",
                                    "t.decider2": "decision_maker"}


def test_the_email_names_no_child_and_gives_the_reference_and_a_link(kids, django_capture_on_commit_callbacks, settings):
    settings.PALERMO_BASE_URL = "https://palermo.example.invalid"
    case = child_case(kids)
    with django_capture_on_commit_callbacks(execute=True):
        report(kids, case)
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body
        assert CHILD_GIVEN not in text and CHILD_FAMILY not in text
        assert case.referral.person.pseudonym not in text
        assert case.referral.reference in message.subject and case.referral.reference in message.body
        assert f"https://palermo.example.invalid/children/cases/{case.pk}/" in message.body
    assert not OutgoingEmail.objects.exclude(body="").exists(), "a sent e-mail's text is not kept"


def test_a_retried_report_with_the_same_key_records_one_episode_and_alerts_nobody_twice(
        kids, django_capture_on_commit_callbacks):
    case = child_case(kids)
    with django_capture_on_commit_callbacks(execute=True):
        first, created = report(kids, case, key="retry-key-1")
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = report(kids, case, key="retry-key-1")
    assert created and not created_again and again.pk == first.pk
    assert MissingEpisode.objects.filter(case=case).count() == 1
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_a_retried_form_post_is_one_report(kids, django_capture_on_commit_callbacks):
    """A double click or a resent form: the page carries one request key."""
    case = child_case(kids)
    c = web(kids.children)
    page = c.get(f"/children/cases/{case.pk}/missing/").content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', page).group(1)
    when = at(hours_ago=2)
    form = {"went_missing_on-day": when.day, "went_missing_on-month": when.month, "went_missing_on-year": when.year,
            "went_missing_time": "00:00", "missing_from": "placement", "reported_to_police": "no", "request_key": key}
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(f"/children/cases/{case.pk}/missing/", form).status_code == 302
        assert c.post(f"/children/cases/{case.pk}/missing/", form).status_code == 302
    assert MissingEpisode.objects.filter(case=case).count() == 1
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_a_retried_api_call_with_the_same_key_answers_200_with_the_same_episode(kids, django_capture_on_commit_callbacks):
    case = child_case(kids)
    api = Api(kids.children)
    body = {"went_missing_at": at(hours_ago=2).isoformat(), "missing_from": "placement", "request_key": "api-key-7"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"/children/cases/{case.pk}/missing-episodes", body)
        again = api.post(f"/children/cases/{case.pk}/missing-episodes", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["episode"]["id"] == again.json()["episode"]["id"] and again.json()["created"] is False
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_a_second_report_while_the_child_is_missing_is_refused_and_alerts_nobody(kids, django_capture_on_commit_callbacks):
    """Two people reporting the same child: the second is told the alert has gone."""
    case = child_case(kids)
    with django_capture_on_commit_callbacks(execute=True):
        report(kids, case, key="a")
    with pytest.raises(TransitionRefused, match="already reported missing"):
        report(kids, case, key="b", actor=kids.keyworker)
    resp = Api(kids.keyworker).post(f"/children/cases/{case.pk}/missing-episodes", {
        "went_missing_at": at(hours_ago=1).isoformat(), "missing_from": "other", "request_key": "c"})
    assert resp.status_code == 409
    assert MissingEpisode.objects.filter(case=case).count() == 1
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_the_database_allows_one_open_episode_per_child(kids):
    """The last line of defence if two reports ever got past the case lock."""
    case = child_case(kids)
    episode, _ = report(kids, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEpisode.objects.create(case=case, went_missing_at=at(hours_ago=1), missing_from="other",
                                      reported_by=kids.children)
    bring_back(kids, case, episode)
    second, created = report(kids, case, went=at(hours_ago=0.5))
    assert created and second.pk != episode.pk


def test_the_return_closes_the_episode_with_when_where_and_condition(kids):
    case = child_case(kids)
    episode, _ = report(kids, case, went=at(hours_ago=30), reported_to_police_at=at(hours_ago=29),
                        police_reference="MPS-2026-118")
    bring_back(kids, case, episode, when=at(hours_ago=2))
    episode.refresh_from_db()
    assert not episode.is_open and episode.found_where == "found_by_police"
    assert episode.return_condition == "Synthetic: tired, unhurt." and episode.return_recorded_by == kids.children
    with pytest.raises(TransitionRefused, match="already been recorded"):
        bring_back(kids, case, episode)
    event = AuditEvent.objects.get(action="child.missing_return")
    assert event.detail["hours_missing"] == 28 and "tired" not in str(event.detail)


def test_a_return_before_the_child_went_missing_is_refused(kids):
    case = child_case(kids)
    episode, _ = report(kids, case, went=at(hours_ago=5))
    with pytest.raises(ValidationFailed) as exc:
        bring_back(kids, case, episode, when=at(hours_ago=6))
    assert "returned_at" in exc.value.fields


def test_the_episode_is_linked_to_the_placement_the_child_was_in(kids):
    case = child_case(kids)
    placement = place(kids, case, started=at(days_ago=3))
    episode, _ = report(kids, case, went=at(days_ago=2))
    assert episode.placement_id == placement.pk


@pytest.mark.parametrize("who", ["decider", "responder", "cardiff", "support", "analyst"])
def test_only_the_lead_local_authority_reports_a_child_missing(kids, who):
    case = child_case(kids)
    with pytest.raises(NotAllowed):
        report(kids, case, actor=getattr(kids, who))
    assert not MissingEpisode.objects.exists() and not Notification.objects.exists()


def test_an_adults_case_cannot_have_a_missing_episode(kids):
    adult = kids.case()
    with pytest.raises(NotAllowed):  # the local authority does not lead an adult's case
        report(kids, adult)


def test_inactive_users_are_not_told_and_a_user_without_an_address_is_told_only_in_palermo(
        kids, django_capture_on_commit_callbacks):
    case = child_case(kids)
    kids.decider2.is_active = False
    kids.decider2.save()
    kids.keyworker.email = ""
    kids.keyworker.save()
    with django_capture_on_commit_callbacks(execute=True):
        episode, _ = report(kids, case)
    assert set(_recipients(episode)) == {"t.keyworker", "t.decider"}
    assert [m.to[0] for m in mail.outbox] == ["t.decider@palermo.invalid"]


def test_a_failed_send_is_retried_by_the_command_and_sent_once(kids, django_capture_on_commit_callbacks, monkeypatch):
    case = child_case(kids)
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def broken(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report(kids, case)
    assert len(mail.outbox) == 0
    assert set(OutgoingEmail.objects.values_list("last_error", "attempts", "claimed_at")) == {
        ("ConnectionRefusedError", 1, None)}
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    call_command("notifications", "send")
    call_command("notifications", "send")
    assert len(mail.outbox) == 3
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def test_an_email_being_sent_by_someone_else_is_not_sent_again(kids, django_capture_on_commit_callbacks):
    """A sender claims an e-mail before sending it: a second sender skips it."""
    from django.utils import timezone

    from palermo.notifications.services import outgoing_email_send

    case = child_case(kids)
    report(kids, case)  # on-commit callbacks not run: the e-mails are written, not sent
    OutgoingEmail.objects.update(claimed_at=timezone.now())
    assert outgoing_email_send() == {"sent": 0, "failed": 0, "skipped": 3}
    assert len(mail.outbox) == 0


def test_the_alert_is_written_in_the_same_transaction_as_the_episode(kids):
    """If the report fails after the episode is written, no notification or e-mail is left behind."""
    case = child_case(kids)
    from palermo.children import services

    def boom(*args, **kwargs):
        raise RuntimeError("crash after the notifications were written")

    original = services.audit_record

    def audit_then_crash(*, actor, action, **kw):
        original(actor=actor, action=action, **kw)
        if action == "child.missing_report":
            boom()

    services.audit_record = audit_then_crash
    try:
        with pytest.raises(RuntimeError):
            report(kids, case)
    finally:
        services.audit_record = original
    assert not MissingEpisode.objects.exists() and not Notification.objects.exists() and not OutgoingEmail.objects.exists()
