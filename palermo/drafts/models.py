"""A referral saved part-way ("Save and come back later").

The answers are personal data (a name, a date of birth, what happened): they are one Fernet
ciphertext of JSON, never filtered on. Only the first responder who saved a draft ever sees it
(``selectors.draft_get_for_user``). A draft is deleted when it is sent (in the referral's
transaction), when its owner deletes it, or by retention once the period of the dated rule
``retention.referral_draft`` has passed since it was last saved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from palermo.core.fields import EncryptedTextField


class ReferralDraft(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_drafts",
                              db_comment="The first responder who saved the draft: the only person who sees it")
    answers = EncryptedTextField(
        db_comment="The referral journey's answers so far as JSON, Fernet-encrypted (names, date of birth, narrative)")
    step = models.CharField(max_length=40, db_comment="The question page the first responder stopped at (a slug)")
    section = models.PositiveSmallIntegerField(db_comment="The number of the section of that page")
    answered = models.PositiveSmallIntegerField(default=0, db_comment="How many question pages were answered")
    created_at = models.DateTimeField()
    saved_at = models.DateTimeField(db_index=True,
                                    db_comment="When the draft was last saved: its retention period runs from here")

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"referral draft {self.pk} of user {self.owner_id}"
