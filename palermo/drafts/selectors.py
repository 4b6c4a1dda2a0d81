"""Reading referral drafts: a draft exists only for the first responder who saved it.

A draft whose retention period has passed (``retention.referral_draft``, counted from when it
was last saved) is gone for everybody from that moment, even before ``palermo retention apply``
deletes the row.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotFound
from palermo.drafts.models import ReferralDraft
from palermo.law.retention import RetentionRule, retention_rule_at
from palermo.retention import dates

KIND = "referral_draft"


def draft_rule(on: dt.date | None = None) -> RetentionRule:
    """The retention rule for drafts in force on ``on`` (default today)."""
    rule = retention_rule_at(KIND, on or timezone.localdate())
    if rule is None:  # palermo law check refuses a set of files that leaves a kind without a rule
        raise LookupError("no retention rule for referral drafts")
    return rule


def draft_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Drafts last saved at or before this moment have expired."""
    now = now or timezone.now()
    return dates.latest_start(now, draft_rule(timezone.localdate(now)))


def draft_expires_on(draft: ReferralDraft) -> dt.date:
    """The day the draft is deleted if it is not saved again or sent (in UK time)."""
    rule = draft_rule()
    saved = timezone.localtime(draft.saved_at).date()
    return dates.due_on(saved, rule) or saved


def saved_words(draft: ReferralDraft) -> str:
    """"4 December 2026 at 1:30pm" (UK time), as GOV.UK writes a date and time."""
    local = timezone.localtime(draft.saved_at)
    hour = local.hour % 12 or 12
    return f"{local.day} {local.strftime('%B')} {local.year} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def draft_list_for_user(*, user):
    """The user's own drafts that have not expired, most recently saved first. Holds no answers
    that a list shows: the page lists when each was saved and where it stopped."""
    if not user.is_authenticated:
        return ReferralDraft.objects.none()
    return ReferralDraft.objects.filter(owner=user, saved_at__gt=draft_cutoff()).defer("answers")


def draft_get_for_user(*, user, draft_id: int) -> ReferralDraft:
    """The user's own draft. Anyone else's draft does not exist for them (NotFound, not
    NotAllowed: a draft is nobody's business but its owner's, so even its existence is not
    told); the refused look at an existing draft is audited."""
    draft = ReferralDraft.objects.filter(pk=draft_id, saved_at__gt=draft_cutoff()).first()
    if draft is None:
        raise NotFound("No such draft")
    if draft.owner_id != user.pk:
        audit_record(actor=user, action="referral_draft.refused", obj=draft)
        raise NotFound("No such draft")
    return draft
