"""Who may see statistics, and what they get: every web page, API operation and command goes
through these functions, which check the role, check the period, count and write the audit event.

* Analysts (role ``analyst``, the statistics unit) and monitors (``monitor``) see statistics. Nobody
  else does: statistics are aggregates, but the small numbers in them are about people.
* Everyone who may see statistics gets the **published** view (small numbers suppressed,
  :mod:`palermo.stats.disclosure`) for periods of whole quarters that have ended
  (:mod:`palermo.stats.periods`).
* Only analysts may ask for the **unsuppressed** view (every count, each marked with the status it
  has in the published view), for any dates: they produce the statistics and check them. It is
  shown on pages and given by the API with a warning, and never written to a file.
* Every look is audited (``stats.release_viewed``, ``stats.files_downloaded``,
  ``stats.bulletin_written``; a refusal ``stats.refused``): the period, the view and counts, never a
  figure about a person (there is none) or a name.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.stats.periods import Period, period_check
from palermo.stats.release import PUBLISHED_VIEW, UNSUPPRESSED_VIEW, VIEWS, Release, release_build
from palermo.stats.snapshot import snapshot_load

STATS_ROLES = frozenset({R.ANALYST, R.MONITOR})
UNSUPPRESSED_ROLES = frozenset({R.ANALYST})


def can_see_statistics(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*STATS_ROLES))


def can_see_unsuppressed(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*UNSUPPRESSED_ROLES))


def _refuse(actor, message: str, **detail) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="stats.refused", object_type="stats.release", detail=detail)
    raise NotAllowed(message)


def statistics_access_check(*, actor, view: str = PUBLISHED_VIEW) -> None:
    """Raise NotAllowed, audited, unless ``actor`` may see statistics in ``view`` (``None``: the
    operator on the command line, published view only)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    if actor is not None and not can_see_statistics(actor):
        _refuse(actor, "Only analysts and monitors can see statistics", view=view)
    if view == UNSUPPRESSED_VIEW and (actor is None or not can_see_unsuppressed(actor)):
        _refuse(actor, "Only analysts can see figures that are not suppressed", view=view)


def _check(actor, period: Period, view: str, today: dt.date) -> None:
    statistics_access_check(actor=actor, view=view)
    period_check(period, today=today, published=view == PUBLISHED_VIEW)


def release_for_user(*, actor, period: Period, view: str = PUBLISHED_VIEW, today: dt.date,
                     threshold: int | None = None, rounding: int | None = None, action: str = "stats.release_viewed",
                     detail: dict | None = None) -> Release:
    """Every table of ``period`` in ``view``, for ``actor`` (``None``: the operator on the command
    line, who gets the published view only). Raises NotAllowed (audited) or ValidationFailed."""
    _check(actor, period, view, today)
    release = release_build(snapshot=snapshot_load(), period=period, view=view, threshold=threshold, rounding=rounding)
    with transaction.atomic():
        audit_record(actor=actor, action=action, object_type="stats.release", object_id=period.slug, detail={
            "from": period.start.isoformat(), "to": period.end.isoformat(), "view": view,
            "tables": len(release.tables), "cells": release.cells_total, "suppressed": release.cells_suppressed,
            **(detail or {})})
    return release
