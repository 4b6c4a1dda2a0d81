"""Applying the retention rules: what is removed (everywhere, history included), what is kept,
what is held, the audit trail, and that a dry run or a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from palermo.core.audit import audit_seal, audit_verify
from palermo.core.models import AuditEvent
from palermo.linkage import services as link_services
from palermo.linkage.models import CONFIRMED, PENDING, REJECTED, WITHDRAWN, LinkCandidate
from palermo.nrm.models import (
    Case,
    CaseTransition,
    Decision,
    DutyToNotify,
    Referral,
    ReferralExploitationType,
)
from palermo.people.models import Person
from palermo.retention import services
from palermo.retention.dates import add_years
from palermo.retention.erasure import ERASE
from palermo.retention.plan import retention_plan, units_for
from tests.retention.helpers import (
    ADULT_YEARS,
    every_cell,
    found,
    identified_case,
    marked_person,
    rg_negative_case,
    withdrawn_case,
)

pytestmark = pytest.mark.django_db

MARKS = {"anonymised_on", "retention_rule", "updated_at"}
STATISTICS_MODELS = [Person, Referral, ReferralExploitationType, Case, Decision, CaseTransition, DutyToNotify,
                     LinkCandidate]


def _today() -> dt.date:
    return timezone.localdate()


def _closed_long_ago(days: int = 1) -> dt.date:
    """N years and ``days`` days ago (N of the adult rule)."""
    return add_years(_today(), -ADULT_YEARS) - dt.timedelta(days=days)


def _pair(world, a, b, status=PENDING, reason=""):
    x, y = sorted([a.referral.person_id, b.referral.person_id])
    cand = LinkCandidate.objects.create(person_a_id=x, person_b_id=y, match_probability=0.9, match_weight=5,
                                        model_version="t", found_by="batch")
    if status != PENDING:
        link_services.link_candidate_decide(
            actor=world.decider, candidate=cand, decision="confirm" if status == CONFIRMED else "reject",
            reason_code="same_person_account" if status == CONFIRMED else "different_people", reason_text=reason)
        cand.refresh_from_db()
    return cand


def _snapshot() -> dict:
    """Every field that retention must never change, for every row of the statistics models."""
    out = {}
    for model in STATISTICS_MODELS:
        erased = set(ERASE.get(model._meta.label_lower, {})) | MARKS
        if model is LinkCandidate:
            erased |= {"status"}  # a pending match is withdrawn (checked on its own)
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in erased]
        for row in model.objects.values(*fields):
            out[(model._meta.label_lower, row[model._meta.pk.attname])] = row
    return out


@pytest.fixture
def old(world):
    """A case closed six years and a day ago, with a person whose contact details were edited
    once (two history rows), a rejected and a pending possible match with people whose cases are
    open."""
    case = withdrawn_case(world, "Oldcase", withdrawn_on=_closed_long_ago(), person=marked_person("Oldcase", dob="1979-08-23"))
    person = case.referral.person
    person.contact_details = "ContactOldcase Lane, second address"
    person.save()
    other = world.case(person=marked_person("Opencase", dob="1990-01-30"))
    third = world.case(person=marked_person("Thirdcase", dob="1991-05-07"))
    rejected = _pair(world, case, other, REJECTED, reason="LinkOldcase: different scars")
    pending = _pair(world, case, third)
    return {"case": case, "other": other, "third": third, "rejected": rejected, "pending": pending}


def test_after_apply_no_identifier_of_the_person_remains_in_any_table_including_history(world, old):
    """Names, aliases, date of birth, contact details, narrative, reasons and notes of the closed
    case are unreadable everywhere, even with the keys: rows, history rows, blind indexes."""
    assert found("Oldcase", dob="1979-08-23")  # the scan sees them before
    assert ("people_historicalperson", "contact_details") in found("Oldcase")
    services.retention_apply(actor=None)
    assert found("Oldcase", dob="1979-08-23") == []
    # the people whose cases are open keep theirs
    assert ("people_person", "given_name") in found("Opencase")


def test_statistics_columns_are_unchanged_and_only_the_listed_fields_are_erased(world, old):
    before = _snapshot()
    services.retention_apply(actor=None)
    assert _snapshot() == before
    person = Person.objects.get(pk=old["case"].referral.person_id)
    assert (person.gender, person.nationalities, person.interpreter_needed) == ("female", ["ROU", "MDA"], True)
    assert (person.given_name, person.family_name, person.aliases, person.contact_details) == ("", "", "", "")
    assert person.date_of_birth is None and person.claimed_age is None and person.languages == []
    assert (person.family_name_bi, person.full_name_bi, person.dob_bi) == ("", "", "")
    assert person.anonymised_on == _today() and person.retention_rule.startswith("retention.nrm_case_adult@")
    ref = Referral.objects.get(pk=old["case"].referral_id)
    assert ref.narrative == "" and ref.exploitation_types == ["labour"] and ref.police_force_area == "metropolitan"
    assert ref.anonymised_on == _today() and ref.retention_rule == person.retention_rule
    decision = Decision.objects.get(case=old["case"])
    assert (decision.reason_text, decision.review_note, decision.reason_codes) == ("", "", ["no_means"])
    assert {t.note for t in CaseTransition.objects.filter(case=old["case"])} == {""}


def test_possible_matches_of_the_person_lose_their_free_text_and_pending_ones_are_withdrawn(world, old):
    services.retention_apply(actor=None)
    rejected, pending = (LinkCandidate.objects.get(pk=old[k].pk) for k in ("rejected", "pending"))
    assert (rejected.status, rejected.reason_code, rejected.reason_text) == (REJECTED, "different_people", "")
    assert {h.reason_text for h in rejected.history.all()} == {""}
    assert pending.status == WITHDRAWN
    # nobody can decide or unlink a match once an identity is gone
    pending.status = PENDING
    pending.save()
    from palermo.core.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused, match="retention rule"):
        link_services.link_candidate_decide(actor=world.decider, candidate=pending, decision="reject",
                                            reason_code="different_people", reason_text="new text")


def test_an_anonymised_person_is_no_longer_a_known_person_for_linkage(world, old):
    from palermo.linkage.incremental import known_people_queryset

    pid = old["case"].referral.person_id
    assert known_people_queryset().filter(pk=pid).exists()
    services.retention_apply(actor=None)
    assert not known_people_queryset().filter(pk=pid).exists()


def test_the_audit_events_hold_counts_rule_and_version_never_identifiers(world, old):
    ref, person_id = old["case"].referral, old["case"].referral.person_id
    decisions = list(Decision.objects.filter(case=old["case"]).values_list("pk", flat=True))
    history = (Referral.history.filter(id=ref.pk).count() + Person.history.filter(id=person_id).count()
               + Decision.history.filter(id__in=decisions).count())
    services.retention_apply(actor=None)
    events = list(AuditEvent.objects.filter(action="retention.apply").order_by("id"))
    by_kind = {e.detail["kind"]: e.detail for e in events}
    assert by_kind["nrm_case_adult"] == {
        "kind": "nrm_case_adult", "rule": "retention.nrm_case_adult",
        "version": by_kind["nrm_case_adult"]["version"], "as_of": _today().isoformat(), "batch": 1,
        "referrals": 1, "people": 1, "decisions": 1, "steps": 4, "child_records": 0, "permit_applications": 0,
        "permit_decisions": 0, "letters": 0, "intel_victim_links": 0, "prosecution_victims": 0,
        "history_rows": history,
    }
    assert by_kind["link_candidate"]["candidates"] == 2 and by_kind["link_candidate"]["withdrawn"] == 1
    text = json.dumps([e.detail for e in events]) + " ".join(e.object_id for e in events)
    person = Person.objects.get(pk=old["case"].referral.person_id)
    for forbidden in ("Oldcase", old["case"].referral.reference, person.pseudonym):
        assert forbidden not in text
    audit_seal()
    assert audit_verify().ok


def test_a_dry_run_lists_references_and_pseudonyms_and_changes_nothing(world, old):
    before = every_cell()
    out = io.StringIO()
    call_command("retention", "apply", "--dry-run", stdout=out)
    assert every_cell() == before
    text = out.getvalue()
    pseudonym = Person.objects.get(pk=old["case"].referral.person_id).pseudonym
    assert old["case"].referral.reference in text and pseudonym in text
    assert "nrm_case_adult — retention.nrm_case_adult@2018-05-25" in text
    assert "Oldcase" not in text and old["other"].referral.reference not in text


def test_a_second_run_does_nothing(world, old):
    first = services.retention_apply(actor=None)
    assert first["nrm_case_adult.referrals"] == 1
    before = every_cell()
    assert services.retention_apply(actor=None) == {}
    assert every_cell() == before
    out = io.StringIO()
    call_command("retention", "apply", stdout=out)
    assert "nothing is due" in out.getvalue()


def test_an_interrupted_run_leaves_whole_people_done_or_untouched_and_the_next_run_finishes(world, monkeypatch):
    cases = [withdrawn_case(world, f"Batch{i}", withdrawn_on=_closed_long_ago(i + 1)) for i in range(3)]
    real = services._anonymise_units
    calls = {"n": 0}

    def fail_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_anonymise_units", fail_second)
    with pytest.raises(RuntimeError):
        services.retention_apply(actor=None, batch_size=1)
    done = [Referral.objects.get(pk=c.referral_id).anonymised_on is not None for c in cases]
    assert done.count(True) == 1
    for c, is_done in zip(cases, done, strict=True):
        tag = f"Batch{cases.index(c)}"
        assert (found(tag) == []) is is_done  # a person is either wholly done or wholly untouched
    monkeypatch.setattr(services, "_anonymise_units", real)
    services.retention_apply(actor=None, batch_size=1)
    assert all(found(f"Batch{i}") == [] for i in range(3))
    assert AuditEvent.objects.filter(action="retention.apply", detail__kind="nrm_case_adult").count() == 3


def test_a_person_with_another_case_still_open_is_not_anonymised(world):
    """The same person record on a closed case and an open one: held, on both."""
    closed = withdrawn_case(world, "Shared", withdrawn_on=_closed_long_ago())
    open_case = world.case(person=marked_person("Sharedopen"))
    Referral.objects.filter(pk=open_case.referral_id).update(person=closed.referral.person)
    plan = retention_plan(as_of=_today())
    assert closed.referral.reference not in plan.kinds["nrm_case_adult"].due
    assert plan.kinds["nrm_case_adult"].held == 1
    services.retention_apply(actor=None)
    assert Person.objects.get(pk=closed.referral.person_id).anonymised_on is None
    assert ("people_person", "given_name") in found("Shared")


def test_people_joined_by_a_confirmed_link_are_held_together_but_a_rejected_link_joins_nobody(world):
    confirmed_old = withdrawn_case(world, "Linkedold", withdrawn_on=_closed_long_ago())
    confirmed_new = world.case(person=marked_person("Linkednew"))
    rejected_old = withdrawn_case(world, "Rejectold", withdrawn_on=_closed_long_ago())
    rejected_new = world.case(person=marked_person("Rejectnew"))
    _pair(world, confirmed_old, confirmed_new, CONFIRMED, reason="Same documents")
    _pair(world, rejected_old, rejected_new, REJECTED, reason="Different people")
    plan = retention_plan(as_of=_today())
    assert plan.kinds["nrm_case_adult"].due == [rejected_old.referral.reference]
    assert plan.kinds["nrm_case_adult"].held == 1
    services.retention_apply(actor=None)
    assert Person.objects.get(pk=confirmed_old.referral.person_id).anonymised_on is None
    assert Person.objects.get(pk=rejected_old.referral.person_id).anonymised_on == _today()
    assert Person.objects.get(pk=rejected_new.referral.person_id).anonymised_on is None


def test_each_way_a_case_closes(world):
    """Identified: the day of the positive conclusive grounds decision. Negative in effect: the
    day after the reconsideration window. Withdrawn: the day withdrawn. Open: never."""
    long_ago = dt.date(2019, 6, 3)  # routed to the Single Competent Authority (from 29 April 2019)
    identified = identified_case(world, "Ident", long_ago)
    negative = rg_negative_case(world, "Negative", long_ago)
    withdrawn = withdrawn_case(world, "Withdrawn", withdrawn_on=long_ago + dt.timedelta(days=10), received_on=long_ago)
    open_case = world.case(received_on=long_ago.isoformat())
    records = {r.referral_id: r for u in units_for(as_of=_today()) for r in u.records}
    assert records[identified.referral_id].closed_on == identified.cg_decided_on
    assert records[negative.referral_id].closed_on == negative.reconsideration_deadline + dt.timedelta(days=1)
    assert records[withdrawn.referral_id].closed_on == long_ago + dt.timedelta(days=10)
    assert records[open_case.referral_id].closed_on is None and records[open_case.referral_id].due_on is None
    services.retention_apply(actor=None)
    assert {c.referral_id for c in (identified, negative, withdrawn)} == set(
        Referral.objects.filter(anonymised_on__isnull=False).values_list("pk", flat=True))


def test_a_duty_to_notify_report_is_anonymised_two_years_after_it_was_made(world):
    years = 2
    due_day = add_years(_today(), -years) - dt.timedelta(days=1)
    named = world.refer(received_on=due_day.isoformat(), consent="refused", anonymous=False,
                        narrative="NarrativeDtnnamed: car wash", person=marked_person("Dtnnamed"))
    anonymous = world.refer(received_on=due_day.isoformat(), consent="refused", anonymous=True,
                            narrative="NarrativeDtnanon: nail bar", person=None)
    recent = world.refer(received_on=(due_day + dt.timedelta(days=2)).isoformat(), consent="refused", anonymous=False,
                         narrative="NarrativeDtnrecent", person=marked_person("Dtnrecent"))
    before = DutyToNotify.objects.count()
    services.retention_apply(actor=None)
    assert found("Dtnnamed") == [] and found("Dtnanon") == []
    assert ("nrm_referral", "narrative") in found("Dtnrecent")
    assert DutyToNotify.objects.count() == before
    assert Referral.objects.get(pk=anonymous.pk).retention_rule.startswith("retention.duty_to_notify@")
    assert Referral.objects.get(pk=recent.pk).anonymised_on is None and named.pk


def test_a_child_case_is_kept_until_six_years_after_the_18th_birthday(world):
    """Closed seven years ago: a person who turned 18 two years ago is not due; one who turned 18
    before the case closed is."""
    closed = add_years(_today(), -7)
    child = {"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON", "age_at_exploitation": "child"}
    turned_18_lately = withdrawn_case(world, "Young", withdrawn_on=closed, **child,
                                      person=marked_person("Young", dob=add_years(_today(), -20).isoformat()))
    turned_18_long_ago = withdrawn_case(world, "Older", withdrawn_on=closed, **child,
                                        person=marked_person("Older", dob=add_years(closed, -19).isoformat()))
    services.retention_apply(actor=None)
    assert Referral.objects.get(pk=turned_18_lately.referral_id).anonymised_on is None
    assert Referral.objects.get(pk=turned_18_long_ago.referral_id).retention_rule.startswith("retention.nrm_case_child@")


def test_the_rule_in_force_on_the_day_a_case_closed_applies(world, tmp_path):
    """A rule shortened to three years from 1 January 2021 applies to cases closed from then on;
    one closed before keeps its six years. The version used is recorded and audited."""
    import shutil

    import yaml

    from palermo.law.retention import RETENTION_DIR

    root = tmp_path / "retention"
    shutil.copytree(RETENTION_DIR, root)
    path = root / "nrm_case_adult.yaml"
    data = yaml.safe_load(path.read_text())
    data["values"].append({"from": "2021-01-01", "value": {"action": "anonymise", "years": 3},
                           "sources": [{"citation": "A test rule that shortens the period"}]})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    before_change = withdrawn_case(world, "Before", withdrawn_on=dt.date(2020, 12, 31))
    after_change = withdrawn_case(world, "After", withdrawn_on=dt.date(2021, 1, 1))
    as_of = dt.date(2025, 6, 1)  # 4.4 years after both
    services.retention_apply(actor=None, as_of=as_of, root=root)
    assert Referral.objects.get(pk=before_change.referral_id).anonymised_on is None
    assert Referral.objects.get(pk=after_change.referral_id).retention_rule == "retention.nrm_case_adult@2021-01-01"
    assert AuditEvent.objects.get(action="retention.apply", detail__kind="nrm_case_adult").detail["version"] == \
        "retention.nrm_case_adult@2021-01-01"


def test_a_date_after_today_is_refused_for_apply_but_can_be_planned(world):
    from django.core.management.base import CommandError

    soon = withdrawn_case(world, "Soon", withdrawn_on=_closed_long_ago(days=-10))  # due in ten days
    later = (_today() + dt.timedelta(days=20)).isoformat()
    with pytest.raises(CommandError, match="today or in the past"):
        call_command("retention", "apply", "--as-of", later, stdout=io.StringIO())
    assert not AuditEvent.objects.filter(action="retention.apply").exists()
    assert Referral.objects.get(pk=soon.referral_id).anonymised_on is None
    out = io.StringIO()
    call_command("retention", "apply", "--dry-run", "--as-of", later, stdout=out)
    assert soon.referral.reference in out.getvalue()
    out = io.StringIO()
    call_command("retention", "apply", "--dry-run", stdout=out)
    assert soon.referral.reference not in out.getvalue()


def test_a_link_confirmed_after_the_plan_is_respected_by_the_batch(world, monkeypatch):
    """Each batch re-reads its people inside its transaction: a caseworker who confirms a link to
    an open case between the plan and the batch keeps the person's identity."""
    old_case = withdrawn_case(world, "Raceold", withdrawn_on=_closed_long_ago())
    open_case = world.case(person=marked_person("Racenew"))
    real = services.units_for

    def plan_then_confirm(**kwargs):
        units = real(**kwargs)
        if kwargs.get("person_ids") is None:  # the plan: now someone confirms the link
            _pair(world, old_case, open_case, CONFIRMED, reason="Same documents")
        return units

    monkeypatch.setattr(services, "units_for", plan_then_confirm)
    services.retention_apply(actor=None)
    assert Person.objects.get(pk=old_case.referral.person_id).anonymised_on is None
    assert not AuditEvent.objects.filter(action="retention.apply", detail__kind="nrm_case_adult").exists()
