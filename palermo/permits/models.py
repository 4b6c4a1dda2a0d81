"""Residence permits for identified victims of trafficking (seed note §5.2, §9.1, §10).

Three records, each kept with its history (django-simple-history):

* an **application** on an NRM case whose person was identified as a victim (a positive
  conclusive grounds decision): its grounds, the investigation the person co-operates with (a
  reference until the intelligence records exist), the day it was made, and — for a renewal —
  the permit it renews;
* the **decision** on it: granted or refused, with coded reasons and an explanation, when and by
  whom;
* the **permit** a grant creates: start, expiry and renewal reminder, each stored with the
  version of the dated parameter that set it, as the NRM deadlines are.

A case has at most one application awaiting a decision at a time (a database constraint as well
as a rule of the service). Nothing is ever deleted: a renewal is a new application linked to the
permit it renews, so the whole history of a person's permits can be read back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from palermo.core.fields import EncryptedTextField
from palermo.nrm.models import Case

OPEN, DECIDED = "open", "decided"
APPLICATION_STATE_CHOICES = [(OPEN, "Awaiting a decision"), (DECIDED, "Decided")]
GRANTED, REFUSED = "granted", "refused"
OUTCOME_CHOICES = [(GRANTED, "Granted"), (REFUSED, "Refused")]


class PermitApplication(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="permit_applications")
    grounds = models.JSONField(default=list, help_text="Ground codes (palermo.law.vocab.PERMIT_GROUNDS)")
    investigation_reference = EncryptedTextField(
        blank=True, db_comment="Encrypted (Fernet). Reference of the criminal investigation the person co-operates "
                               "with; ties them to it as a witness.")
    applied_on = models.DateField(db_index=True)
    renews = models.ForeignKey("Permit", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="renewal_applications", help_text="The permit this application renews")
    state = models.CharField(max_length=10, choices=APPLICATION_STATE_CHOICES, default=OPEN, db_index=True)
    rules_version = models.CharField(
        max_length=80, help_text="The eligibility rule in force on the application date, "
                                 "e.g. support.residence_permit_eligibility@2009-04-01")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["applied_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(state="open"),
                                    name="permit_one_open_application_per_case"),
        ]

    @property
    def is_renewal(self) -> bool:
        return self.renews_id is not None

    def __str__(self) -> str:
        return f"permit application {self.pk} ({self.get_state_display()})"


class PermitDecision(models.Model):
    application = models.OneToOneField(PermitApplication, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    reason_codes = models.JSONField(default=list)
    reason_text = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Decision maker's explanation.")
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"permit decision {self.pk}: {self.outcome}"


class Permit(models.Model):
    """A granted permit. ``expires_on`` is the start plus the months in force on the day of the
    grant (``months_version``); ``reminder_on`` is the renewal reminder (``reminder_version``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="permits")
    decision = models.OneToOneField(PermitDecision, on_delete=models.PROTECT, related_name="permit")
    starts_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    months = models.PositiveSmallIntegerField()
    months_version = models.CharField(max_length=80)
    reminder_on = models.DateField(db_index=True)
    reminder_version = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["reminder_on", "expires_on"])]

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day <= self.expires_on

    def __str__(self) -> str:
        return f"permit {self.pk} ({self.starts_on} to {self.expires_on})"
