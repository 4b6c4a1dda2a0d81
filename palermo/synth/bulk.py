"""``palermo synth``: write a planned synthetic caseload (``plan.py``) in batches, fast.

The bulk path writes what the services would — people with encrypted identifiers and blind
indexes, referrals and their exploitation types, cases routed by the dated rule with their
deadlines, decisions and the case's status steps — without the per-object ORM cost: rows are
built as tuples and written with ``executemany``, identifiers encrypted in batches
(``crypto.encrypt_many``, the same Fernet tokens) and blind indexes computed once per distinct
value with the people app's own functions. ``tests/synth`` proves the rows equal what the
workflow's rules give (``workflow.next_status``, ``deadlines``, ``routing``) on a sample.

Each batch is one transaction: its rows, one audit event (``synth.batch``, counts only) and the
run's checkpoint (``SynthRun.batches_done``). An interruption rolls the open batch back; running
the same command again resumes after the last batch written, with the same ids and values.
What the services also write and this path does not: field history (django-simple-history) and
the decision-letter recipients of children's decisions; one audit event a batch stands for the
per-object events. The truth — which records are the same person — goes to a separate file
(``--truth``), never into the database.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import json
import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from unidecode import unidecode

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, Organisation, User
from palermo.core import crypto
from palermo.core.audit import audit_record
from palermo.nrm import deadlines, workflow
from palermo.nrm.models import Case, CaseTransition, Decision, Referral, ReferralExploitationType
from palermo.people.models import Person
from palermo.synth.models import SynthRun
from palermo.synth.namepools import pool
from palermo.synth.names import SPELLING_VARIANTS
from palermo.synth.people import _typo
from palermo.synth.pipeline import default_processes, generators
from palermo.synth.plan import (
    EXPLOITATION,
    OUTCOMES,
    Plan,
    deadline_for,
    plan_make,
    rg_due_for,
    route_for,
)
from palermo.synth.profile import AGE_GROUPS, GENDERS, NATIONS, OUTCOME_PATHS, profile_load

TABLES = {"person": Person, "referral": Referral, "exploitation": ReferralExploitationType, "case": Case,
          "decision": Decision, "transition": CaseTransition}
AUTHORITY_STAFF = {"SCA": 4, "IECA": 2, "UKHTC": 2, "UKBA": 2}
WITHDRAWAL_REASONS = ("person_withdrew", "missing", "left_uk", "duplicate")
LA_FOR_NATION = {"england": "HILLINGDON", "wales": "CARDIFF", "scotland": "GLASGOW", "northern_ireland": "BELFASTHSCT"}


def _templates() -> dict[int, list[tuple[str, str, str]]]:
    """Each outcome's steps with their from and to statuses, from the workflow's own table."""
    out = {}
    for k, name in enumerate(OUTCOMES):
        status, steps = "", []
        for action in OUTCOME_PATHS[name]:
            new = workflow.REFERRED if action == "refer" else workflow.next_status(status, action)
            steps.append((action, status, new))
            status = new
        out[k] = steps
    return out


@dataclass
class Staff:
    org_ids: dict[str, int]
    deciders: dict[str, list[int]]
    reviewers: dict[str, list[int]]
    responders: dict[str, list[tuple[int, int]]]  # nation -> [(org id, officer id)]
    run_user: User


def staff_load() -> Staff:
    """The seed note's organisations (as in ``palermo demo``) and synthetic staff: decision
    makers and reviewers at each competent authority, one officer at each first responder.
    Their passwords are unusable: nobody signs in as them. Idempotent."""
    from palermo.demo import organisations_load

    orgs = organisations_load()

    def member(username: str, role: str, org: Organisation) -> int:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": "Synthetic",
                                                                                  "last_name": username})
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, organisation=org, role=role)
        return user.pk

    deciders, reviewers, responders = {}, {}, {n: [] for n in NATIONS}
    for code, k in AUTHORITY_STAFF.items():
        deciders[code] = [member(f"synth.{code.lower()}.decider{i}", R.DECISION_MAKER, orgs[code]) for i in range(k)]
        reviewers[code] = [member(f"synth.{code.lower()}.reviewer{i}", R.REVIEWER, orgs[code]) for i in range(k)]
    for org in sorted(orgs.values(), key=lambda o: o.code):
        if org.is_designated_first_responder and org.kind != "competent_authority":
            officer = member(f"synth.{org.code.lower()}.officer", R.FIRST_RESPONDER, org)
            for nation in NATIONS if org.nation == "uk" else [org.nation]:
                responders[nation].append((org.pk, officer))
    run_user = User.objects.get(pk=deciders["SCA"][0])
    return Staff({c: o.pk for c, o in orgs.items()}, deciders, reviewers, responders, run_user)


def recorded_identity(plan: Plan, i: int) -> tuple[str, str, str | None, str]:
    """Record ``i``'s name and date of birth as the referring agency wrote them: the true
    person's, with the recording errors its draws and the profile's rates give (transliteration
    variants, diacritics dropped, given and family names swapped, a typing error, a placeholder
    birthday of 1 January, a date of birth not recorded). Returns (given, family, dob, precision)."""
    rates = _error_rates(plan)
    row = plan.errors_u[i]
    u = row.tolist()  # Python floats: exact float32 values, compared with float32 rates as before
    p = pool(plan.nationalities[plan.nationality[i]])
    given = (p.female if plan.sex[i] == 0 else p.male)[plan.given_idx[i]]
    family = p.family[plan.family_idx[i]]
    if u[0] < rates["variant"]:
        def vary(name: str) -> str:
            return " ".join(SPELLING_VARIANTS[t][int(row[1] * len(SPELLING_VARIANTS[t]))] if t in SPELLING_VARIANTS else t
                            for t in name.split())
        given, family = vary(given), vary(family)
    if u[2] < rates["drop_diacritics"]:
        given, family = unidecode(given), unidecode(family)
    if u[4] < rates["typo"]:
        rng = random.Random(plan.seed * 1_000_003 + i)
        if u[5] < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    if u[3] < rates["swap_names_family_first" if p.family_first else "swap_names_other"]:
        given, family = family, given
    dob = plan.dob[i]
    if u[7] < rates["missing_dob"]:
        return given, family, None, "unknown"
    if u[6] < rates["placeholder_dob"]:
        return given, family, f"{str(dob)[:4]}-01-01", "estimated"
    return given, family, str(dob), "exact"


def _error_rates(plan: Plan) -> dict[str, float]:
    """The profile's error rates, once per plan, rounded to float32 as the draws are: ``u < rate``
    on the Python floats is then exactly NumPy's float32 comparison of the draw with the rate."""
    cached = plan.memo.get("error_rates")
    if cached is None or cached[0] is not plan.profile:  # a copy of the plan may carry another profile
        cached = plan.memo["error_rates"] = (plan.profile, {
            k: float(np.float32(plan.profile.error_rate(k))) for k in (
                "variant", "drop_diacritics", "typo", "swap_names_family_first", "swap_names_other", "missing_dob",
                "placeholder_dob")})
    return cached[1]


