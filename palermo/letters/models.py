"""Decision letters as documents (issue 14): the HTML and PDF of one decision's letter to one
recipient organisation, made from the competent authority's template for the kind of decision.

Who a letter goes to is recorded by ``palermo.children`` (``DecisionLetter`` and its recipients)
when the decision takes effect; this holds the documents, made on the first request for them
and then kept unchanged (the template's SHA-256 says which version made it). Both are encrypted
at rest: they hold the person's name and date of birth."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from palermo.core.fields import EncryptedTextField

RECIPIENT_CHOICES = [("first_responder", "First responder"), ("local_authority", "Lead local authority")]


class LetterDocument(models.Model):
    letter = models.ForeignKey("children.DecisionLetter", on_delete=models.PROTECT, related_name="documents")
    recipient = models.CharField(max_length=20, choices=RECIPIENT_CHOICES)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    template = models.CharField(max_length=60, help_text="Template file name, e.g. rg_positive.html")
    template_sha256 = models.CharField(max_length=64)
    html = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). The letter as HTML; names the person.")
    pdf = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). The letter as PDF, base64.")
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    erased_on = models.DateField(null=True, blank=True, help_text="Content removed under a retention rule on this day")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["letter", "recipient"], name="letters_one_document_per_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient} letter {self.letter_id}"
