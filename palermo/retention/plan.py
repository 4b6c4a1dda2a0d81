"""What the retention rules make due on a date: read-only, used by the dry run and by each batch.

**Records and when each is due.** Every referral not yet anonymised is one record of a kind
(:data:`palermo.law.retention.KINDS`): an NRM case of an adult or of a child, a Duty to Notify
report, or a referral with neither. Its period starts when it *closed* (:func:`case_closed_on`)
or, for a report, when it was made; the rule is the one in force on that day
(:func:`palermo.law.retention.retention_rule_at`); it is due on the day the period ends
(:mod:`.dates`).

**Residence permits keep an identified person's case open.** A case whose person was identified
closes on the later of the positive conclusive grounds decision and the expiry of its last
residence permit (:mod:`palermo.permits`), and not at all while a permit application awaits a
decision: a person still holding, or asking for, permission to stay keeps their record.

**A person is one unit.** All the referrals of a person, and of every person joined to them by a
confirmed link (a cluster, :mod:`palermo.linkage.selectors`), are anonymised together, and only
when *every one* of them is due: a person with another case still open, or not yet due, keeps
their identity on all their records (those counted as *held*). A possible match that was not
confirmed joins nobody. A Duty to Notify report made without the person's details is a unit of
its own.

Reading the plan decrypts dates of birth of child cases in memory (the 18th birthday) and nothing
else; it writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from palermo.accounts.models import ApiToken, SignInFailure
from palermo.core.models import AuditEvent
from palermo.drafts.models import ReferralDraft
from palermo.law.retention import KINDS, RETENTION_DIR, RetentionRule, retention_rule_at
from palermo.linkage.models import CONFIRMED, PENDING, LinkCandidate
from palermo.linkage.selectors import components
from palermo.nrm import deadlines, workflow
from palermo.nrm.models import CaseTransition, Referral
from palermo.people.models import Person
from palermo.retention import dates

REFERRAL_KINDS = ("nrm_case_adult", "nrm_case_child", "duty_to_notify", "referral_without_case")
CHUNK = 2000  # ids per IN (...) list: a whole database's ids would pass SQLite's variable limit


def _chunks(ids) -> list[list]:
    ids = list(ids)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


@dataclass
class RecordDue:
    """One referral (with its case or report) and when the rules allow its anonymisation."""

    referral_id: int
    reference: str
    person_id: int | None
    kind: str
    closed_on: dt.date | None  # None: the case is still open
    rule: RetentionRule | None  # None: no rule in force (repealed), so never due
    due_on: dt.date | None  # None: open, kept, or no rule


@dataclass
class Unit:
    """Records anonymised together: a person's (or a cluster's) referrals, or one anonymous report."""

    records: list[RecordDue]
    person_ids: list[int]

    @property
    def due_on(self) -> dt.date | None:
        """The day the last of its records is due (None if one of them never is, for now)."""
        if any(r.due_on is None for r in self.records):
            return None
        return max(r.due_on for r in self.records)

    @property
    def governing(self) -> RecordDue:
        """The record due last: its rule is the one recorded on the person."""
        return max(self.records, key=lambda r: (r.due_on or dt.date.max, r.referral_id))


@dataclass
class KindPlan:
    kind: str
    rule_in_force: RetentionRule | None
    due: list[str] = field(default_factory=list)  # case or report references (or a count for stamped kinds)
    people: list[str] = field(default_factory=list)  # pseudonyms
    count: int = 0
    versions: Counter = field(default_factory=Counter)
    held: int = 0  # due on its own, but another record of the same person is not
    not_yet_due: int = 0
    open: int = 0
    no_rule: int = 0
    kept: int = 0


@dataclass
class Plan:
    as_of: dt.date
    units: list[Unit]
    link_candidates: list[tuple[int, RetentionRule]]
    stamped: dict[str, tuple[RetentionRule | None, int]]
    kinds: dict[str, KindPlan]


# --- when a record closed and is due ---------------------------------------------------------


def case_closed_on(
    *, status: str, cg_decided_on: dt.date | None, withdrawn_on: dt.date | None,
    reconsideration_deadline: dt.date | None, last_step_on: dt.date | None,
) -> dt.date | None:
    """The day an NRM case closed: the first day on which nothing more can happen to it in the
    workflow (:mod:`palermo.nrm.workflow`), or None while it is open.

    * identified (positive conclusive grounds): the day of that decision;
    * withdrawn: the day it was withdrawn;
    * negative reasonable or conclusive grounds in effect (after second review): the day after
      the last day to ask for reconsideration, since until then it can be reopened. A case with
      no stored window (a row from another system) gets the window of the reconsideration
      parameter from its last step.

    A missing date falls back to the day of the last step.
    """
    if status == workflow.IDENTIFIED:
        return cg_decided_on or last_step_on
    if status == workflow.WITHDRAWN:
        return withdrawn_on or last_step_on
    if status in {workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED}:
        if reconsideration_deadline is None and last_step_on is not None:
            reconsideration_deadline = deadlines.reconsideration_deadline(effective_on=last_step_on).due
        return reconsideration_deadline + dt.timedelta(days=1) if reconsideration_deadline else None
    return None


def _permit_holds(case_ids) -> tuple[dict[int, dt.date], set[int]]:
    """For identified cases: the last day of their latest residence permit, and which have a
    permit application awaiting a decision."""
    from django.db.models import Max

    from palermo.permits.models import OPEN, Permit, PermitApplication

    until: dict[int, dt.date] = {}
    applying: set[int] = set()
    for chunk in _chunks(case_ids):
        until.update(Permit.objects.filter(case_id__in=chunk).values("case_id").annotate(last=Max("expires_on"))
                     .values_list("case_id", "last"))
        applying.update(PermitApplication.objects.filter(case_id__in=chunk, state=OPEN).values_list("case_id", flat=True))
    return until, applying


def _kind(row: dict) -> str:
    if row["case__pk"] is not None:
        return "nrm_case_child" if row["under_18"] in {"yes", "not_sure"} else "nrm_case_adult"
    if row["duty_to_notify__pk"] is not None:
        return "duty_to_notify"
    return "referral_without_case"


def _records(qs, root: Path) -> list[RecordDue]:
    rows = list(qs.values(
        "pk", "reference", "person_id", "received_on", "under_18", "case__pk", "case__status",
        "case__cg_decided_on", "case__withdrawn_on", "case__reconsideration_deadline", "duty_to_notify__pk",
    ).order_by("pk"))
    kinds = {r["pk"]: _kind(r) for r in rows}
    # The last step's date, only for closed cases missing the date that closes them.
    needs_step = [r["case__pk"] for r in rows if r["case__pk"] is not None and (
        (r["case__status"] == workflow.IDENTIFIED and r["case__cg_decided_on"] is None)
        or (r["case__status"] == workflow.WITHDRAWN and r["case__withdrawn_on"] is None)
        or (r["case__status"] in {workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED} and r["case__reconsideration_deadline"] is None))]
    last_step: dict[int, dt.date] = {}
    for chunk in _chunks(needs_step):
        for case_id, on in CaseTransition.objects.filter(case_id__in=chunk).values_list("case_id", "on").order_by("on"):
            last_step[case_id] = on
    permits_until, applying = _permit_holds([r["case__pk"] for r in rows if r["case__status"] == workflow.IDENTIFIED])
    children = {r["person_id"] for r in rows if kinds[r["pk"]] == "nrm_case_child" and r["person_id"]}
    ages = {p.pk: p for chunk in _chunks(children)
            for p in Person.objects.filter(pk__in=chunk).only("pk", "date_of_birth", "assessed_age", "claimed_age")}
    out = []
    for r in rows:
        kind = kinds[r["pk"]]
        if r["case__pk"] is not None:
            closed = case_closed_on(
                status=r["case__status"], cg_decided_on=r["case__cg_decided_on"], withdrawn_on=r["case__withdrawn_on"],
                reconsideration_deadline=r["case__reconsideration_deadline"], last_step_on=last_step.get(r["case__pk"]))
            if closed is not None and r["case__status"] == workflow.IDENTIFIED:
                if r["case__pk"] in applying:
                    closed = None  # a permit application awaits a decision: still open
                elif r["case__pk"] in permits_until:
                    closed = max(closed, permits_until[r["case__pk"]])
        else:
            closed = r["received_on"]  # a report or a bare referral has no later steps
        rule = retention_rule_at(kind, closed, root=root) if closed else None
        due = None
        if closed and rule:
            start = closed
            if kind == "nrm_case_child":
                p = ages.get(r["person_id"])
                start = max(closed, dates.eighteenth_birthday(
                    date_of_birth=p.date_of_birth if p else None, assessed_age=p.assessed_age if p else None,
                    claimed_age=p.claimed_age if p else None, received_on=r["received_on"]))
            due = dates.due_on(start, rule)
        out.append(RecordDue(r["pk"], r["reference"], r["person_id"], kind, closed, rule, due))
    return out


# --- units: a person (or cluster) with all their records ------------------------------------


def _cluster_people(person_ids: set[int]) -> set[int]:
    """``person_ids`` and everyone joined to them by confirmed links."""
    seen, frontier = set(person_ids), set(person_ids)
    while frontier:
        links = LinkCandidate.objects.filter(
            Q(person_a_id__in=frontier) | Q(person_b_id__in=frontier), status=CONFIRMED
        ).values_list("person_a_id", "person_b_id")
        frontier = {x for pair in links for x in pair} - seen
        seen |= frontier
    return seen


def _units(records: list[RecordDue], edges) -> list[Unit]:
    by_person: dict[int, list[RecordDue]] = defaultdict(list)
    units = []
    for rec in records:
        if rec.person_id is None:
            units.append(Unit([rec], []))
        else:
            by_person[rec.person_id].append(rec)
    for group in components(edges, by_person):
        recs = [r for pk in group for r in by_person.get(pk, [])]
        if recs:
            units.append(Unit(sorted(recs, key=lambda r: r.referral_id), [pk for pk in group if pk in by_person]))
    return sorted(units, key=lambda u: (u.due_on or dt.date.max, u.records[0].referral_id))


def units_for(*, as_of: dt.date, person_ids=None, referral_ids=None, root: Path = RETENTION_DIR) -> list[Unit]:
    """Every unit with a record not yet anonymised; with ``person_ids``/``referral_ids``, only
    the units of those people (their whole clusters) and of those anonymous referrals — what a
    batch re-reads inside its transaction, so it acts on the database as it is then."""
    qs = Referral.objects.filter(anonymised_on__isnull=True)
    if person_ids is None and referral_ids is None:
        edges = LinkCandidate.objects.filter(status=CONFIRMED).values_list("person_a_id", "person_b_id")
        return _units(_records(qs, root), list(edges))
    people = _cluster_people(set(person_ids or ()))
    qs = qs.filter(Q(person_id__in=people) | Q(pk__in=list(referral_ids or ()), person__isnull=True))
    edges = LinkCandidate.objects.filter(status=CONFIRMED, person_a_id__in=people).values_list("person_a_id", "person_b_id")
    return _units(_records(qs, root), list(edges))


def due_units(units: list[Unit], as_of: dt.date) -> list[Unit]:
    return [u for u in units if u.due_on is not None and u.due_on <= as_of]


# --- possible matches and time-stamped records ------------------------------------------------


def link_candidates_due(*, as_of: dt.date, root: Path = RETENTION_DIR) -> list[tuple[int, RetentionRule]]:
    """Possible matches with a person whose identity was removed, once the link_candidate rule
    (in force on the day of that removal) allows, that still hold something to remove: a
    pending status, or a free-text reason in the row or its history."""
    qs = (LinkCandidate.objects
          .filter(Q(person_a__anonymised_on__isnull=False) | Q(person_b__anonymised_on__isnull=False))
          .annotate(reason_length=Length("reason_text"))
          .values_list("pk", "status", "reason_length", "person_a__anonymised_on", "person_b__anonymised_on"))
    rows = list(qs)
    history = LinkCandidate.history.model
    with_old_text = {pk for chunk in _chunks(r[0] for r in rows)
                     for pk in history.objects.filter(id__in=chunk).annotate(n=Length("reason_text"))
                     .filter(n__gt=0).values_list("id", flat=True)}
    out = []
    for pk, status, length, a_on, b_on in rows:
        if not (status == PENDING or length or pk in with_old_text):
            continue
        removed_on = min(d for d in (a_on, b_on) if d is not None)
        rule = retention_rule_at("link_candidate", removed_on, root=root)
        if rule is None or rule.action == "keep":
            continue
        due = dates.due_on(removed_on, rule)
        if due is not None and due <= as_of:
            out.append((pk, rule))
    return out


def moment_of(as_of: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """The instant time-stamped records are judged at: now when ``as_of`` is today, else the end
    of the ``as_of`` day (never later than now for a past day)."""
    now = now or timezone.now()
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    return min(now, end) if as_of <= timezone.localdate(now) else end


def stamped_querysets(*, as_of: dt.date, root: Path = RETENTION_DIR) -> dict[str, tuple[RetentionRule | None, object]]:
    """For sessions, sign-in failures, revoked API tokens and referral drafts: the rule in force on ``as_of``
    and the rows it makes due (stamped at or before the latest stamp its period allows).

    Time-stamped rows are judged by the rule in force on ``as_of`` (each row closes when it is
    stamped; these rules only ever run days or a year behind). A failed sign-in inside the
    lock-out window is never due, whatever the rule says: deleting it would weaken the throttle."""
    moment = moment_of(as_of)
    out: dict[str, tuple[RetentionRule | None, object]] = {}
    for kind, model, stamp, extra in (
        ("session", Session, "expire_date", Q()),
        ("sign_in_failure", SignInFailure, "at", Q()),
        ("api_token", ApiToken, "revoked_at", Q(revoked_at__isnull=False)),
        ("referral_draft", ReferralDraft, "saved_at", Q()),
    ):
        rule = retention_rule_at(kind, as_of, root=root)
        if rule is None or rule.action != "delete":
            out[kind] = (rule, model.objects.none())
            continue
        cutoff = dates.latest_start(moment, rule)
        if kind == "sign_in_failure":
            window = dt.timedelta(minutes=getattr(settings, "PALERMO_SIGNIN_LOCK_MINUTES", 15))
            cutoff = min(cutoff, timezone.now() - window)
        out[kind] = (rule, model.objects.filter(extra, **{f"{stamp}__lte": cutoff}))
    return out


# --- the whole plan -------------------------------------------------------------------------


def retention_plan(*, as_of: dt.date, root: Path = RETENTION_DIR) -> Plan:
    """What applying the rules on ``as_of`` would do, per kind, without writing anything."""
    units = units_for(as_of=as_of, root=root)
    due = due_units(units, as_of)
    kinds = {k: KindPlan(k, retention_rule_at(k, as_of, root=root)) for k in KINDS}
    due_ids = {id(u) for u in due}
    pseudonyms = {pk: ps for chunk in _chunks(p for u in due for p in u.person_ids)
                  for pk, ps in Person.objects.filter(pk__in=chunk).values_list("pk", "pseudonym")}
    for u in units:
        for rec in u.records:
            kp = kinds[rec.kind]
            if id(u) in due_ids:
                kp.due.append(rec.reference)
                kp.count += 1
                kp.versions[rec.rule.version] += 1
            elif rec.closed_on is None:
                kp.open += 1
            elif rec.rule is None:
                kp.no_rule += 1
            elif rec.due_on is None:
                kp.kept += 1
            elif rec.due_on <= as_of:
                kp.held += 1
            else:
                kp.not_yet_due += 1
        if id(u) in due_ids:
            kinds[u.governing.kind].people += [pseudonyms[p] for p in u.person_ids if p in pseudonyms]
    candidates = link_candidates_due(as_of=as_of, root=root)
    kinds["link_candidate"].count = len(candidates)
    kinds["link_candidate"].versions.update(rule.version for _, rule in candidates)
    stamped = {}
    for kind, (rule, qs) in stamped_querysets(as_of=as_of, root=root).items():
        n = qs.count()
        stamped[kind] = (rule, n)
        kinds[kind].count = n
        if rule and n:
            kinds[kind].versions[rule.version] = n
    kinds["audit_event"].kept = AuditEvent.objects.count()
    return Plan(as_of, due, candidates, stamped, kinds)