def _pseudonym(person_id: int) -> str:
    # "P-S" + 8 hex digits: never equal to a service's "P-" + 8 hex, unique (a bijection of the id)
    return f"P-S{(person_id * 0x9E3779B1) & 0xFFFFFFFF:08X}"


class _Indexes:
    """Blind indexes exactly as ``Person.refresh_blind_indexes`` computes them (``crypto``'s
    normalisation and keyed HMAC), faster: each name part is normalised once, and the HMAC key
    is set up once and copied. ``tests/synth`` checks the results against the people app's own
    functions."""

    def __init__(self):
        self.norm: dict[str, str] = {}
        self.mac = hmac.new(crypto.blind_index_key(), digestmod=hashlib.sha256)
        self.family_memo: dict[str, str] = {}
        self.dob_memo: dict[str, str] = {}

    def _norm(self, value: str) -> str:
        out = self.norm.get(value)
        if out is None:
            out = self.norm[value] = crypto.normalise_for_index(value)
        return out

    def _hash(self, purpose: str, norm: str) -> str:
        if not norm:
            return ""
        h = self.mac.copy()
        h.update(f"{purpose}\x1f{norm}".encode())
        return h.hexdigest()[:40]

    def _memo(self, memo: dict[str, str], purpose: str, norm: str) -> str:
        out = memo.get(norm)
        if out is None:
            out = memo[norm] = self._hash(purpose, norm)
        return out

    def of(self, given: str, family: str, dob: str | None) -> tuple[str, str, str]:
        # family names and dates of birth repeat (a few thousand, tens of thousands): each
        # hashed once; full names are mostly distinct, hashed each time (no unbounded memo)
        ng, nf = self._norm(given), self._norm(family)
        full = " ".join(sorted(f"{ng} {nf}".split()))
        return (self._memo(self.family_memo, "family_name", nf), self._hash("full_name", full),
                self._memo(self.dob_memo, "dob", dob or ""))


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        sql = f'INSERT INTO {table} ({", ".join(chr(34) + c + chr(34) for c in columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
        with connection.cursor() as cur:
            cur.executemany(sql, rows)


