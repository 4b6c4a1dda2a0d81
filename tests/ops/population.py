"""Synthetic contents for the operations tests, written into whatever database Django's default
connection points at (see :func:`tests.ops.databases.default_database`).

* :func:`populate_everything` — the demo (real services, so routing, history and audit are
  real), a person with the security tests' marker names, and at least one row in every table
  Django knows (groups, permissions, tokens, sessions, admin log, sign-in failures), with an
  unsealed tail of audit events after the sealed chain.
* :func:`populate_linkable` — many people quickly (bulk inserts, no services), each recorded
  several times under small spelling differences, for jobs that must run for a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from palermo.accounts.models import (
    ApiToken,
    Organisation,
    RecoveryCode,
    RoleGrantRequest,
    SignInFailure,
    TotpDevice,
    User,
)
from palermo.core.audit import audit_record, audit_seal
from palermo.demo import demo_load, organisations_load, users_load
from palermo.linkage.models import LinkCandidate
from palermo.nrm import services
from palermo.nrm.schemas import ReferralIn
from palermo.people.models import Person
from tests.factories import referral_payload
from tests.security import helpers


def migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False)


def populate_everything(*, cases: int = 40) -> None:
    migrate()
    with override_settings(PALERMO_LINK_ON_REFERRAL=False):
        demo_load(cases=cases, seed=2012)
    audit_seal()
    responder, admin = User.objects.get(username="responder"), User.objects.get(username="admin")
    # The marker person of the security tests, then an unsealed tail of audit events.
    with override_settings(PALERMO_LINK_ON_REFERRAL=False):
        services.referral_create(actor=responder, data=ReferralIn.model_validate(
            referral_payload(person=helpers.person(), narrative=helpers.NARRATIVE)))  # fmt: skip
    group = Group.objects.create(name="Synthetic reviewers")
    perm = Permission.objects.order_by("pk").first()
    group.permissions.add(perm)
    admin.groups.add(group)
    admin.user_permissions.add(perm)
    ApiToken.issue(responder)
    session = SessionStore()
    session["journey"] = "synthetic"
    session.create()
    LogEntry.objects.create(user=admin, content_type=ContentType.objects.get_for_model(Group), object_id=str(group.pk),
                            object_repr="Synthetic reviewers", action_flag=ADDITION, change_message="[]")  # fmt: skip
    SignInFailure.objects.create(key="0" * 64, at=timezone.now())
    # Two-factor recovery codes (the demo gives the administrator an app) and a role request.
    RecoveryCode.objects.create(device=TotpDevice.objects.get(user=admin), code_hash="0" * 64)
    RoleGrantRequest.objects.create(user=responder, organisation=Organisation.objects.get(code="SCA"),
                                    role="decision_maker", requested_by=admin)
    if not LinkCandidate.objects.exists():
        a, b = Person.objects.order_by("pk")[:2]
        LinkCandidate.objects.create(person_a=a, person_b=b, match_probability=0.7, match_weight=3.2,
                                     model_version="synthetic", found_by="batch")  # fmt: skip
    _waiting_list_entry()
    _queued_task()
    _partner_and_intelligence_rows(responder)
    audit_record(actor=admin, action="test.unsealed_tail", detail={"count": 1})


def _queued_task() -> None:
    """A task queued in the database backend's table (the demo's failed job, queued again), as
    ``palermo worker`` would find it: the task holds the job's id only."""
    from palermo.jobs.models import Job
    from palermo.jobs.tasks import run_job

    job = Job.objects.filter(status="failed").order_by("pk").first()
    assert job is not None, "the demo makes a failed job"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        run_job.enqueue(job_id=job.pk)


