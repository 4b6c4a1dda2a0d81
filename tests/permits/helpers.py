"""Identified victims' cases and permits built through the real services. Names are synthetic."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from palermo.nrm import services as nrm_services
from palermo.nrm.schemas import DecisionIn
from palermo.permits import services
from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn


def today() -> dt.date:
    return timezone.localdate()


def identified_case(world, *, received_on: dt.date | None = None, actor=None, **overrides):
    """A case referred on ``received_on`` (default 200 days ago), positive reasonable grounds that
    day and positive conclusive grounds on the first day the recovery period allows."""
    received_on = received_on or today() - dt.timedelta(days=200)
    case = world.case(actor, received_on=received_on.isoformat(), **overrides)
    decider = decider_for(world, case)
    world.rg(case, "positive", on=received_on, actor=decider)
    case.refresh_from_db()
    nrm_services.decision_record(actor=decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=case.cg_earliest, reason_codes=["credible_account"]))
    case.refresh_from_db()
    return case


def decider_for(world, case):
    """A decision maker at the case's competent authority (one is made for UKHTC and UKBA, the
    competent authorities of the seed note's era)."""
    from palermo.accounts import roles as R
    from palermo.accounts.models import User
    from tests.factories import make_user

    code = case.competent_authority.code
    if code == "SCA":
        return world.decider
    if code == "IECA":
        return world.decider_ieca
    return User.objects.filter(username=f"t.decider.{code.lower()}").first() or make_user(
        f"t.decider.{code.lower()}", R.DECISION_MAKER, case.competent_authority)


def apply(world, case, *, on: dt.date | None = None, grounds=("cooperation_with_investigation",), renewal=False,
          reference="MET/2024/012345", actor=None):
    return services.permit_application_create(actor=actor or decider_for(world, case), case=case, data=PermitApplicationIn(
        grounds=list(grounds), investigation_reference=reference, applied_on=on or case.cg_decided_on,
        renewal=renewal))


def decide(world, case, *, on: dt.date | None = None, outcome="granted", reasons=None, text="", actor=None):
    reasons = reasons or (["cooperating_with_investigation"] if outcome == "granted" else ["not_cooperating"])
    app = case.permit_applications.get(state="open")
    return services.permit_decide(actor=actor or decider_for(world, case), case=case, data=PermitDecisionIn(
        outcome=outcome, reason_codes=list(reasons), reason_text=text, decided_on=on or app.applied_on))


def granted_permit(world, case, *, on: dt.date | None = None, **kwargs):
    """Apply and grant on ``on`` (default: the identification day); returns the permit."""
    apply(world, case, on=on, **kwargs)
    return decide(world, case, on=on).permit
