"""``palermo synth``: marginals within the profile's tolerance, the same rows for the same seed,
the bulk path equal to the services on a sample of its cases, and a resumable interruption."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from django.db import connection

from palermo.core import crypto
from palermo.core.models import AuditEvent
from palermo.nrm import deadlines, routing, services, workflow
from palermo.nrm.models import Case, Decision, Referral
from palermo.nrm.schemas import DecisionIn, PersonIn, ReferralIn, ReviewIn, WithdrawIn
from palermo.people.models import Person, person_full_name_index
from palermo.synth.bulk import recorded_identity, synth_run
from palermo.synth.plan import plan_make
from palermo.synth.profile import profile_load

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="palermo synth writes SQLite only (docs/synth.md)"),
]


def _run(tmp_path, profile="uk-2023", cases=2000, seed=7, batch_size=700, **kw):
    return synth_run(profile=profile, cases=cases, seed=seed, batch_size=batch_size,
                     truth=tmp_path / f"truth-{profile}-{seed}.csv", **kw)


def _cases(run):
    return Case.objects.filter(pk__gte=run.base_ids["case"], pk__lt=run.base_ids["case"] + run.cases)


def _shares(counter: Counter, n: int) -> dict[str, float]:
    return {k: v / n for k, v in counter.items()}


@pytest.mark.parametrize(("profile", "cases"), [("uk-2023", 2000), ("seed-2011", 1664)])
def test_marginals_match_the_profile(tmp_path, profile, cases):
    """Total exact; every marginal within the profile's stated tolerance; decision rates too."""
    prof = profile_load(profile)
    run = _run(tmp_path, profile=profile, cases=cases)
    qs = _cases(run).select_related("referral", "competent_authority", "referral__person")
    rows = list(qs)
    assert len(rows) == cases  # exact
    listed = set(prof.marginal("nationality")) - {"other"}
    observed = {
        "gender": Counter(c.referral.person.gender for c in rows),
        "age_group": Counter(c.referral.age_at_exploitation for c in rows),
        "nation": Counter(c.referral.nation for c in rows),
        "nationality": Counter(n if (n := c.referral.person.nationalities[0]) in listed else "other" for c in rows),
        "exploitation_type": Counter(c.referral.exploitation_types[0] for c in rows),
        "competent_authority": Counter(c.competent_authority.code for c in rows),
    }
    for name, got in observed.items():
        want = prof.marginal(name)
        if not want:
            continue
        total = sum(want.values())
        for key in set(want) | set(got):
            assert abs(got.get(key, 0) / cases - want.get(key, 0) / total) <= prof.tolerance(name), (name, key)
    decisions = Decision.objects.filter(case__in=qs)
    checks = prof.data.get("checks", {})
    for stage, kind in (("rg", "reasonable_grounds"), ("cg", "conclusive_grounds")):
        if f"{stage}_positive_rate" in checks:
            made = decisions.filter(kind=kind)
            rate = made.filter(outcome="positive").count() / made.count()
            assert abs(rate - checks[f"{stage}_positive_rate"]["value"]) <= checks[f"{stage}_positive_rate"]["tolerance"]
    for age in ("adult", "child"):
        if f"identified_{age}" in checks:
            want = checks[f"identified_{age}"]["value"] / prof.total
            got = qs.filter(status=workflow.IDENTIFIED, referral__age_at_exploitation=age).count() / cases
            assert abs(got - want) <= checks[f"identified_{age}"]["tolerance"]


def test_same_seed_same_rows_and_another_seed_differs(tmp_path, snapshot):
    """Two runs with one seed write identical rows (identifiers compared decrypted: each value
    has a fresh IV, so the ciphertext differs); another seed does not."""
    first = snapshot(_run(tmp_path, cases=300, seed=11, batch_size=120))
    second = snapshot(_run(tmp_path, cases=300, seed=11, batch_size=120))
    assert first == second
    assert snapshot(_run(tmp_path, cases=300, seed=12, batch_size=120)) != first


