"""``GET /api/v1/events?after=CURSOR``: what happened to the caller's cases, for partners to poll.

Built from records Palermo already writes in the same transaction as each change, rather than a
new outbox table: the case's step history (``nrm.CaseTransition``: referral received, decisions,
second reviews, withdrawal — append-only) and the possible matches (``linkage.LinkCandidate``,
created with its batch). Both have monotonic ids, so no second write path can fall out of step,
and events exist for everything that happened before this feed was built. (An outbox table would
be the choice once events are needed that no record keeps.)

- Scope: the transitions of the cases the caller may see (``case_scope_q``, as ``GET /cases``);
  a possible match only on a case where the caller may see the person's identity and only when
  they may see the other person's too (as ``GET /cases/{id}/link-candidates``).
- Content: ids, references, codes and dates only — never a name, a note or who did it.
- Cursor: opaque; it encodes the last transition id and candidate id given. Poll with ``next``;
  the same cursor always gives the same events (and new ones after them).
- Events younger than ``PALERMO_EVENTS_SETTLE_SECONDS`` (5) are held back: ids are taken when a
  row is inserted but become visible when its transaction commits, so a just-numbered row could
  otherwise appear after a poller moved past its id. Palermo's write transactions last well
  under a second.
- Every read is an audit event (``events.read``: how many, and the cursor's ids).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Literal

from django.conf import settings
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from palermo.accounts.roles import IDENTITY_ROLES
from palermo.api.query import reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.core.audit import audit_record
from palermo.core.exceptions import ValidationFailed
from palermo.core.text import SingleLine
from palermo.linkage.models import LinkCandidate
from palermo.linkage.rules import may_see_identity_of
from palermo.nrm.api_schemas import CaseStatus
from palermo.nrm.models import Case, CaseTransition
from palermo.nrm.rules import case_scope_q

router = Router(tags=["Events"])
SCAN = 1000

EventType = Literal["referral_received", "decision_recorded", "review_outcome", "withdrawn", "reconsidered",
                    "status_changed", "possible_match_proposed"]
TYPES = {"refer": "referral_received", "rg_positive": "decision_recorded", "rg_negative": "decision_recorded",
         "cg_positive": "decision_recorded", "cg_negative": "decision_recorded", "review_agree": "review_outcome",
         "review_return": "review_outcome", "withdraw": "withdrawn", "reconsider_accept": "reconsidered",
         "reconsider_refuse": "reconsidered"}


class Event(Schema):
    """One thing that happened to a case in your scope."""

    id: str = Field(description="Unique and stable (t-… a case step, m-… a possible match)", examples=["t-1042"])
    type: EventType
    occurred_at: dt.datetime
    case_id: int
    reference: str = Field(examples=["NRM-2026-000042"])
    action: str = Field(description="The workflow step's code (rg_positive, review_agree, …) or 'match_proposed'",
                        examples=["rg_positive"])
    status: CaseStatus | None = Field(description="The case's status after the step (case steps only)")
    on: dt.date | None = Field(description="The date of legal effect of the step (case steps only)")
    decision_id: int | None = None
    reason_code: str | None = None
    candidate_id: int | None = Field(None, description="Possible matches: GET /cases/{case_id}/link-candidates")


class EventPage(Schema):
    items: list[Event]
    next: str = Field(description="The cursor to send as ?after= next time (the same if nothing new)")
    has_more: bool = Field(description="More events are ready now: ask again at once with ?after=next")


class EventsIn(Schema):
    after: SingleLine(100) | None = Field(None, description="The `next` of your last page; none for the beginning")
    limit: int = Field(100, ge=1, le=500)


def _cursor(t: int, m: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{t}:{m}".encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return 0, 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, t, m = raw.split(":")
        if version != "v1":
            raise ValueError(version)
        return max(0, int(t)), max(0, int(m))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("The cursor is not one this feed gave", {"after": "Send the `next` of a page"}) from exc


def _settle() -> dt.timedelta:
    default = 0 if settings.ENV == "test" else 5
    return dt.timedelta(seconds=getattr(settings, "PALERMO_EVENTS_SETTLE_SECONDS", default))


def events_for_user(*, user, after: str | None, limit: int, now: dt.datetime | None = None) -> dict:
    """The next ``limit`` events after ``after`` in the user's scope, oldest first."""
    t_after, m_after = _decode(after)
    start = (t_after, m_after)
    before = (now or timezone.now()) - _settle()
    steps = list(CaseTransition.objects.filter(case_scope_q(user, prefix="case__"), id__gt=t_after, at__lte=before)
                 .select_related("case__referral").order_by("id")[: limit + 1])
    # (time, candidate id, its events for this user: none when the user may not see it)
    matches: list[tuple[dt.datetime, int, list[dict]]] = []
    shown = 0
    # Only roles that can see an identity can be shown a possible match; a page reads at most
    # SCAN candidates (those the user may not see still move the cursor on).
    candidates = (LinkCandidate.objects.filter(id__gt=m_after, created_at__lte=before).order_by("id")[:SCAN]
                  if user.has_role(*IDENTITY_ROLES) else [])
    for cand in candidates:
        if shown > limit:
            break
        found = _match_events(user, cand)
        shown += len(found)
        matches.append((cand.created_at, cand.pk, found))
    items: list[dict] = []
    i = j = 0
    while len(items) < limit and (i < len(steps) or j < len(matches)):
        if j >= len(matches) or (i < len(steps) and steps[i].at <= matches[j][0]):
            t = steps[i]
            i += 1
            t_after = t.pk
            items.append({"id": f"t-{t.pk}", "type": TYPES.get(t.action, "status_changed"), "occurred_at": t.at,
                          "case_id": t.case_id, "reference": t.case.referral.reference, "action": t.action,
                          "status": t.to_status, "on": t.on, "decision_id": t.decision_id,
                          "reason_code": t.reason_code or None})
        else:
            _, pk, found = matches[j]
            if len(items) + len(found) > limit and items:
                break  # keep one candidate's events on one page
            j += 1
            m_after = pk
            items += found
    has_more = i < len(steps) or j < len(matches)
    audit_record(actor=user, action="events.read", object_type="api.event",
                 detail={"rows": len(items), "after": list(start), "next": [t_after, m_after]})
    return {"items": items, "next": _cursor(t_after, m_after), "has_more": has_more}


def _match_events(user, cand: LinkCandidate) -> list[dict]:
    """A possible match as an event on each of the user's cases of either person, when the user
    may see both people's identities (as the candidate list); else none."""
    people = (cand.person_a_id, cand.person_b_id)
    if not all(may_see_identity_of(user, p) for p in people):
        return []
    return [{"id": f"m-{cand.pk}-{case.pk}", "type": "possible_match_proposed", "occurred_at": cand.created_at,
             "case_id": case.pk, "reference": case.referral.reference, "action": "match_proposed", "status": None,
             "on": None, "decision_id": None, "reason_code": None, "candidate_id": cand.pk}
            for case in (Case.objects.filter(case_scope_q(user), referral__person_id__in=people)
                         .select_related("referral").order_by("id"))
            if user.has_perm("people.view_identity", case)]


@router.get("/events", response={200: EventPage, **ERRORS}, summary="What happened to the cases in your scope")
def event_list(request, params: Query[EventsIn]):
    """Poll with ``?after=<next>``; ``has_more`` says whether to ask again at once."""
    reject_unknown_query(request, EventsIn.model_fields)
    return events_for_user(user=request.auth, after=params.after, limit=params.limit)
