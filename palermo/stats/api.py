"""``GET /api/v1/stats/tables``: every table of a period, for machines (analysts and monitors).

The published view (small numbers suppressed, a period of whole quarters that have ended) for both
roles; ``view=unsuppressed`` gives analysts every count, marked so, for any dates. The same data as
``palermo stats tables --format json``; :mod:`palermo.stats.services` checks and audits."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Query, Router

from palermo.api.query import IsoDate, reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.stats.api_schemas import StatsRelease
from palermo.stats.periods import Period
from palermo.stats.release import PUBLISHED_VIEW, release_json
from palermo.stats.services import release_for_user

router = Router(tags=["Statistics"])


@router.get("/stats/tables", response={200: StatsRelease, **ERRORS}, by_alias=True,
            summary="NRM statistics tables (analysts and monitors)")
def stats_tables(request, from_: IsoDate = Query(..., alias="from"), to: IsoDate = Query(...),  # noqa: B008
                 view: Literal["published", "unsuppressed"] = Query(PUBLISHED_VIEW)):
    """Every table of the period: ``id``, ``title``, ``dimensions``, ``counting_rule`` and ``rows``
    of dimension values (``null``: the total over that dimension) with a ``count``; a suppressed
    cell has ``count: null`` and ``suppressed: true``. ``from`` and ``to`` are a quarter's first
    and last days (published view); ``view=unsuppressed`` is for analysts only."""
    reject_unknown_query(request, {"from", "to", "view"})
    release = release_for_user(actor=request.auth, period=Period(from_, to), view=view, today=timezone.localdate())
    return release_json(release)
