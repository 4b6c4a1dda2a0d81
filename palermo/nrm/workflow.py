"""The NRM case as a state machine: every legal step in one table (design.md "The NRM case").

    referred ──RG positive──▶ recovery_period ──CG positive──▶ identified
       │                          └──CG negative──▶ cg_review ──agree──▶ not_identified
       └──RG negative──▶ rg_review ──agree──▶ rg_negative
    a reviewer may return a negative decision instead (back to the state before it);
    a negative outcome may be reconsidered within a dated window (back for a fresh decision);
    an open case may be withdrawn.

A negative decision takes effect only when a second person, a reviewer who did not make it,
agrees. Seed note §5.1: "reasonable grounds" opens the reflection and recovery period; the
final outcome is being "positively identified" (conclusive grounds).
"""

from __future__ import annotations

from palermo.core.exceptions import TransitionRefused

REFERRED = "referred"
RG_REVIEW = "rg_review"
RG_NEGATIVE = "rg_negative"
RECOVERY_PERIOD = "recovery_period"
CG_REVIEW = "cg_review"
IDENTIFIED = "identified"
NOT_IDENTIFIED = "not_identified"
WITHDRAWN = "withdrawn"

STATUS_CHOICES = [
    (REFERRED, "Awaiting reasonable grounds decision"),
    (RG_REVIEW, "Negative reasonable grounds: awaiting second review"),
    (RG_NEGATIVE, "Negative reasonable grounds"),
    (RECOVERY_PERIOD, "Recovery period: awaiting conclusive grounds decision"),
    (CG_REVIEW, "Negative conclusive grounds: awaiting second review"),
    (IDENTIFIED, "Conclusive grounds: identified as a victim"),
    (NOT_IDENTIFIED, "Negative conclusive grounds"),
    (WITHDRAWN, "Withdrawn"),
]
STATUS_LABELS = dict(STATUS_CHOICES)
OPEN_STATUSES = {REFERRED, RG_REVIEW, RECOVERY_PERIOD, CG_REVIEW}

# (status, action) -> new status. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], str] = {
    (REFERRED, "rg_positive"): RECOVERY_PERIOD,
    (REFERRED, "rg_negative"): RG_REVIEW,
    (RG_REVIEW, "review_agree"): RG_NEGATIVE,
    (RG_REVIEW, "review_return"): REFERRED,
    (RECOVERY_PERIOD, "cg_positive"): IDENTIFIED,
    (RECOVERY_PERIOD, "cg_negative"): CG_REVIEW,
    (CG_REVIEW, "review_agree"): NOT_IDENTIFIED,
    (CG_REVIEW, "review_return"): RECOVERY_PERIOD,
    (RG_NEGATIVE, "reconsider_accept"): REFERRED,
    (RG_NEGATIVE, "reconsider_refuse"): RG_NEGATIVE,
    (NOT_IDENTIFIED, "reconsider_accept"): RECOVERY_PERIOD,
    (NOT_IDENTIFIED, "reconsider_refuse"): NOT_IDENTIFIED,
    (REFERRED, "withdraw"): WITHDRAWN,
    (RG_REVIEW, "withdraw"): WITHDRAWN,
    (RECOVERY_PERIOD, "withdraw"): WITHDRAWN,
    (CG_REVIEW, "withdraw"): WITHDRAWN,
}

ACTION_LABELS = {
    "rg_positive": "a positive reasonable grounds decision",
    "rg_negative": "a negative reasonable grounds decision",
    "cg_positive": "a positive conclusive grounds decision",
    "cg_negative": "a negative conclusive grounds decision",
    "review_agree": "agreeing a negative decision",
    "review_return": "returning a negative decision",
    "reconsider_accept": "accepting a reconsideration",
    "reconsider_refuse": "refusing a reconsideration",
    "withdraw": "withdrawing the case",
}

_WHY = {
    REFERRED: "the case is awaiting its reasonable grounds decision",
    RG_REVIEW: "a negative reasonable grounds decision is awaiting second review",
    RG_NEGATIVE: "the reasonable grounds decision was negative; only a reconsideration can reopen it",
    RECOVERY_PERIOD: "the case is in its recovery period awaiting a conclusive grounds decision",
    CG_REVIEW: "a negative conclusive grounds decision is awaiting second review",
    IDENTIFIED: "the case is closed: the person was identified as a victim (conclusive grounds)",
    NOT_IDENTIFIED: "the conclusive grounds decision was negative; only a reconsideration can reopen it",
    WITHDRAWN: "the case has been withdrawn",
}


def allowed_actions(status: str) -> list[str]:
    return [action for (s, action) in TRANSITIONS if s == status]


def next_status(status: str, action: str) -> str:
    """The status after ``action``, or TransitionRefused saying why it is not possible now."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        if action not in ACTION_LABELS:
            raise TransitionRefused(f"unknown action {action!r}") from None
        raise TransitionRefused(
            f"Cannot record {ACTION_LABELS[action]}: {_WHY.get(status, status)}."
        ) from None