def _replay(plan, i: int, case: Case) -> Case:
    """Make case ``i`` of the plan again through the services, as people would have: the
    referral by its officer, each decision by its decision maker, each review by its reviewer."""
    given, family, dob, precision = recorded_identity(plan, i)
    ref: Referral = case.referral
    person = ref.person
    officer = ref.officer
    data = ReferralIn(
        received_on=ref.received_on, nation=ref.nation, exploitation_types=ref.exploitation_types,
        age_at_exploitation=ref.age_at_exploitation, under_18=ref.under_18, consent=ref.consent,
        immigration_enforcement=ref.immigration_enforcement, first_responder_org=ref.first_responder_org.code,
        local_authority=ref.local_authority.code if ref.local_authority else "",
        person=PersonIn(given_name=given, family_name=family,
                        date_of_birth=dt.date.fromisoformat(dob) if dob else None, dob_precision=precision,
                        gender=person.gender, nationalities=person.nationalities),
    )
    replayed = services.referral_create(actor=officer, data=data).case
    for step in case.transitions.order_by("pk"):
        replayed.refresh_from_db()
        if step.action == "refer":
            continue
        if step.action == "withdraw":
            services.case_withdraw(actor=step.actor, case=replayed,
                                   data=WithdrawIn(reason_code=step.reason_code, withdrawn_on=step.on))
        elif step.action == "review_agree":
            decision = replayed.decisions.order_by("-pk").first()
            services.decision_review(actor=step.actor, decision=decision, data=ReviewIn(agree=True, reviewed_on=step.on))
        else:
            d = step.decision
            services.decision_record(actor=step.actor, case=replayed, data=DecisionIn(
                kind=d.kind, outcome=d.outcome, decided_on=d.decided_on, reason_codes=d.reason_codes))
    replayed.refresh_from_db()
    return replayed


CASE_FIELDS = ("status", "competent_authority_id", "routing_version", "rg_due", "rg_due_version", "rg_decided_on",
               "recovery_period_start", "recovery_period_min_end", "recovery_version", "cg_earliest",
               "cg_earliest_version", "cg_decided_on", "reconsideration_deadline", "reconsideration_version",
               "withdrawn_on", "withdrawal_reason", "nation", "child")


@pytest.mark.parametrize("profile", ["uk-2023", "seed-2011"])
def test_bulk_cases_equal_the_services(tmp_path, profile):
    """For a sample of cases (every outcome included), making the same referral, decisions,
    reviews and withdrawals through the services gives the same case, decisions and steps; the
    stored identifiers decrypt to the generated values and the blind indexes find them."""
    run = _run(tmp_path, profile=profile, cases=600, seed=3, batch_size=250)
    plan = plan_make(profile_load(profile), 600, 3)
    rng = np.random.default_rng(0)
    sample = sorted({int(rng.integers(0, 600)) for _ in range(25)}
                    | {int(np.flatnonzero(plan.outcome == o)[0]) for o in np.unique(plan.outcome)})
    as_of = profile_load(profile).as_of
    for i in sample:
        case = Case.objects.select_related("referral__person", "referral__officer").get(pk=run.base_ids["case"] + i)
        # the workflow's own rules, directly
        ref = case.referral
        rt = routing.route(on=ref.received_on, nationalities=ref.person.nationalities,
                           immigration_enforcement=ref.immigration_enforcement, child=ref.is_child)
        assert (case.competent_authority.code, case.routing_version) == (rt.authority_code, f"{rt.version}:{rt.rule}")
        due = deadlines.rg_due(received_on=ref.received_on, nation=ref.nation)
        assert (case.rg_due, case.rg_due_version) == (due.due, due.version)
        assert (case.nation, case.child) == (ref.nation, ref.is_child)  # the lists' copies
        status = ""
        for step in case.transitions.order_by("pk"):
            status = workflow.REFERRED if step.action == "refer" else workflow.next_status(status, step.action)
            assert step.to_status == status and ref.received_on <= step.on <= as_of
        assert case.status == status
        for d in case.decisions.all():
            if d.kind == "conclusive_grounds":
                assert d.decided_on >= case.cg_earliest
            if d.outcome == "negative" and d.state == "effective":
                assert d.reviewed_by_id and d.reviewed_by_id != d.decided_by_id
        # identifiers: decrypted values are the generated ones, and the blind indexes find them
        given, family, dob, _ = recorded_identity(plan, i)
        person = ref.person
        assert (person.given_name, person.family_name) == (given, family)
        assert (person.date_of_birth.isoformat() if person.date_of_birth else None) == dob
        assert Person.objects.filter(full_name_bi=person_full_name_index(family, given), pk=person.pk).exists()
        assert Person.objects.filter(family_name_bi=crypto.blind_index(family, purpose="family_name"), pk=person.pk).exists()
        if dob:
            assert Person.objects.filter(dob_bi=crypto.blind_index(dob, purpose="dob"), pk=person.pk).exists()
        # the services, step by step
        replayed = _replay(plan, i, case)
        assert {f: getattr(replayed, f) for f in CASE_FIELDS} == {f: getattr(case, f) for f in CASE_FIELDS}, i

        def decisions(c):
            return [(d.kind, d.outcome, d.decided_on, d.state, d.reviewed_on, d.decided_by_id, d.reviewed_by_id,
                     d.reason_codes, d.parameter_versions) for d in c.decisions.order_by("pk")]

        def steps(c):
            return [(t.action, t.from_status, t.to_status, t.on, t.actor_id, t.reason_code)
                    for t in c.transitions.order_by("pk")]

        assert decisions(replayed) == decisions(case)
        assert steps(replayed) == steps(case)
        p2 = replayed.referral.person
        assert (p2.full_name_bi, p2.family_name_bi, p2.dob_bi, p2.dob_precision) == (
            person.full_name_bi, person.family_name_bi, person.dob_bi, person.dob_precision)


