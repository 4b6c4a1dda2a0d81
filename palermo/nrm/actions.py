"""What a user can do on a case today, and for what they cannot do yet, when they can.

One selector for the case page (and anything else that offers actions): the workflow table
(``workflow.py``) says which moves exist from the case's status, the object permissions
(``rules.py``) who may make them, and the case's dates when: a conclusive grounds decision is
not offered before the end of the minimum recovery period ("You can record the conclusive
grounds decision from Wednesday 2 December 2026"), because the service would refuse it.

Exactly one available action is primary (the GOV.UK design system asks for one primary button
per page); the others are secondary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.nrm.presenters import actions_for_user

DECISION_TITLES = {
    "reasonable_grounds": "Record a reasonable grounds decision",
    "conclusive_grounds": "Record a conclusive grounds decision",
    "reconsideration": "Record a reconsideration decision",
}


@dataclass(frozen=True)
class CaseAction:
    key: str  # decide | review | elements | withdraw
    label: str
    available: bool
    primary: bool = False
    not_yet: str = ""  # for an action the user will be able to take: when, in words
    decision_kind: str = ""  # for "decide": which decision
    decision_id: int | None = None  # for "review": the decision awaiting review
    available_from: dt.date | None = None  # for an action not possible yet: the first day it is


def decision_kind(case: Case) -> str:
    """Which decision the case waits for, from its status."""
    if case.status == workflow.REFERRED:
        return "reasonable_grounds"
    if case.status == workflow.RECOVERY_PERIOD:
        return "conclusive_grounds"
    return "reconsideration"


def case_actions_for_user(*, user, case: Case, today: dt.date | None = None) -> list[CaseAction]:
    """The actions to show this user on this case today, in order (the primary one first).

    An action the workflow or the user's role never allows is left out; one the user will be
    able to take later is included with ``available=False`` and ``not_yet`` saying from when."""
    today = today or timezone.localdate()
    allowed = actions_for_user(user=user, case=case)
    out: list[CaseAction] = []
    if any(a.startswith(("rg_", "cg_", "reconsider_")) for a in allowed):
        kind = decision_kind(case)
        if kind == "conclusive_grounds" and case.cg_earliest and today < case.cg_earliest:
            out.append(CaseAction("decide", DECISION_TITLES[kind], False, decision_kind=kind,
                                  available_from=case.cg_earliest, not_yet=(
                f"You can record the conclusive grounds decision from {date_format(case.cg_earliest, 'l j F Y')}, "
                "the end of the minimum recovery period.")))
        else:
            out.append(CaseAction("decide", DECISION_TITLES[kind], True, decision_kind=kind))
    if "review_agree" in allowed:
        pending = case.decisions.filter(state="awaiting_review").first()
        out.append(CaseAction("review", "Review the negative decision", True, decision_id=pending.pk))
    if case.status in workflow.OPEN_STATUSES and any(a.startswith(("rg_", "cg_")) for a in allowed):
        out.append(CaseAction("elements", "Record act, means and purpose", True))
    if "withdraw" in allowed:
        out.append(CaseAction("withdraw", "Withdraw the case", True))
    first = next((i for i, a in enumerate(out) if a.available and a.key != "withdraw"), None)
    if first is not None:
        a = out[first]
        out[first] = dataclasses.replace(a, primary=True)
    return out