PERSON_COLS = ("id", "pseudonym", "given_name", "family_name", "aliases", "date_of_birth", "dob_precision",
               "claimed_age", "assessed_age", "gender", "nationalities", "languages", "interpreter_needed",
               "contact_details", "family_name_bi", "full_name_bi", "dob_bi", "created_at", "anonymised_on",
               "retention_rule")
REFERRAL_COLS = ("id", "reference", "received_on", "nation", "police_force_area", "exploitation_location",
                 "exploitation_country", "indicators", "flags", "narrative", "age_at_exploitation", "under_18",
                 "consent", "immigration_enforcement", "created_at", "first_responder_org_id", "local_authority_id",
                 "officer_id", "person_id", "anonymised_on", "retention_rule", "external_reference")
CASE_COLS = ("id", "status", "routing_version", "rg_due", "rg_due_version", "rg_decided_on", "recovery_period_start",
             "recovery_period_min_end", "recovery_version", "cg_earliest", "cg_earliest_version", "cg_decided_on",
             "reconsideration_deadline", "reconsideration_version", "withdrawn_on", "withdrawal_reason", "updated_at",
             "competent_authority_id", "referral_id", "elements_act", "elements_means", "elements_purpose",
             "elements_recorded_at", "elements_recorded_by_id", "nation", "child")
DECISION_COLS = ("id", "kind", "outcome", "decided_on", "reason_codes", "reason_text", "state", "reviewed_on",
                 "review_note", "parameter_versions", "created_at", "case_id", "decided_by_id", "reviewed_by_id",
                 "imported_from_sha256", "review_recorded_by_org_id")
TRANSITION_COLS = ("id", "action", "from_status", "to_status", "on", "at", "reason_code", "actor_id", "case_id",
                   "decision_id", "note")


