"""Possible-match endpoints. Each parses, calls one service or selector, and returns its result.

Identities appear only where the permission needs identity access to a case of both people
(the candidate list); a cluster is shown as pseudonyms and case references.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Path, Router, Schema

from palermo.core.exceptions import NotFound
from palermo.core.text import MultiLine, SingleLine
from palermo.linkage import services
from palermo.linkage.api_schemas import Cluster
from palermo.linkage.api_schemas import LinkCandidate as LinkCandidateOut
from palermo.linkage.models import LinkCandidate
from palermo.linkage.selectors import (
    cluster_for_user,
    link_candidate_get_for_user,
    link_candidates_for_case,
    pending_match_shares,
)
from palermo.nrm.api import ERRORS
from palermo.nrm.models import Case
from palermo.nrm.selectors import case_get_for_user

router = Router(tags=["Linkage"])


class LinkDecisionIn(Schema):
    decision: Literal["confirm", "reject"]
    reason_code: SingleLine(60)
    reason_text: MultiLine(4000)


class UnlinkIn(Schema):
    reason_code: SingleLine(60)
    reason_text: MultiLine(4000)


def _person_out(person, user) -> dict[str, Any]:
    # Only the referrals the user may see (as the possible-matches page): never another
    # organisation's case ids and references.
    cases = [c for c in Case.objects.filter(referral__person=person).select_related("referral")
             .order_by("referral__received_on") if user.has_perm("nrm.view_case", c)]
    return {
        "pseudonym": person.pseudonym,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "gender": person.gender,
        "nationalities": person.nationalities,
        "referrals": [{"case_id": c.pk, "reference": c.referral.reference, "received_on": c.referral.received_on}
                      for c in cases],
    }


def candidate_out(cand: LinkCandidate, *, user, this_person_id: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cand.pk,
        "status": cand.status,
        "match_probability": round(cand.match_probability, 4),
        "match_weight": round(cand.match_weight, 3),
        "model_version": cand.model_version,
        "found_by": cand.found_by,
        "created_at": cand.created_at,
        "decided_by": cand.decided_by.username if cand.decided_by_id else None,
        "decided_at": cand.decided_at,
        "reason_code": cand.reason_code or None,
    }
    if this_person_id is not None:
        out["other_person"] = _person_out(cand.person_b if cand.person_a_id == this_person_id else cand.person_a, user)
    else:
        out["people"] = [_person_out(cand.person_a, user), _person_out(cand.person_b, user)]
    return out


@router.get("/cases/{case_id}/link-candidates", response={200: list[LinkCandidateOut], **ERRORS}, exclude_unset=True,
            summary="Possible matches of the case's person")
def case_link_candidates(
    request, case_id: int, status: Literal["pending", "confirmed", "rejected", "unlinked", "withdrawn"] | None = None
):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    cands = link_candidates_for_case(user=request.auth, case=case, statuses=[status] if status else None)
    # each pending match weighed among the pending ones the user may see (with no filter or
    # ?status=pending, ``cands`` holds all of them; other filters return no pending match)
    shares = pending_match_shares(cands)
    out = [candidate_out(c, user=request.auth, this_person_id=case.referral.person_id) for c in cands]
    for row in out:
        if row["id"] in shares:
            row["likelihood_among_pending"] = round(shares[row["id"]], 4)
    return out


@router.post("/link-candidates/{candidate_id}/decision", response={200: LinkCandidateOut, **ERRORS}, exclude_unset=True,
             summary="Confirm or reject a possible match")
def candidate_decide(request, candidate_id: int, payload: LinkDecisionIn):
    cand = link_candidate_get_for_user(user=request.auth, candidate_id=candidate_id)
    cand = services.link_candidate_decide(actor=request.auth, candidate=cand, decision=payload.decision,
                                          reason_code=payload.reason_code, reason_text=payload.reason_text)
    return candidate_out(cand, user=request.auth)


@router.post("/link-candidates/{candidate_id}/unlink", response={200: LinkCandidateOut, **ERRORS}, exclude_unset=True,
             summary="Unlink a confirmed match")
def candidate_unlink(request, candidate_id: int, payload: UnlinkIn):
    cand = link_candidate_get_for_user(user=request.auth, candidate_id=candidate_id)
    cand = services.link_unlink(actor=request.auth, candidate=cand, reason_code=payload.reason_code,
                                reason_text=payload.reason_text)
    return candidate_out(cand, user=request.auth)


@router.get("/people/{pseudonym}/cluster", response={200: Cluster, **ERRORS},
            summary="The people confirmed as the same person (pseudonyms and case references)")
def person_cluster_get(request, pseudonym: str = Path(..., max_length=12)):
    from palermo.people.models import Person

    person = Person.objects.filter(pseudonym=pseudonym).first()
    if person is None:
        raise NotFound(f"There is no person {pseudonym}")
    # Only the members the user may see a case of: not even their number otherwise.
    return {"pseudonym": person.pseudonym, "members": cluster_for_user(user=request.auth, person=person)}