def _partner_and_intelligence_rows(responder) -> None:
    """Rows the demo leaves empty: a partner's idempotency key and rate window, a victim link
    recorded with its lawful reason, and a synth run's checkpoint."""
    import datetime as dt

    from palermo.api.models import IdempotencyRecord, RateWindow
    from palermo.intelligence.models import Entity
    from palermo.intelligence.schemas import VictimLinkIn
    from palermo.intelligence.services import victim_link_record
    from palermo.synth.models import SynthRun

    now = timezone.now()
    IdempotencyRecord.objects.create(user=responder, key="population-key", operation="createReferral",
                                     request_sha256="0" * 64, status_code=201, expires_at=now + dt.timedelta(hours=24))
    RateWindow.objects.create(token=ApiToken.objects.filter(user=responder).first(), window_start=now, count=1)
    intel = User.objects.get(username="intel")
    entity = Entity.objects.filter(kind="person").order_by("pk").first()
    victim = Person.objects.order_by("pk").first()
    victim_link_record(actor=intel, entity_id=entity.pk, data=VictimLinkIn(
        pseudonym=victim.pseudonym, lawful_reason="investigation", reason_text="Synthetic lawful reason"))
    SynthRun.objects.create(profile="uk-2023", seed=1, cases=10, batch_size=10, batches_done=1,
                            finished_at=now)


def _waiting_list_entry() -> None:
    """A small demo fills no provider, so nobody waits (and the service refuses the list while a
    place is free): write one entry for a person awaiting a place, so the table holds a row."""
    from palermo.support.models import Contract, WaitingListEntry
    from palermo.support.selectors import awaiting_for_user

    if WaitingListEntry.objects.exists():
        return
    allocator = User.objects.get(username="support")
    case = awaiting_for_user(user=allocator).first()
    assert case is not None, "the demo leaves people awaiting a place"
    WaitingListEntry.objects.create(case=case, contract=Contract.objects.get(code="adult_victim_care"),
                                    nation=case.referral.nation, joined_on=case.rg_decided_on, added_by=allocator)


def populate_linkable(*, people: int, copies: int, seed: int = 3) -> int:
    """``people`` synthetic people, each referred ``copies`` times (a person row, a referral and an
    NRM case each), with a letter dropped or doubled in some copies. Returns the persons made."""
    from palermo.nrm.models import Case, Referral, case_list_facts

    migrate()
    orgs = organisations_load()
    users = users_load(orgs)
    rng = random.Random(seed)
    given = ["Arlen", "Brisa", "Calder", "Dorota", "Emeric", "Fenna", "Gideon", "Halina", "Ivar", "Jorun",
             "Kasimir", "Lusine", "Marek", "Nadia", "Orrin", "Petra", "Quillon", "Rosalind", "Stellan", "Tamsin"]
    family = ["Abernathy", "Brightwater", "Castellane", "Dunmore", "Everhart", "Falkenrath", "Greystone",
              "Holloway", "Ironside", "Jessamy", "Kettleby", "Larkspur", "Merriweather", "Northcott", "Oakhurst"]

    def variant(name: str) -> str:
        if rng.random() < 0.7 or len(name) < 5:
            return name
        i = rng.randint(1, len(name) - 2)
        return name[:i] + name[i + 1 :]

    persons = []
    for _ in range(people):
        g, f = rng.choice(given), rng.choice(family)
        dob = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
        nat = rng.choice(["ALB", "VNM", "ROU", "NGA", "ERI"])
        for _ in range(copies):
            p = Person(given_name=variant(g), family_name=variant(f), date_of_birth=dob, dob_precision="exact",
                       gender=rng.choice(["female", "male"]), nationalities=[nat], languages=[])  # fmt: skip
            p.refresh_blind_indexes()
            persons.append(p)
    Person.objects.bulk_create(persons, batch_size=500)
    received = timezone.localdate() - dt.timedelta(days=10)
    referrals = [
        Referral(reference=f"BULK-{n:06d}", person=p, first_responder_org=orgs["MET"], officer=users["responder"],
                 received_on=received, nation="england", under_18="no", consent="given",
                 narrative="Synthetic bulk narrative.")
        for n, p in enumerate(persons)
    ]  # fmt: skip
    Referral.objects.bulk_create(referrals, batch_size=500)
    Case.objects.bulk_create(
        [Case(referral=r, competent_authority=orgs["SCA"], routing_version="bulk", rg_due=received, rg_due_version="bulk",
              **case_list_facts(r)) for r in referrals], batch_size=500,
    )  # fmt: skip
    return len(persons)