def _offsets(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Where each case's decisions and steps start, counted from the run's first id."""
    n_dec = np.array([sum(a.startswith(("rg_", "cg_")) for a in OUTCOME_PATHS[o]) for o in OUTCOMES])[plan.outcome]
    n_steps = np.array([len(OUTCOME_PATHS[o]) for o in OUTCOMES])[plan.outcome]
    return np.r_[0, np.cumsum(n_dec)], np.r_[0, np.cumsum(n_steps)]


def _days(arr: np.ndarray) -> list[str | None]:
    return [None if d == "NaT" else d for d in np.datetime_as_string(arr).tolist()]


_REASONS = {"positive": json.dumps(["indicators_present"]), "negative": json.dumps(["insufficient_information"])}
_STAGE_KIND = {"rg": "reasonable_grounds", "cg": "conclusive_grounds"}


def batch_write(plan: Plan, staff: Staff, base: dict[str, int], a: int, b: int, templates, offsets,
                indexes: _Indexes, now: str) -> dict[str, int]:
    """Write cases ``a`` to ``b - 1`` of the plan; returns the rows written per table."""
    return batch_insert(batch_rows(plan, staff, base, a, b, templates, offsets, indexes, now))


WRITTEN = (("people", "people_person", PERSON_COLS), ("referrals", "nrm_referral", REFERRAL_COLS),
           ("exploitation", "nrm_referralexploitationtype", ("id", "code", "referral_id")),
           ("cases", "nrm_case", CASE_COLS), ("decisions", "nrm_decision", DECISION_COLS),
           ("steps", "nrm_casetransition", TRANSITION_COLS))
COUNTED = ("people", "referrals", "cases", "decisions", "steps")


def _cols(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def batch_insert(rows: dict[str, list[tuple]]) -> dict[str, int]:
    """Insert one batch's rows (from ``batch_rows``) into the six tables; returns the counts."""
    for name, table, columns in WRITTEN:
        _insert(table, columns, rows[name])
    return {k: len(rows[k]) for k in COUNTED}


def batch_staged(rows: dict[str, list[tuple]]) -> tuple[dict[str, int], bytes]:
    """One batch's rows as a serialized in-memory SQLite database (``sqlite3.Connection.serialize``)
    of the six tables, for ``batch_insert_staged`` in the writing process: one ``bytes`` crosses
    the pipe instead of millions of pickled values, and the writer copies rows with
    ``INSERT … SELECT`` in SQLite's C instead of binding each value from Python. The staging
    columns have no declared type (no affinity), so each value is stored exactly as bound and
    the real table converts it exactly as it would the bound value."""
    db = sqlite3.connect(":memory:")
    try:
        for name, table, columns in WRITTEN:
            db.execute(f'CREATE TABLE "{table}" ({_cols(columns)})')
            db.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})', rows[name])
        db.commit()
        return {k: len(rows[k]) for k in COUNTED}, db.serialize()
    finally:
        db.close()


class _Stage:
    """The writer's side of ``batch_staged``: an in-memory database attached to the connection
    as ``synth_stage`` for the run; ``load`` puts a batch's serialized tables in it (outside the
    batch's transaction), ``insert`` copies them into the real tables (inside it)."""

    def __enter__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        if not any(row[1] == "synth_stage" for row in self.raw.execute("PRAGMA database_list")):
            self.raw.execute("ATTACH DATABASE ':memory:' AS synth_stage")
        self.batch = None
        return self

    def load(self, batch: int, data: bytes) -> None:
        self.raw.deserialize(data, name="synth_stage")
        self.batch = batch

    def insert(self) -> None:
        # the batch number in the text: a new statement each batch, never one prepared against
        # the previous batch's staging database (each has the same schema cookie)
        with connection.cursor() as cur:
            for _name, table, columns in WRITTEN:
                cur.execute(f'INSERT INTO main."{table}" ({_cols(columns)}) SELECT {_cols(columns)} '  # noqa: S608
                            f'FROM synth_stage."{table}" ORDER BY rowid /* batch {self.batch} */')

    def __exit__(self, *exc):
        try:
            self.raw.execute("DETACH DATABASE synth_stage")
        except sqlite3.OperationalError:  # inside a caller's transaction (tests): emptied, left attached
            self.raw.deserialize(_empty_stage(), name="synth_stage")


def _empty_stage() -> bytes:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE empty (x)")
    data = db.serialize()
    db.close()
    return data


