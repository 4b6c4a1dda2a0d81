"""Helpers for the hostile-input tests: the corpus folder, a count of every table, and the one
audit event a refused import leaves."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from palermo.core.models import AuditEvent

CORPUS = Path(__file__).resolve().parent
AUDIT_TABLES = {"core.auditevent", "core.auditchainhead"}


def table_counts() -> dict[str, int]:
    """Rows in every table Palermo has (history and many-to-many tables too), audit apart."""
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in AUDIT_TABLES
    }


_CODE = re.compile(r"[a-z0-9_]{1,40}|[0-9a-f]{64}")


def assert_only_a_failure_was_audited(before_ids: set[int], *, reason: str | None = None) -> dict:
    """Exactly one new audit event, ``referral.import_failed``, holding codes and counts only."""
    new = list(AuditEvent.objects.exclude(pk__in=before_ids))
    assert [e.action for e in new] == ["referral.import_failed"], [e.action for e in new]
    detail = new[0].detail
    for key, value in detail.items():
        assert isinstance(value, int) or (isinstance(value, str) and _CODE.fullmatch(value)), (key, value)
    if reason:
        assert detail["reason"] == reason, detail
    return detail
