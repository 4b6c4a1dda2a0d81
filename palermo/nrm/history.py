"""Field-by-field history of a case and its referral (django-simple-history), as a caseworker
or auditor reads it: who changed which field, when, from what to what. Encrypted fields say
only that they changed: their values never leave through this list."""

from __future__ import annotations

from palermo.core.fields import EncryptedTextField
from palermo.nrm.models import Case

HIDDEN = {"history_id", "history_date", "history_change_reason", "history_type", "history_user", "updated_at"}


def _changes(record) -> list[dict]:
    out = []
    for rec in record.history.all().select_related("history_user").order_by("history_date", "history_id"):
        prev = rec.prev_record
        if prev is None:
            out.append({"at": rec.history_date, "by": rec.history_user.username if rec.history_user else None,
                        "what": rec.instance._meta.label_lower, "change": "created", "fields": []})
            continue
        fields = []
        for change in rec.diff_against(prev).changes:
            if change.field in HIDDEN:
                continue
            field = record._meta.get_field(change.field)
            if isinstance(field, EncryptedTextField):
                fields.append({"field": change.field, "old": None, "new": None, "note": "changed (encrypted)"})
            else:
                fields.append({"field": change.field, "old": _plain(change.old), "new": _plain(change.new)})
        if fields:
            out.append({"at": rec.history_date, "by": rec.history_user.username if rec.history_user else None,
                        "what": rec.instance._meta.label_lower, "change": "updated", "fields": fields})
    return out


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def case_field_history(case: Case) -> list[dict]:
    """Every recorded change to the case and its referral, oldest first."""
    items = _changes(case) + _changes(case.referral)
    return sorted(items, key=lambda i: i["at"])