def batch_rows(plan: Plan, staff: Staff, base: dict[str, int], a: int, b: int, templates, offsets,
               indexes: _Indexes, now: str) -> dict[str, list[tuple]]:
    """The rows of cases ``a`` to ``b - 1`` of the plan, as tuples for ``batch_insert``. Pure
    computation (no database): it runs in the generator process of a pipelined run."""
    dec_off, step_off = offsets
    people, refs, exps, cases, decs, steps = [], [], [], [], [], []
    idents = [recorded_identity(plan, i) for i in range(a, b)]
    cipher = crypto.encrypt_many([x for g, f, d, _ in idents for x in (g, f, d or "")])
    received_s, rg_s, cg_s = _days(plan.received[a:b]), _days(plan.rg_on[a:b]), _days(plan.cg_on[a:b])
    rg_rev_s, cg_rev_s, wd_s = _days(plan.rg_review_on[a:b]), _days(plan.cg_review_on[a:b]), _days(plan.withdrawn_on[a:b])
    nations, nats = plan.nation[a:b].tolist(), plan.nationality[a:b].tolist()
    ages, genders = plan.age_group[a:b].tolist(), plan.gender[a:b].tolist()
    outcomes, ies = plan.outcome[a:b].tolist(), plan.immigration_enforcement[a:b].tolist()
    picks, expl = plan.pick_u[a:b].tolist(), plan.exploitation[a:b].tolist()
    nat_json = {k: json.dumps([iso3]) for k, iso3 in enumerate(plan.nationalities)}
    versions_json: dict[tuple[str, str], str] = {}
    la_ids = {n: staff.org_ids[LA_FOR_NATION[n]] for n in NATIONS}
    for k, i in enumerate(range(a, b)):
        given, family, dob, precision = idents[k]
        pid, rid, cid = base["person"] + i, base["referral"] + i, base["case"] + i
        nation = NATIONS[nations[k]]
        iso3 = plan.nationalities[nats[k]]
        age = AGE_GROUPS[ages[k]]
        child = age == "child"
        received = received_s[k]
        fam_bi, full_bi, dob_bi = indexes.of(given, family, dob)
        people.append((pid, _pseudonym(pid), cipher[3 * k], cipher[3 * k + 1], "", cipher[3 * k + 2] or None, precision,
                       None, None, GENDERS[genders[k]], nat_json[nats[k]], "[]", False, "", fam_bi, full_bi,
                       dob_bi, now, None, ""))
        choices = staff.responders[nation]
        org_id, officer = choices[int(picks[k] * len(choices))]
        ie = ies[k]
        refs.append((rid, f"NRM-{received[:4]}-S{rid:07X}", received, nation, "", "unknown", "", "[]", "[]",
                     "", age, "yes" if child else "no", "not_required" if child else "given", ie, now, org_id,
                     la_ids[nation] if child else None, officer, pid, None, "", ""))
        exps.append((base["exploitation"] + i, EXPLOITATION[expl[k]], rid))
        rt = route_for(plan, received, iso3, ie, child)
        due = rg_due_for(plan, received, nation)
        deciders, reviewers = staff.deciders[rt.authority_code], staff.reviewers[rt.authority_code]
        decider, reviewer = deciders[i % len(deciders)], reviewers[i % len(reviewers)]
        o = outcomes[k]
        outcome = OUTCOMES[o]
        rg_on, cg_on = rg_s[k], cg_s[k]
        reviewed = rg_rev_s[k] if outcome == "rg_negative" else cg_rev_s[k] if outcome == "not_identified" else None
        rg_decided = rp_start = rp_end = cg_earliest = cg_decided = rc_due = withdrawn_on = None
        rp_version = cg_version = rc_version = withdrawal_reason = ""
        d_id, s_id = base["decision"] + int(dec_off[i]), base["transition"] + int(step_off[i])
        last_decision = None
        for action, frm, to in templates[o]:
            decision_id, actor, on, reason = None, officer, received, ""
            if action == "refer":
                pass
            elif action == "review_agree":
                decision_id, actor, on = last_decision, reviewer, reviewed
                rc = deadline_for(plan, deadlines.reconsideration_deadline, reviewed)
                rc_due, rc_version = rc.due.isoformat(), rc.version
                if outcome == "rg_negative":
                    rg_decided = rg_on
                else:
                    cg_decided = cg_on
            elif action == "withdraw":
                on = withdrawn_on = wd_s[k]
                reason = withdrawal_reason = WITHDRAWAL_REASONS[i % len(WITHDRAWAL_REASONS)]
            else:  # a decision: rg_positive, rg_negative, cg_positive, cg_negative
                stage, result = action.split("_")
                on = rg_on if stage == "rg" else cg_on
                versions = "{}"
                if action == "rg_positive":
                    rp = deadline_for(plan, deadlines.recovery_period_min_end, rg_on)
                    cg = deadline_for(plan, deadlines.cg_earliest, rg_on)
                    rg_decided = rp_start = rg_on
                    rp_end, rp_version = rp.due.isoformat(), rp.version
                    cg_earliest, cg_version = cg.due.isoformat(), cg.version
                    versions = versions_json.get((rp.version, cg.version))
                    if versions is None:
                        versions = versions_json[(rp.version, cg.version)] = json.dumps(
                            {"recovery_period": rp.version, "cg_earliest": cg.version})
                elif action == "cg_positive":
                    cg_decided = cg_on
                agreed = result == "negative" and reviewed is not None
                decs.append((d_id, _STAGE_KIND[stage], result, on, _REASONS[result], "",
                             "effective" if result == "positive" or agreed else "awaiting_review",
                             reviewed if agreed else None, "", versions, now, cid, decider,
                             reviewer if agreed else None, "", None))
                decision_id, actor, last_decision = d_id, decider, d_id
                d_id += 1
            steps.append((s_id, action, frm, to, on, now, reason, actor, cid, decision_id, ""))
            s_id += 1
        cases.append((cid, templates[o][-1][2], f"{rt.version}:{rt.rule}", due.due.isoformat(), due.version, rg_decided,
                      rp_start, rp_end, rp_version, cg_earliest, cg_version, cg_decided, rc_due, rc_version,
                      withdrawn_on, withdrawal_reason, now, staff.org_ids[rt.authority_code], rid, "[]", "[]", "[]",
                      None, None, nation, child))  # the referral's facts, copied (nrm.models.case_list_facts)
    return {"people": people, "referrals": refs, "exploitation": exps, "cases": cases, "decisions": decs,
            "steps": steps}


