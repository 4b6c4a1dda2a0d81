"""Demo data for the children's pages, made through the real services: care settings of each
local authority, named persons, care placements, missing episodes (open and closed; many soon
after a placement began, as in seed note §6), gradings and age assessments.

Idempotent: it runs once, when no care setting exists yet. E-mail alerts are written but sent to
Django's dummy backend (nothing is printed or delivered while the demo loads).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Organisation
from palermo.children import services
from palermo.children.models import CareSetting
from palermo.children.schemas import (
    AgeAssessmentIn,
    GradingIn,
    MissingIn,
    NamedPersonIn,
    PlacementIn,
    ReturnIn,
)
from palermo.core.exceptions import PalermoError
from palermo.nrm import workflow
from palermo.nrm.models import Case

# Synthetic settings, named as a local authority names them (never a carer's own name).
SETTINGS = {
    "HILLINGDON": [("Skyview House", "childrens_home"), ("Acorn Lodge", "childrens_home"),
                   ("Foster care – Meadow Fostering", "foster_care"), ("Riverside supported lodgings", "supported_accommodation")],
    "CARDIFF": [("Tŷ Derwen", "childrens_home"), ("Foster care – Bay Families", "foster_care")],
    "GLASGOW": [("Clydeview House", "childrens_home"), ("Foster care – West Families", "foster_care")],
    "BELFASTHSCT": [("Lagan Lodge", "childrens_home")],
}
EVIDENCE = [
    "Synthetic demo evidence: arrived alone on a flight, met by an unknown adult; phone with many contacts from abroad.",
    "Synthetic demo evidence: found working in a nail bar; a debt to 'an uncle' mentioned; no documents.",
    "Synthetic demo evidence: picked up from a cannabis farm; account consistent with coercion.",
    "Synthetic demo evidence: repeated missing episodes; seen getting into cars outside the home.",
]
CONDITION = [
    "Synthetic demo: tired and hungry, no visible injury; return interview arranged.",
    "Synthetic demo: new phone and clothes, would not say where from; seen by a doctor.",
    "Synthetic demo: frightened, said an adult told them to leave; police informed.",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _email_demo_users(users) -> None:
    """Demo users get an address in the reserved ``.invalid`` domain, so alerts have somewhere
    to go in the console backend and nothing can ever be delivered."""
    for user in users.values():
        if not user.email:
            user.email = f"{user.username}@palermo.invalid"
            user.save(update_fields=["email"])


def _walk_child(case: Case, la_users: list, deciders: dict, rng: random.Random, now: dt.datetime, settings: list) -> dict:
    """Give one child case a named person, placements, missing episodes and a grading."""
    made = {"named": 0, "placements": 0, "episodes": 0, "open": 0, "gradings": 0}
    ref = case.referral
    actor = la_users[0]
    today = now.date()
    if rng.random() < 0.75:
        services.named_person_appoint(actor=actor, case=case, data=NamedPersonIn(
            username=rng.choice(la_users).username, appointed_on=min(today, ref.received_on + dt.timedelta(days=rng.randint(0, 5)))))
        made["named"] += 1
    if rng.random() < 0.85 and settings:
        start_day = min(today - dt.timedelta(days=1), ref.received_on + dt.timedelta(days=rng.randint(0, 3)))
        started = _at(start_day, rng.randint(8, 22))
        services.placement_start(actor=actor, case=case, data=PlacementIn(
            setting_id=rng.choice(settings).pk, started_at=started))
        made["placements"] += 1
        if rng.random() < 0.45:
            # Seed note §6: "most within a week and many within 24 hours".
            hours = rng.choice([rng.uniform(2, 24), rng.uniform(2, 24), rng.uniform(24, 168), rng.uniform(168, 900)])
            went = started + dt.timedelta(hours=hours)
            if went < now - dt.timedelta(hours=1):
                police = went + dt.timedelta(hours=rng.uniform(0.5, 6))
                episode, _ = services.missing_episode_report(actor=actor, case=case, data=MissingIn(
                    went_missing_at=went, missing_from="placement",
                    missing_from_detail="Synthetic demo: left during the evening; not seen since.",
                    reported_to_police_at=police if police < now else None,
                    police_reference=f"DEMO-{rng.randint(10000, 99999)}" if police < now else ""))
                made["episodes"] += 1
                back = went + dt.timedelta(hours=rng.uniform(6, 24 * 20))
                if back < now and rng.random() < 0.8:
                    services.missing_episode_return(actor=actor, case=case, episode_id=episode.pk, data=ReturnIn(
                        returned_at=back, found_where=rng.choice(["returned_to_placement", "found_by_police",
                                                                 "found_elsewhere"]),
                        found_detail="Synthetic demo: found at a bus station in another town.",
                        return_condition=rng.choice(CONDITION)))
                else:
                    made["open"] += 1
    if rng.random() < 0.45:
        grader = actor if rng.random() < 0.6 else deciders.get(case.competent_authority.code)
        if grader is not None:
            services.grading_record(actor=grader, case=case, data=GradingIn(
                level=rng.choice([2, 3, 3, 4, 4, 4, 5]), graded_on=min(today, ref.received_on + dt.timedelta(days=rng.randint(1, 20))),
                evidence_summary=rng.choice(EVIDENCE)))
            made["gradings"] += 1
    return made


def children_demo_load(users: dict, *, seed: int = 2012) -> dict:
    """Load the children's demo records once (none when a care setting exists already), all or
    nothing. The alerts' e-mails are sent, after the commit, to the dummy backend."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(users, seed=seed)


