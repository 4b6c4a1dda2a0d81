"""Model fields that store Fernet ciphertext and give Python code plaintext.

Encrypted columns cannot be filtered or ordered on; use a blind-index column for exact look-ups.
A value that cannot be decrypted raises ``DecryptionError`` (never returns the ciphertext).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from palermo.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            return None  # refuse filtering on ciphertext: use the blind index
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted as ISO text; Python sees a ``datetime.date`` or None."""

    description = "Date encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return dt.date.fromisoformat(text) if text else None

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    def get_prep_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            value = value.isoformat()
        return crypto.encrypt(str(value))

    def value_to_string(self, obj):
        val = self.value_from_object(obj)
        return val.isoformat() if val else ""