class _BulkPragmas:
    """SQLite settings for the bulk write only (no fsync per batch, a larger page cache),
    restored afterwards. A crash can lose the last batches, never leave half of one: each batch
    is still one transaction, and the WAL keeps the database consistent."""

    def __enter__(self):
        self.saved = {}
        if connection.vendor == "sqlite" and not connection.in_atomic_block:  # not allowed inside a transaction
            with connection.cursor() as cur:
                for name, value in (("synchronous", "OFF"), ("cache_size", "-262144")):
                    cur.execute(f"PRAGMA {name}")
                    self.saved[name] = cur.fetchone()[0]
                    cur.execute(f"PRAGMA {name} = {value}")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cur:
            for name, value in self.saved.items():
                cur.execute(f"PRAGMA {name} = {value}")


def _indexes_drop() -> list[list[str]]:
    """Drop the secondary indexes of the tables a run writes (SQLite), returning how to build
    them again. Inserting a million rows into random-keyed B-trees (blind indexes) costs more
    than building each index once, sorted, at the end (measured: docs/synth.md). Unique
    constraints stay, so a duplicate is still refused on insert. Runs in the transaction that
    creates the run; ``_indexes_build`` runs in the one that finishes it, so an interrupted run
    leaves the tables without these indexes until it is resumed — slower to query, never wrong."""
    tables = [m._meta.db_table for m in TABLES.values()]
    with connection.cursor() as cur:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE "
                    "'CREATE UNIQUE%%' AND tbl_name IN (" + ", ".join(["%s"] * len(tables)) + ")", tables)
        found = [[name, sql] for name, sql in cur.fetchall()]
        for name, _ in found:
            cur.execute(f'DROP INDEX "{name}"')
    return found


def _indexes_build(indexes: list[list[str]]) -> None:
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _batch_done(run: SynthRun, staff: Staff, batch: int, counts: dict[str, int], after_batch) -> None:
    """In the batch's transaction, after its rows: its audit event and the run's checkpoint."""
    audit_record(actor=staff.run_user, action="synth.batch", obj=run, detail={"batch": batch, **counts})
    SynthRun.objects.filter(pk=run.pk).update(batches_done=batch + 1)
    if after_batch:
        after_batch(batch)


