"""The referral import's bulk path writes exactly what ``services.referral_create`` writes row by
row: the same people, referrals, exploitation types, cases, Duty to Notify reports and steps
(every stored field, decrypted), the same history rows and the same audit events — on a varied
sample (adults, children, Duty to Notify reports named and anonymous, every routing era) and on
generated files (hypothesis), in batches small enough that a file spans several."""

from __future__ import annotations

import csv
import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.core.models import AuditEvent
from palermo.nrm.importer import ALL_COLUMNS, import_referrals
from palermo.nrm.models import Case, CaseTransition, DutyToNotify, Referral, ReferralExploitationType
from palermo.people.models import Person

pytestmark = pytest.mark.django_db

LAS = {"england": "HILLINGDON", "wales": "CARDIFF", "scotland": "GLASGOW", "northern_ireland": "BELFASTHSCT"}
NATIONALITIES = ["GBR", "ALB", "VNM", "POL", "NGA", "ROU", "ERI"]
NAMES = [("Ilsabet", "Marrowgate"), ("Nguyễn Thị", "Khai"), ("Ольга", "Петрова-Сидорова"), ("秀英", "王"),
         ("Quill", "O'Dowd"), ("", "Unknown 1")]
START = dt.date(2009, 4, 1)


def make_row(rng: random.Random, i: int) -> dict:
    """One valid referral row, its kind and era drawn from ``rng``."""
    today = timezone.localdate()
    received = START + dt.timedelta(days=rng.randrange((today - START).days))
    nation = rng.choice(list(LAS))
    kind = rng.choice(["adult", "child", "dtn", "dtn_anonymous"])
    given, family = rng.choice(NAMES)
    row = {
        "received_on": received.isoformat(), "nation": nation,
        "exploitation_types": ";".join(rng.sample(["sexual", "labour", "criminal", "domestic_servitude"],
                                                  rng.randint(1, 3)) + ["labour"]),
        "indicators": ";".join(rng.sample(["deception", "debt_bondage", "physical_violence"], rng.randint(0, 2))),
        "flags": rng.choice(["", "pregnant", "health_needs;county_lines"]),
        "police_force_area": rng.choice(["", "metropolitan", "cumbria"]),
        "exploitation_location": rng.choice(["uk", "overseas", "unknown"]),
        "immigration_enforcement": rng.choice(["yes", "no", ""]),
        "narrative": rng.choice(["", "Synthetic: kept, \"paid\" nothing,\r\nthen moved", "=1+2"]),
        "external_reference": rng.choice(["", f"OLD/{i:05d}"]),
        "given_name": given, "family_name": family, "aliases": rng.choice(["", "Ola P;O. Petrova"]),
        "gender": rng.choice(["female", "male", "unknown", ""]),
        "nationalities": ";".join(rng.sample(NATIONALITIES, rng.randint(0, 2))),
        "languages": rng.choice(["", "sq;en"]), "interpreter_needed": rng.choice(["yes", "no"]),
        "contact_details": rng.choice(["", "Synthetic Street 1\n00000"]),
        "claimed_age": rng.choice(["", "17", "30"]),
    }
    if row["exploitation_location"] == "overseas":
        row["exploitation_country"] = rng.choice(["ALB", "Viet Nam"])
    if kind == "child":
        row.update(under_18=rng.choice(["yes", "not_sure"]), consent="not_required", local_authority=LAS[nation],
                   age_at_exploitation="child")
        if rng.random() < 0.5:
            row["date_of_birth"] = (received - dt.timedelta(days=rng.randint(365 * 3, 365 * 17))).isoformat()
    else:
        row.update(under_18="no", consent="given" if kind == "adult" else "refused", age_at_exploitation="adult")
        if rng.random() < 0.6:
            row["date_of_birth"] = (received - dt.timedelta(days=rng.randint(365 * 19, 365 * 70))).isoformat()
            row["dob_precision"] = rng.choice(["exact", "estimated"])
        if kind == "dtn_anonymous":
            row["anonymous"] = "yes"
    return row


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=ALL_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def _fields(obj, skip: set[str], ids: dict[str, dict]) -> dict:
    """Every concrete field of ``obj`` (decrypted by the model), ids of records this import made
    replaced by their position (the two runs' ids differ)."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.attname in skip:
            continue
        value = getattr(obj, f.attname)
        if f.attname in ids and value is not None:
            value = ("#", ids[f.attname][value])
        out[f.attname] = value
    return out


def snapshot(since: int) -> dict:
    """What the import stored, in file order, comparable between two runs."""
    people = {p.pk: i for i, p in enumerate(Person.objects.order_by("id"))}
    referrals = {r.pk: i for i, r in enumerate(Referral.objects.order_by("id"))}
    cases = {c.pk: i for i, c in enumerate(Case.objects.order_by("id"))}
    reports = {d.pk: i for i, d in enumerate(DutyToNotify.objects.order_by("id"))}
    ids = {"person_id": people, "referral_id": referrals, "case_id": cases, "id": {**people}}
    made = {"id", "created_at", "updated_at", "history_id", "history_date", "pseudonym", "reference"}
    out: dict = {"referrals": [], "people": [], "history": {}, "audit": []}
    for r in Referral.objects.order_by("id"):
        assert r.reference.startswith(f"{'DTN' if r.consent == 'refused' else 'NRM'}-{r.received_on.year}-")
        item = _fields(r, made, ids)
        item["types"] = list(ReferralExploitationType.objects.filter(referral=r).order_by("code").values_list("code", flat=True))
        dtn = DutyToNotify.objects.filter(referral=r).first()
        item["dtn"] = dtn and (_fields(dtn, made | {"referral_id"}, ids), dtn.reference == r.reference)
        case = Case.objects.filter(referral=r).first()
        item["case"] = case and _fields(case, made, ids)
        item["steps"] = case and [_fields(t, made | {"at", "case_id"}, ids) for t in CaseTransition.objects.filter(case=case).order_by("id")]
        out["referrals"].append(item)
    for p in Person.objects.order_by("id"):
        assert p.pseudonym.startswith("P-")
        out["people"].append(_fields(p, made, ids))
    for model, own in ((Person, people), (Referral, referrals), (Case, cases)):
        rows = []
        for h in model.history.model.objects.order_by("history_id"):
            fields = _fields(h, made | {"history_id"}, {**ids, "id": own})
            rows.append(fields)
        out["history"][model.__name__] = rows
    objects = {"people.person": people, "nrm.referral": referrals, "nrm.dutytonotify": reports}
    for e in AuditEvent.objects.filter(id__gt=since).order_by("id"):
        detail = dict(e.detail)
        if "case_id" in detail:
            detail["case_id"] = cases[detail["case_id"]]
        oid = objects[e.object_type][int(e.object_id)] if e.object_type in objects and e.object_id else e.object_id
        out["audit"].append((e.action, e.object_type, oid, e.actor_id, e.actor_label, detail))
    return out


def run(actor, path, write_with: str, batch_size: int = 5000, **kw):
    """Import ``path`` one way, snapshot what was stored, then undo it all. Scoring for possible
    matches is off, as ``palermo import`` runs it (a link run follows an import)."""
    from django.test import override_settings

    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sid = transaction.savepoint()
    try:
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):
            result = import_referrals(actor=actor, path=path, write=write_with, batch_size=batch_size, **kw)
        return result, snapshot(since)
    finally:
        transaction.savepoint_rollback(sid)


def test_bulk_and_service_paths_store_the_same_records(world, tmp_path):
    """Every stored field (decrypted), step, history row and audit event is the same whichever
    path wrote the file, and the file spans several batches."""
    rng = random.Random(7)
    rows = [make_row(rng, i) for i in range(60)]
    path = write(tmp_path / "sample.csv", rows)
    service, by_service = run(world.responder, path, "service")
    bulk, by_bulk = run(world.responder, path, "bulk", batch_size=7)
    assert service.errors == bulk.errors == [] and service.written == bulk.written == 60
    assert by_bulk == by_service
    kinds = {(r["consent"], r["dtn"] is not None and r["dtn"][0]["anonymous"]) for r in by_bulk["referrals"]}
    assert kinds == {("given", False), ("not_required", False), ("refused", False), ("refused", True)}
    authorities = {r["case"]["competent_authority_id"] for r in by_bulk["referrals"] if r["case"]}
    assert len(authorities) >= 3  # UKHTC/UKBA before 2019, SCA, IECA
    actions = [a[0] for a in by_bulk["audit"]]
    assert actions.count("person.create") == len(by_bulk["people"])
    assert actions.count("referral.create") + actions.count("duty_to_notify.create") == 60
    assert actions[-1] == "referral.import"
    assert len(by_bulk["history"]["Referral"]) == 60 and all(h["history_type"] == "+" for h in by_bulk["history"]["Person"])
    assert {h["history_user_id"] for rows in by_bulk["history"].values() for h in rows} == {world.responder.pk}


def test_bulk_and_service_paths_skip_the_same_rows(world, tmp_path):
    """With --skip-invalid both paths write the same valid rows and reject the same others."""
    rng = random.Random(8)
    rows = [make_row(rng, i) for i in range(20)]
    rows[3] = {**rows[3], "nation": "atlantis"}
    rows[11] = dict(rows[10])  # a duplicate of the row before it
    path = write(tmp_path / "skip.csv", rows)
    service, by_service = run(world.responder, path, "service", skip_invalid=True, rejects_path=tmp_path / "a.csv")
    bulk, by_bulk = run(world.responder, path, "bulk", batch_size=4, skip_invalid=True, rejects_path=tmp_path / "b.csv")
    assert (service.written, service.rejected) == (bulk.written, bulk.rejected) == (18, 2)
    assert by_bulk == by_service
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_a_reference_taken_since_the_check_refuses_the_whole_bulk_import(world, tmp_path, monkeypatch):
    """The rules run again on each batch just before it is written: a reference another import
    took after the check refuses the file, names the row and column, and writes nothing."""
    from palermo.nrm import importer

    rng = random.Random(9)
    rows = [make_row(rng, i) for i in range(12)]
    for i, r in enumerate(rows):
        r["external_reference"] = f"OLD/{i:05d}"
    path = write(tmp_path / "late.csv", rows)
    real_check = importer._check

    def check_then_someone_else_writes(**kw):
        checked = real_check(**kw)
        world.refer(external_reference="old/00009")  # the same reference, compared without regard to case
        return checked

    monkeypatch.setattr(importer, "_check", check_then_someone_else_writes)
    before = Referral.objects.count()
    for how in ("service", "bulk"):
        sid = transaction.savepoint()
        try:
            result = import_referrals(actor=world.responder, path=path, write=how, batch_size=5)
            assert result.refused == "write_refused" and result.written == 0
            assert [(e.row, e.column) for e in result.errors] == [(11, "external_reference")]
            assert Referral.objects.count() == before + 1  # the other import's referral only
        finally:
            transaction.savepoint_rollback(sid)


def test_pseudonyms_and_references_that_clash_are_drawn_again(world, tmp_path, monkeypatch):
    """Random eight-hex-digit pseudonyms and references clash at national scale; the bulk path
    draws a clashing one again rather than failing or storing a duplicate."""
    from palermo.nrm import referral_bulk, services

    existing = world.refer()
    draws = iter(["P-0000AAAA"] * 3 + [existing.person.pseudonym, "P-0000BBBB"] + [f"P-{i:08X}" for i in range(100)])
    monkeypatch.setattr(referral_bulk, "new_pseudonym", lambda: next(draws))
    monkeypatch.setattr(Person._meta.get_field("pseudonym"), "_get_default", lambda: next(draws))
    refs = iter([existing.reference.split("-")[2]] * 4 + [f"{i:08X}" for i in range(100)])
    monkeypatch.setattr(services, "new_reference", lambda prefix, year: f"{prefix}-{year}-{next(refs)}")
    rng = random.Random(10)
    rows = [{**make_row(rng, i), "consent": "given", "under_18": "no", "anonymous": "", "date_of_birth": "",
             "local_authority": "", "received_on": existing.received_on.isoformat()} for i in range(3)]
    result = import_referrals(actor=world.responder, path=write(tmp_path / "clash.csv", rows), write="bulk")
    assert result.written == 3, result.errors
    assert Person.objects.values("pseudonym").distinct().count() == Person.objects.count() == 4
    assert Referral.objects.values("reference").distinct().count() == Referral.objects.count() == 4


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), batch=st.integers(1, 6))
def test_property_bulk_equals_service_on_generated_files(world, tmp_path, seed, n, batch):
    """On any generated file of valid rows and any batch size, the two paths store the same."""
    rng = random.Random(seed)
    path = write(tmp_path / f"gen-{seed}-{n}.csv", [make_row(rng, i) for i in range(n)])
    service, by_service = run(world.responder, path, "service")
    bulk, by_bulk = run(world.responder, path, "bulk", batch_size=batch)
    assert service.errors == bulk.errors
    assert by_bulk == by_service