def _index_exists(name: str) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        return cur.fetchone() is not None


def test_interrupted_run_leaves_whole_batches_and_resumes_to_the_same_result(tmp_path, snapshot):
    """An exception in the middle of a run leaves only whole batches; running again resumes
    after the last one and ends with the rows of a run never interrupted."""
    whole = snapshot(_run(tmp_path, cases=500, seed=5, batch_size=200))

    def boom(batch):
        if batch == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, cases=500, seed=5, batch_size=200, after_batch=boom)
    from palermo.synth.models import SynthRun

    run = SynthRun.objects.get(finished_at__isnull=True)
    assert run.batches_done == 1
    assert _cases(run).count() == 200  # the first batch only: nothing of the second
    assert Person.objects.filter(pk__gte=run.base_ids["person"]).count() == 200
    assert not any(_index_exists(name) for name, _ in run.deferred_indexes)  # built again when it finishes
    with pytest.raises(ValueError, match="must be resumed first"):
        _run(tmp_path, cases=400, seed=5, batch_size=200)
    resumed = _run(tmp_path, cases=500, seed=5, batch_size=200)
    assert resumed.pk == run.pk and resumed.finished_at is not None
    assert snapshot(resumed) == whole
    assert resumed.deferred_indexes and all(_index_exists(name) for name, _ in resumed.deferred_indexes)
    batches = AuditEvent.objects.filter(action="synth.batch", object_id=str(run.pk))
    assert sorted(e.detail["batch"] for e in batches) == [0, 1, 2]


def test_truth_is_kept_apart(tmp_path):
    """Which records are the same person is in the truth file (owner-only), not the database."""
    run = _run(tmp_path, cases=400, seed=9, batch_size=400)
    path = tmp_path / "truth-uk-2023-9.csv"
    assert oct(path.stat().st_mode)[-3:] == "600"
    rows = path.read_text().splitlines()
    assert rows[0] == "person_id,referral_id,true_person" and len(rows) == 401
    true_ids = [int(r.split(",")[2]) for r in rows[1:]]
    assert len(set(true_ids)) < 400  # some people were referred more than once
    plan = plan_make(profile_load("uk-2023"), 400, 9)
    repeat = next(i for i in range(400) if plan.true_person[i] != i)
    first = int(plan.true_person[repeat])
    assert plan.nationality[repeat] == plan.nationality[first] and plan.dob[repeat] == plan.dob[first]
    assert run.base_ids["person"] + repeat == int(rows[1 + repeat].split(",")[0])