def _base_ids() -> dict[str, int]:
    return {k: (m.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for k, m in TABLES.items()}


def synth_run(*, profile: str, cases: int, seed: int, batch_size: int = 50_000, truth: Path | None = None,
              progress: Callable[[int, int], None] | None = None,
              after_batch: Callable[[int], None] | None = None, processes: int | None = None) -> SynthRun:
    """Generate ``cases`` cases of ``profile`` from ``seed`` into the database, in batches.

    Resumes an unfinished run with the same profile, size, seed and batch size; refuses while a
    different run is unfinished. ``progress(done, total)`` is called after each batch;
    ``after_batch(batch_no)`` too (tests use it to interrupt a run). ``processes``: how many
    forked processes make the next batches' rows while this one writes (``pipeline.py``; 0:
    all in this process; default one where there are two cores or more and two batches or more).
    Raises ``pipeline.GeneratorFailed`` if making a batch fails in a generator process."""
    if connection.vendor != "sqlite":
        raise ValueError("palermo synth writes to SQLite; on PostgreSQL, generate into SQLite and restore a backup")
    prof = profile_load(profile)
    if cases <= 0:
        raise ValueError("--cases must be at least 1")
    open_runs = SynthRun.objects.filter(finished_at__isnull=True)
    run = open_runs.filter(profile=profile, seed=seed, cases=cases, batch_size=batch_size).first()
    if run is None and open_runs.exists():
        other = open_runs.first()
        raise ValueError(f"an unfinished synth run ({other.profile}, {other.cases} cases, seed {other.seed}) must be "
                         "resumed first: run the same command again")
    staff = staff_load()
    if run is None:
        with transaction.atomic():
            run = SynthRun.objects.create(profile=profile, seed=seed, cases=cases, batch_size=batch_size,
                                          base_ids=_base_ids(), deferred_indexes=_indexes_drop())
            audit_record(actor=staff.run_user, action="synth.start", obj=run,
                         detail={"profile": profile, "cases": cases, "seed": seed, "batch_size": batch_size})
    plan = plan_make(prof, cases, seed)
    templates, offsets, indexes = _templates(), _offsets(plan), _Indexes()
    n_batches = -(-cases // batch_size)
    base = {k: int(v) for k, v in run.base_ids.items()}
    if progress:
        progress(min(run.batches_done * batch_size, cases), cases)

    def rows_of(batch: int) -> dict[str, list[tuple]]:
        a, b = batch * batch_size, min(cases, (batch + 1) * batch_size)
        return batch_rows(plan, staff, base, a, b, templates, offsets, indexes, timezone.now().isoformat(sep=" "))

    def staged_of(batch: int) -> tuple[dict[str, int], bytes]:  # in a generator process
        return batch_staged(rows_of(batch))

    # Keys read (or, in a new data folder, created) here, once, before any generator is forked:
    # the generators inherit them and never race each other to create the key file.
    crypto.encryption_keys()
    todo = range(run.batches_done, n_batches)
    if processes is None:
        processes = default_processes() if len(todo) > 1 else 0
    with (_BulkPragmas(), _Stage() if processes else contextlib.nullcontext() as stage,
          generators(staged_of if processes else rows_of, todo, processes) as made):
        for batch in todo:
            got = made.get(batch)
            if processes:
                counts, data = got
                stage.load(batch, data)
                del data
                with transaction.atomic():
                    stage.insert()
                    _batch_done(run, staff, batch, counts, after_batch)
            else:
                with transaction.atomic():
                    _batch_done(run, staff, batch, batch_insert(got), after_batch)
            del got
            if progress:
                progress(min(cases, (batch + 1) * batch_size), cases)
        waited = made.waited
    with transaction.atomic():
        _indexes_build(run.deferred_indexes)
        SynthRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
        audit_record(actor=staff.run_user, action="synth.finish", obj=run, detail={"cases": cases})
    run.refresh_from_db()
    run.generator_processes, run.waited_for_batches = processes, waited  # for the command's summary
    truth_write(plan, base, truth or Path(settings.DATA_DIR) / f"synth-truth-run{run.pk}.csv")
    return run


def truth_write(plan: Plan, base: dict[str, int], path: Path) -> Path:
    """Which records are the same person: ``person_id`` (database), ``referral_id`` and
    ``true_person`` (the plan's number for the person). Kept out of the database and out of
    every page; a new file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "referral_id", "true_person"])
        idx = np.arange(plan.n)
        w.writerows(zip((base["person"] + idx).tolist(), (base["referral"] + idx).tolist(),
                        plan.true_person.tolist(), strict=True))
    return path
