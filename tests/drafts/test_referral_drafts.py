"""Referral drafts: "Save and come back later" on every page of the referral journey, the first
responder's list, resuming where they stopped, deleting, and sending a draft through the same
referral service (the draft goes in the referral's transaction). Only the owner ever sees a
draft; the answers are ciphertext at rest; retention deletes a draft its rule's period after it
was last saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from palermo.core.exceptions import NotFound, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.drafts import services as drafts
from palermo.drafts.models import ReferralDraft
from palermo.drafts.selectors import draft_list_for_user
from palermo.nrm.models import Referral
from palermo.nrm.schemas import ReferralIn
from palermo.retention.services import retention_apply
from tests.factories import referral_payload
from tests.web.helpers import ADULT_ANSWERS, error_messages, login

pytestmark = pytest.mark.django_db

FIRST_SECTION = ["where", "under-18", "age-at-exploitation"]


def _answer(client, slugs):
    for slug in slugs:
        resp = client.post(f"/refer/{slug}/", ADULT_ANSWERS[slug])
        assert resp.status_code == 302, (slug, resp.content.decode()[:2000])


def _save_at(client, slug, data=None) -> ReferralDraft:
    resp = client.post(f"/refer/{slug}/", {**(data or {}), "action": "save"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    draft_id = int(re.fullmatch(r"/refer/drafts/(\d+)/", resp["Location"]).group(1))
    return ReferralDraft.objects.get(pk=draft_id)


def test_save_and_come_back_later_keeps_the_answers_as_a_draft_and_leaves_the_journey(client, world):
    login(client, world.responder)
    _answer(client, FIRST_SECTION)
    draft = _save_at(client, "what-happened")  # nothing typed on this page yet
    assert draft.owner == world.responder and draft.step == "what-happened" and draft.section == 2
    assert draft.answered == 3 and Referral.objects.count() == 0
    assert "referral" not in client.session  # the journey in the session is gone
    page = client.get(f"/refer/drafts/{draft.pk}/").content.decode()
    assert "Your answers have been saved" in page and "Section 2 of 5: What happened" in page
    expires = (timezone.localdate() + dt.timedelta(days=30)).strftime("%-d %B %Y")
    assert expires in page  # the period of retention.referral_draft, from the day it was saved
    event = AuditEvent.objects.get(action="referral_draft.save")
    assert event.object_id == str(draft.pk) and event.detail == {"new": True, "section": 2, "answered": 3}


def test_a_page_answered_before_saving_is_kept_and_a_wrong_answer_is_not_saved(client, world):
    login(client, world.responder)
    _answer(client, FIRST_SECTION)
    resp = client.post("/refer/what-happened/", {"narrative": "\x00", "action": "save"})
    assert resp.status_code == 200 and error_messages(resp.content.decode())
    assert not ReferralDraft.objects.exists()
    draft = _save_at(client, "what-happened", ADULT_ANSWERS["what-happened"])
    assert draft.step == "where-exploited" and draft.answered == 4


def test_the_answers_are_ciphertext_at_rest(client, world):
    login(client, world.responder)
    _answer(client, [s for s in ADULT_ANSWERS if s != "contact"])
    draft = _save_at(client, "contact")
    with connection.cursor() as cur:
        cur.execute("SELECT answers FROM drafts_referraldraft WHERE id = %s", [draft.pk])
        stored = cur.fetchone()[0]
    assert "Vrabiescu" in draft.answers  # the field decrypts (the test can fail)
    assert "Vrabiescu" not in stored and "1994" not in stored and "caravan" not in stored


def test_resume_goes_back_to_the_page_where_they_stopped_and_sending_deletes_the_draft(client, world):
    login(client, world.responder)
    _answer(client, FIRST_SECTION + ["what-happened"])
    draft = _save_at(client, "where-exploited")
    client.logout()
    login(client, world.responder)
    dash = client.get("/dashboard/").content.decode()
    assert f'href="/refer/drafts/{draft.pk}/"' in dash and "Section 2 of 5: What happened" in dash
    resp = client.post(f"/refer/drafts/{draft.pk}/", {"action": "resume"})
    assert resp.status_code == 302 and resp["Location"] == "/refer/where-exploited/"
    assert AuditEvent.objects.filter(action="referral_draft.resume", object_id=str(draft.pk)).exists()
    page = client.get("/refer/where-exploited/").content.decode()
    assert "Section 2 of 5: What happened" in page and "Save and come back later" in page
    rest = list(ADULT_ANSWERS)[list(ADULT_ANSWERS).index("where-exploited"):]
    _answer(client, rest)
    assert "Vrabiescu" in client.get("/refer/check-your-answers/").content.decode()
    resp = client.post("/refer/check-your-answers/", {"action": "send"})
    assert resp.status_code == 302 and resp["Location"] == "/refer/confirmation/"
    referral = Referral.objects.get()
    assert referral.narrative == ADULT_ANSWERS["what-happened"]["narrative"]  # saved before, sent now
    assert not ReferralDraft.objects.exists()
    event = AuditEvent.objects.get(action="referral_draft.submit")
    assert event.detail == {"referral_id": referral.pk, "answered": 4}
    assert "referral_draft" not in client.session


def test_saving_from_check_your_answers_resumes_there_and_saving_again_updates_the_same_draft(client, world):
    login(client, world.responder)
    _answer(client, list(ADULT_ANSWERS))
    resp = client.post("/refer/check-your-answers/", {"action": "save"})
    draft = ReferralDraft.objects.get()
    assert resp["Location"] == f"/refer/drafts/{draft.pk}/" and draft.section == 5
    assert Referral.objects.count() == 0
    resp = client.post(f"/refer/drafts/{draft.pk}/", {"action": "resume"})
    assert resp["Location"] == "/refer/check-your-answers/"
    client.post("/refer/check-your-answers/", {"action": "save"})
    assert ReferralDraft.objects.count() == 1


def test_nobody_else_sees_resumes_deletes_or_sends_a_draft(client, world):
    login(client, world.responder)
    _answer(client, FIRST_SECTION)
    draft = _save_at(client, "what-happened")
    other = login(type(client)(), world.responder_other)
    for resp in (other.get(f"/refer/drafts/{draft.pk}/"), other.post(f"/refer/drafts/{draft.pk}/", {"action": "resume"}),
                 other.post(f"/refer/drafts/{draft.pk}/", {"action": "delete"})):
        assert resp.status_code == 404
    assert "referral" not in other.session and ReferralDraft.objects.filter(pk=draft.pk).exists()
    assert "/refer/drafts/" not in other.get("/dashboard/").content.decode()
    with pytest.raises(NotFound):
        drafts.referral_draft_submit(actor=world.responder_other, draft_id=draft.pk,
                                     data=ReferralIn.model_validate(referral_payload()))
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.filter(action="referral_draft.refused", actor=world.responder_other).count() == 4
    decider = login(type(client)(), world.decider)
    assert decider.get(f"/refer/drafts/{draft.pk}/").status_code == 403
    assert client.get("/refer/drafts/999999/").status_code == 404


def test_the_owner_can_delete_a_draft(client, world):
    login(client, world.responder)
    _answer(client, FIRST_SECTION)
    draft = _save_at(client, "what-happened")
    resp = client.post(f"/refer/drafts/{draft.pk}/", {"action": "delete"})
    assert resp.status_code == 302 and not ReferralDraft.objects.exists()
    assert AuditEvent.objects.filter(action="referral_draft.delete", object_id=str(draft.pk)).exists()
    assert client.post(f"/refer/drafts/{draft.pk}/", {"action": "nonsense"}).status_code in {404, 422}


def test_a_referral_that_fails_to_record_keeps_its_draft(world):
    draft = drafts.referral_draft_save(actor=world.responder, draft_id=None, answers={"where": {"nation": "england"}},
                                       step="under-18", section=1)
    child_without_local_authority = ReferralIn.model_validate(referral_payload(under_18="yes", consent="not_required"))
    with pytest.raises(ValidationFailed):
        drafts.referral_draft_submit(actor=world.responder, draft_id=draft.pk, data=child_without_local_authority)
    assert ReferralDraft.objects.filter(pk=draft.pk).exists() and Referral.objects.count() == 0
    assert not AuditEvent.objects.filter(action="referral_draft.submit").exists()


def test_only_first_responders_who_may_refer_save_a_draft(world):
    with pytest.raises(drafts.NotAllowed):
        drafts.referral_draft_save(actor=world.decider, draft_id=None, answers={}, step="where", section=1)


def test_a_draft_is_gone_once_its_period_has_passed_and_retention_deletes_it(client, world):
    old = drafts.referral_draft_save(actor=world.responder, draft_id=None, answers={"where": {"nation": "wales"}},
                                     step="under-18", section=1)
    fresh = drafts.referral_draft_save(actor=world.responder, draft_id=None, answers={"where": {"nation": "wales"}},
                                       step="under-18", section=1)
    ReferralDraft.objects.filter(pk=old.pk).update(saved_at=timezone.now() - dt.timedelta(days=30, minutes=1))
    assert list(draft_list_for_user(user=world.responder)) == [fresh]
    login(client, world.responder)
    assert client.get(f"/refer/drafts/{old.pk}/").status_code == 404
    retention_apply(actor=None)
    assert list(ReferralDraft.objects.values_list("pk", flat=True)) == [fresh.pk]
    event = AuditEvent.objects.get(action="retention.apply", detail__kind="referral_draft")
    assert event.detail["deleted"] == 1 and event.detail["version"] == "retention.referral_draft@2018-05-25"


def test_a_first_responder_keeps_a_bounded_number_of_drafts(client, world):
    for _ in range(drafts.MAX_DRAFTS_PER_USER):
        drafts.referral_draft_save(actor=world.responder, draft_id=None, answers={}, step="where", section=1)
    login(client, world.responder)
    resp = client.post("/refer/where/", {"nation": "wales", "action": "save"})
    assert resp.status_code == 200
    assert error_messages(resp.content.decode()) == [
        f"You have {drafts.MAX_DRAFTS_PER_USER} saved referrals. Send or delete one before you save another"]
    with pytest.raises(ValidationFailed):
        drafts.referral_draft_save(actor=world.responder, draft_id=None, answers={"x": {}} | {str(i): {} for i in range(50)},
                                   step="where", section=1)
