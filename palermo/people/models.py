"""Potential victims. Direct identifiers are encrypted at rest; exact search uses blind indexes.

Claimed and assessed age are kept apart: an age dispute is common (a young person says 16, an
assessment says 19) and decides whether the local authority leads and whether consent is needed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from simple_history.models import HistoricalRecords

from palermo.core.crypto import blind_index, normalise_for_index
from palermo.core.fields import EncryptedDateField, EncryptedTextField

GENDER_CHOICES = [
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
    ("unknown", "Not known"),
]
DOB_PRECISION_CHOICES = [
    ("exact", "Exact"),
    ("estimated", "Estimated"),
    ("unknown", "Not known"),
]


def _pseudonym() -> str:  # the field's default: migrations name it
    return "P-" + secrets.token_hex(4).upper()


def new_pseudonym() -> str:
    """A new random pseudonym, "P-" and eight hex digits (not checked for uniqueness here)."""
    return _pseudonym()


class Person(models.Model):
    pseudonym = models.CharField(
        max_length=12, unique=True, default=_pseudonym, help_text="Reference shown to roles that may not see identity"
    )
    given_name = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Direct identifier.")
    family_name = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Direct identifier.")
    aliases = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Other names, one a line.")
    date_of_birth = EncryptedDateField(null=True, blank=True, db_comment="Encrypted (Fernet). Direct identifier.")
    dob_precision = models.CharField(max_length=10, choices=DOB_PRECISION_CHOICES, default="unknown")
    claimed_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assessed_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=GENDER_CHOICES, default="unknown")
    nationalities = models.JSONField(default=list, blank=True, help_text="ISO 3166-1 alpha-3 codes")
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639 codes or names")
    interpreter_needed = models.BooleanField(default=False)
    contact_details = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Address, phone, email.")
    # Blind indexes: keyed hashes of normalised values, for exact look-ups without decryption.
    family_name_bi = models.CharField(max_length=40, blank=True, db_index=True, db_comment="HMAC blind index of family name")
    full_name_bi = models.CharField(max_length=40, blank=True, db_index=True, db_comment="HMAC blind index of given + family name")
    dob_bi = models.CharField(max_length=40, blank=True, db_index=True, db_comment="HMAC blind index of date of birth")
    created_at = models.DateTimeField(auto_now_add=True)
    # Retention (palermo.retention): the day the identity was removed and the rule version used.
    anonymised_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="Identity removed under a retention rule on this day"
    )
    retention_rule = models.CharField(
        max_length=80, blank=True, help_text="Retention rule version applied, e.g. retention.nrm_case_adult@2018-05-25"
    )
    history = HistoricalRecords(excluded_fields=["family_name_bi", "full_name_bi", "dob_bi"])

    class Meta:
        ordering = ["id"]

    def save(self, *args, **kwargs):
        self.refresh_blind_indexes()
        super().save(*args, **kwargs)

    def refresh_blind_indexes(self) -> None:
        self.family_name_bi = blind_index(self.family_name, purpose="family_name")
        self.full_name_bi = person_full_name_index(self.given_name, self.family_name)
        self.dob_bi = blind_index(self.date_of_birth.isoformat(), purpose="dob") if self.date_of_birth else ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    def age_on(self, day: dt.date) -> int | None:
        """Age on ``day``: from the date of birth if known, else assessed, else claimed age."""
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        if self.assessed_age is not None:
            return self.assessed_age
        return self.claimed_age

    def __str__(self) -> str:
        return self.pseudonym


def person_full_name_index(given: str, family: str) -> str:
    """Order-insensitive: 'Nguyen Van An' and 'Van An Nguyen' give the same index (naming
    order differs between Vietnamese/Chinese and British forms)."""
    tokens = sorted(normalise_for_index(" ".join((given or "", family or ""))).split())
    return blind_index(" ".join(tokens), purpose="full_name")
