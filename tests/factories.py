"""Test data built through the real services. Names are synthetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, Organisation, User
from palermo.demo import organisations_load
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn, ReferralIn, ReviewIn


def enrol_authenticator(user, secret: str | None = None):
    """A confirmed authenticator app for ``user`` (as if they had set it up), or theirs if they
    have one. Tests compute its codes with ``totp_code``."""
    from palermo.accounts.models import TotpDevice
    from palermo.accounts.two_factor import confirmed_device, new_secret

    return confirmed_device(user) or TotpDevice.objects.create(
        user=user, name="Test authenticator", key=secret or new_secret(), confirmed=True, confirmed_at=timezone.now())


def second_factor_ready(user):
    """For a user who must pass a second factor: their app (enrolled now if they have none);
    None for a user who signs in with a password alone."""
    from palermo.accounts.two_factor import two_factor_required

    return enrol_authenticator(user) if two_factor_required(user) else None


def totp_code(device) -> str:
    """The code an authenticator app with ``device``'s secret shows, for the earliest time step
    the device still accepts (a code is never accepted twice, so a second sign-in within the same
    30 seconds uses the next step's code, which the server accepts one step early)."""
    import time

    from django_otp.oath import hotp

    device.refresh_from_db()
    while True:
        now_t = int(time.time()) // device.STEP
        t = max(now_t, device.last_t + 1)
        if t <= now_t + device.TOLERANCE:
            return f"{hotp(device.totp().key, t, digits=device.DIGITS):06d}"
        time.sleep(1)


def make_user(username: str, role: str, org: Organisation) -> User:
    user = User.objects.create_user(username=username, password="test-password-123")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def referral_payload(**overrides) -> dict:
    base = {
        "received_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "nation": "england",
        "police_force_area": "metropolitan",
        "exploitation_location": "uk",
        "exploitation_types": ["labour"],
        "indicators": ["debt_bondage", "documents_withheld"],
        "narrative": "Synthetic: worked in a car wash to repay a travel debt.",
        "age_at_exploitation": "adult",
        "under_18": "no",
        "consent": "given",
        "person": {
            "given_name": "Zorbina",
            "family_name": "Quillfeather",
            "date_of_birth": "1994-05-06",
            "dob_precision": "exact",
            "gender": "female",
            "nationalities": ["Vietnam"],
            "languages": ["vie"],
            "interpreter_needed": True,
        },
    }
    for k, v in overrides.items():
        if v is None and k in base:
            base.pop(k)
        else:
            base[k] = v
    return base


@dataclass
class World:
    orgs: dict[str, Organisation]
    responder: User  # MET
    responder_other: User  # GMP
    decider: User  # SCA
    decider2: User  # SCA, second decision maker
    reviewer: User  # SCA
    decider_ieca: User
    children: User  # HILLINGDON
    support: User
    intel: User
    analyst: User
    monitor: User
    admin: User

    @classmethod
    def create(cls) -> World:
        o = organisations_load()
        return cls(
            orgs=o,
            responder=make_user("t.responder", R.FIRST_RESPONDER, o["MET"]),
            responder_other=make_user("t.responder.gmp", R.FIRST_RESPONDER, o["GMP"]),
            decider=make_user("t.decider", R.DECISION_MAKER, o["SCA"]),
            decider2=make_user("t.decider2", R.DECISION_MAKER, o["SCA"]),
            reviewer=make_user("t.reviewer", R.REVIEWER, o["SCA"]),
            decider_ieca=make_user("t.decider.ieca", R.DECISION_MAKER, o["IECA"]),
            children=make_user("t.children", R.CHILDRENS_SERVICES, o["HILLINGDON"]),
            support=make_user("t.support", R.SUPPORT_WORKER, o["SALVARMY"]),
            intel=make_user("t.intel", R.INTELLIGENCE_OFFICER, o["UKHTC"]),
            analyst=make_user("t.analyst", R.ANALYST, o["STATS"]),
            monitor=make_user("t.monitor", R.MONITOR, o["RAPPORTEUR"]),
            admin=make_user("t.admin", R.ADMINISTRATOR, o["STATS"]),
        )

    def refer(self, actor=None, **overrides):
        return services.referral_create(actor=actor or self.responder, data=ReferralIn.model_validate(referral_payload(**overrides)))

    def case(self, actor=None, **overrides):
        return self.refer(actor, **overrides).case

    def rg(self, case, outcome="positive", on=None, actor=None):
        return services.decision_record(
            actor=actor or self.decider, case=case,
            data=DecisionIn(kind="reasonable_grounds", outcome=outcome, decided_on=on or case.referral.received_on,
                            reason_codes=["indicators_present"] if outcome == "positive" else ["no_means"]),
        )

    def review(self, decision, agree=True, on=None, actor=None, note=""):
        return services.decision_review(
            actor=actor or self.reviewer, decision=decision,
            data=ReviewIn(agree=agree, reviewed_on=on or decision.decided_on, note=note or ("" if agree else "Check the account again")),
        )