@transaction.atomic
def _load(users: dict, *, seed: int) -> dict:
    if CareSetting.objects.exists():
        return {"loaded": False}
    rng = random.Random(seed + 6)
    _email_demo_users(users)
    la_users: dict[str, list] = {}
    for user in users.values():
        for m in user.memberships_active().select_related("organisation"):
            if m.role == R.CHILDRENS_SERVICES:
                la_users.setdefault(m.organisation.code, []).append(user)
    deciders = {code: users[name] for code, name in (("SCA", "decider"), ("IECA", "decider.ieca"), ("UKHTC", "decider.ukhtc"),
                                                     ("UKBA", "decider.ukba")) if name in users}
    total = {"settings": 0, "named": 0, "placements": 0, "episodes": 0, "open": 0, "gradings": 0, "age_assessments": 0}
    now = timezone.now()
    settings_by_la = {}
    for code, rows in SETTINGS.items():
        if code not in la_users:
            continue
        la = Organisation.objects.get(code=code)
        settings_by_la[code] = [CareSetting.objects.get_or_create(local_authority=la, name=name, defaults={"kind": kind})[0]
                                for name, kind in rows]
        total["settings"] += len(rows)
    child_cases = (Case.objects.filter(referral__under_18__in=["yes", "not_sure"], status__in=workflow.OPEN_STATUSES,
                                       referral__local_authority__code__in=list(la_users))
                   .select_related("referral", "referral__local_authority", "competent_authority").order_by("id"))
    for case in child_cases:
        code = case.referral.local_authority.code
        try:
            with transaction.atomic():  # one child's records, all or nothing
                made = _walk_child(case, la_users[code], deciders, rng, now, settings_by_la.get(code, []))
        except PalermoError:
            continue
        for k, v in made.items():
            total[k] += v
    total["age_assessments"] = _age_assessments(la_users, deciders, rng, now.date())
    return {"loaded": True, **total}


def _age_assessments(la_users: dict, deciders: dict, rng: random.Random, today: dt.date) -> int:
    """Two assessments the pages can show: a child assessed as an adult who consents to stay in the
    NRM (the local authority's lead ends), and an adult assessed as a child (Hillingdon now leads)."""
    made = 0
    hill = la_users.get("HILLINGDON", [])
    child = (Case.objects.filter(referral__local_authority__code="HILLINGDON", referral__under_18="yes",
                                 status__in=workflow.OPEN_STATUSES, care_placements__isnull=True,
                                 referral__person__dob_precision__in=["estimated", "unknown"])
             .order_by("id").first())
    if child is not None and hill:
        with transaction.atomic():
            services.age_assessment_record(actor=hill[0], case=child, data=AgeAssessmentIn(
                assessed_on=today - dt.timedelta(days=2), assessed_by="HILLINGDON", claimed_age=16, assessed_age=19,
                adult_consent="given"))
        made += 1
    adult = (Case.objects.filter(referral__under_18="no", status__in=workflow.OPEN_STATUSES, competent_authority__code="SCA",
                                 referral__nation="england", referral__person__isnull=False)
             .exclude(referral__person__dob_precision="exact").order_by("-id").first())
    decider = deciders.get("SCA")
    if adult is not None and decider is not None and hill:
        with transaction.atomic():
            services.age_assessment_record(actor=decider, case=adult, data=AgeAssessmentIn(
                assessed_on=today - dt.timedelta(days=1), assessed_by="HILLINGDON", claimed_age=19, assessed_age=16,
                local_authority="HILLINGDON"))
            adult = Case.objects.select_related("referral").get(pk=adult.pk)  # now a child's case
            services.named_person_appoint(actor=hill[0], case=adult, data=NamedPersonIn(
                username=hill[-1].username, appointed_on=today - dt.timedelta(days=1)))
        made += 1
    return made
