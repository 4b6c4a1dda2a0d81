"""Writing referral drafts: save, resume, delete, send.

Every write is one transaction with its audit event (ids and counts only, never an answer).
Only a first responder who may refer saves a draft, and only its owner resumes, deletes or sends
it (anyone else is told there is no such draft). Sending goes through
``nrm.services.referral_create`` exactly as the journey and the API do, and deletes the draft in
the same transaction: a referral that fails to record keeps its draft, and a recorded referral
never leaves one behind.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, ValidationFailed
from palermo.drafts.models import ReferralDraft
from palermo.drafts.selectors import draft_cutoff, draft_get_for_user
from palermo.nrm import services as nrm_services
from palermo.nrm.schemas import ReferralIn

#: Bounds on what a draft holds: the journey has 23 question pages and at most 5 sections; the
#: answers of a whole referral are far under this many characters (the narrative is the longest).
MAX_PAGES = 40
MAX_SECTION = 10
MAX_ANSWERS_CHARS = 200_000
#: A first responder keeps at most this many drafts at a time: a draft holds personal data, and
#: a list nobody can get through is not a list of work.
MAX_DRAFTS_PER_USER = 20


def _may_refer(actor) -> None:
    if not (actor.is_authenticated and actor.has_perm("nrm.create_referral")):
        raise NotAllowed("Only first responders can save a referral")


def _check(*, answers: dict, step: str, section: int) -> str:
    if not isinstance(answers, dict) or len(answers) > MAX_PAGES:
        raise ValidationFailed("The draft has errors", {"answers": "A draft holds the answers of the question pages"})
    if not step or len(step) > 40:
        raise ValidationFailed("The draft has errors", {"step": "Say which page the draft stopped at"})
    if not 1 <= section <= MAX_SECTION:
        raise ValidationFailed("The draft has errors", {"section": "Say which section the draft stopped at"})
    text = json.dumps(answers)
    if len(text) > MAX_ANSWERS_CHARS:
        raise ValidationFailed("The draft has errors", {"answers": "The answers are too long to save"})
    return text


def referral_draft_save(*, actor, draft_id: int | None, answers: dict, step: str, section: int) -> ReferralDraft:
    """Save the journey's answers as a new draft (``draft_id`` None) or over the actor's own
    draft, with the page to come back to. Saving again starts the retention period again."""
    _may_refer(actor)
    text = _check(answers=answers, step=step, section=section)
    if draft_id is not None:
        draft_get_for_user(user=actor, draft_id=draft_id)  # outside the transaction: a refusal stays audited
    with transaction.atomic():
        return _save(actor=actor, draft_id=draft_id, text=text, answers=answers, step=step, section=section)


def _save(*, actor, draft_id, text, answers, step, section) -> ReferralDraft:
    now = timezone.now()
    if draft_id is None:
        live = ReferralDraft.objects.filter(owner=actor, saved_at__gt=draft_cutoff(now)).count()
        if live >= MAX_DRAFTS_PER_USER:
            raise ValidationFailed("Too many drafts", {"draft": (
                f"You have {live} saved referrals. Send or delete one before you save another")})
        draft = ReferralDraft(owner=actor, created_at=now)
    else:
        draft = ReferralDraft.objects.select_for_update().filter(pk=draft_id, owner=actor).first()
        if draft is None:  # sent or deleted in another request meanwhile
            raise NotFound("No such draft")
    draft.answers, draft.step, draft.section, draft.answered, draft.saved_at = text, step, section, len(answers), now
    draft.save()
    audit_record(actor=actor, action="referral_draft.save", obj=draft,
                 detail={"new": draft_id is None, "section": section, "answered": len(answers)})
    return draft


def referral_draft_resume(*, actor, draft_id: int) -> tuple[ReferralDraft, dict]:
    """The actor's draft and its answers, to carry on with (a read of personal data: audited)."""
    _may_refer(actor)
    draft = draft_get_for_user(user=actor, draft_id=draft_id)
    try:
        answers = json.loads(draft.answers)
    except ValueError:
        answers = {}
    with transaction.atomic():
        audit_record(actor=actor, action="referral_draft.resume", obj=draft,
                     detail={"section": draft.section, "answered": draft.answered})
    return draft, answers if isinstance(answers, dict) else {}


def referral_draft_delete(*, actor, draft_id: int) -> None:
    """The owner deletes their draft ("Delete this draft")."""
    _may_refer(actor)
    draft = draft_get_for_user(user=actor, draft_id=draft_id)  # outside the transaction: a refusal stays audited
    with transaction.atomic():
        audit_record(actor=actor, action="referral_draft.delete", obj=draft, detail={"answered": draft.answered})
        draft.delete()


def referral_draft_submit(*, actor, draft_id: int, data: ReferralIn):
    """Send the draft as a referral (``referral_create``) and delete the draft, in one
    transaction. The draft row is locked first, so the same draft cannot be sent twice at once."""
    _may_refer(actor)
    draft_get_for_user(user=actor, draft_id=draft_id)  # outside the transaction: a refusal stays audited
    with transaction.atomic():
        return _submit(actor=actor, draft_id=draft_id, data=data)


def _submit(*, actor, draft_id: int, data: ReferralIn):
    draft = ReferralDraft.objects.select_for_update().filter(pk=draft_id, owner=actor).first()
    if draft is None:  # sent or deleted in another request meanwhile
        raise NotFound("No such draft")
    referral = nrm_services.referral_create(actor=actor, data=data)
    audit_record(actor=actor, action="referral_draft.submit", obj=draft,
                 detail={"referral_id": referral.pk, "answered": draft.answered})
    draft.delete()
    return referral
