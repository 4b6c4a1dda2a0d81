"""Many referrals written at once: exactly what ``services.referral_create`` writes for each one,
in a few statements a batch instead of about fifteen a referral (``palermo import referrals``).

For every referral, as the service writes it (the same functions build the values:
``services.referral_check``, ``referral_new``, ``referral_outcome_new``, ``referral_step_values``):

* the person (names, aliases, date of birth, contact details encrypted; the blind indexes), the
  referral (narrative encrypted), its exploitation types, and either its Duty to Notify report
  or its case, routed by the dated rule, with its reasonable grounds target date and its first
  step ("refer");
* the django-simple-history rows of the person, the referral and the case ("+", by the actor);
* the audit events ``person.create`` and ``referral.create`` (or ``duty_to_notify.create``),
  with the same ids, codes and counts: every record is traceable to its own event, in file order.

The rules are checked again, row by row, just before the batch is written (the database may have
changed since the file was checked). Organisations are read once for the whole import; earlier
system references already taken are read once a batch; the routing's authority and the target
date are remembered per rule and per (date, nation). New pseudonyms and references are checked
against the batch and the database, and drawn again on a clash, so they stay unique at any size.

No ``post_save`` signals are sent: new people are not scored for possible matches one referral
at a time. Run ``palermo link run`` after an import (the command says so).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable

from django.db.models.functions import Upper
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_event_values
from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.core.rows import HistoryRows, RowTable
from palermo.nrm import deadlines, services
from palermo.nrm.models import Case, CaseTransition, DutyToNotify, Referral, ReferralExploitationType
from palermo.nrm.routing import route
from palermo.nrm.schemas import ReferralIn
from palermo.people.models import Person, new_pseudonym

BATCH = 5000  # referrals a batch: about 60,000 rows in all tables
_IN_CHUNK = 900  # values in one IN (...): under SQLite's oldest limit on bound parameters


class RowRefused(Exception):
    """A row refused when its batch was written (the database changed since the check)."""

    def __init__(self, row: int, error: ValidationFailed | NotAllowed):
        super().__init__(error.message)
        self.row, self.error = row, error


class BulkLookups(services.ReferralLookups):
    """The service's look-ups, remembered: local authorities for the whole import (the referring
    organisations are remembered by the user object: ``User.referring_organisations``),
    earlier-system references a batch at a time (:meth:`preload`), the routing's authority by its code and the
    reasonable grounds target date by (date, nation)."""

    def __init__(self):
        self._local_authorities: dict[str, Organisation | None] = {}
        self._authorities: dict[str, Organisation] = {}
        self._due: dict[tuple[dt.date, str], deadlines.Deadline] = {}
        self._taken: set[tuple[int, str]] | None = None
        self._asked: set[str] = set()
        self._today: tuple[float, dt.date] | None = None
        self._routes: dict[tuple, object] = {}

    def today(self) -> dt.date:
        """Today, asked of the clock at most once a second (``timezone.localdate`` converts
        time zones each time: a tenth of a millisecond a row)."""
        now = time.monotonic()
        if self._today is None or now - self._today[0] > 1.0:
            self._today = (now, super().today())
        return self._today[1]

    def local_authority(self, code: str) -> Organisation | None:
        if code not in self._local_authorities:
            self._local_authorities[code] = super().local_authority(code)
        return self._local_authorities[code]

    def preload(self, references: Iterable[str]) -> None:
        """Read which of ``references`` (earlier-system references) any organisation has used,
        in a few queries, so the rule is checked for a batch without a query a row."""
        asked = {r.upper() for r in references if r}
        taken: set[tuple[int, str]] = set()
        wanted = sorted(asked)
        for i in range(0, len(wanted), _IN_CHUNK):
            taken.update(Referral.objects.annotate(ref=Upper("external_reference"))
                         .filter(ref__in=wanted[i:i + _IN_CHUNK]).values_list("first_responder_org_id", "ref"))
        self._taken, self._asked = taken, asked

    def external_reference_taken(self, org: Organisation, external_reference: str) -> bool:
        ref = external_reference.upper()
        if self._taken is not None and ref in self._asked:
            return (org.pk, ref) in self._taken
        return super().external_reference_taken(org, external_reference)

    def competent_authority(self, *, on: dt.date, nationalities: list[str], immigration_enforcement: bool,
                            child: bool):
        key = (on, tuple(nationalities), immigration_enforcement, child)
        r = self._routes.get(key)
        if r is None:  # a pure function of these facts and the dated rules
            r = self._routes[key] = route(on=on, nationalities=nationalities,
                                          immigration_enforcement=immigration_enforcement, child=child)
        org = self._authorities.get(r.authority_code)
        if org is None:  # not remembered, or not set up: ask as the service does (which refuses)
            org, r = super().competent_authority(on=on, nationalities=nationalities,
                                                 immigration_enforcement=immigration_enforcement, child=child)
            self._authorities[r.authority_code] = org
        return org, r

    def rg_due(self, *, received_on: dt.date, nation: str) -> deadlines.Deadline:
        key = (received_on, nation)
        if key not in self._due:
            self._due[key] = super().rg_due(received_on=received_on, nation=nation)
        return self._due[key]


class ReferralBulkWriter:
    """Collects checked rows (``add``) and writes them a batch at a time, in the caller's
    transaction. ``flush`` writes what is left; ``written`` counts the referrals written."""

    #: what a batch writes (and their history tables)
    MODELS = (Person, Referral, DutyToNotify, Case, ReferralExploitationType, CaseTransition, AuditEvent)

    def __init__(self, *, actor, batch_size: int = BATCH, lookups: BulkLookups | None = None):
        if not actor.has_perm("nrm.create_referral"):
            raise NotAllowed("Only first responders can refer a potential victim")
        self.actor, self.batch_size = actor, batch_size
        self.lookups = lookups or BulkLookups()
        self.written = 0
        self._pending: list[tuple[int, ReferralIn]] = []
        self._tables = {m: RowTable(m) for m in self.MODELS}
        self._history = {m: HistoryRows(m) for m in (Person, Referral, Case)}

    def add(self, row: int, data: ReferralIn) -> None:
        self._pending.append((row, data))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            self._write(pending)
            self.written += len(pending)

    def _write(self, pending: list[tuple[int, ReferralIn]]) -> None:
        actor, lookups = self.actor, self.lookups
        lookups.preload(d.external_reference for _, d in pending)
        built = []
        for row, data in pending:
            errors, org = services.referral_check(actor=actor, data=data, lookups=lookups)
            if errors:
                raise RowRefused(row, ValidationFailed("The referral has errors", errors))
            person, referral, types = services.referral_new(actor=actor, data=data, org=org, lookups=lookups)
            built.append((row, data, person, referral, types))
        people = [b[2] for b in built if b[2] is not None]
        _make_unique(people, "pseudonym", lambda _: new_pseudonym(), Person)
        referrals = [b[3] for b in built]
        _make_unique(referrals, "reference", lambda r: services.new_reference(r.reference[:3], r.received_on.year),
                     Referral, DutyToNotify)
        now = timezone.now()
        tables = self._tables
        people_values = tables[Person].insert(people, now=now, returning=True)
        for _, _, person, referral, _ in built:
            referral.person = person  # its id, now that it has one (the object stays cached: no query)
        referral_values = tables[Referral].insert(referrals, now=now, returning=True)
        outcomes = []
        for row, data, _, referral, _ in built:
            try:
                outcomes.append(services.referral_outcome_new(actor=actor, data=data, referral=referral, lookups=lookups))
            except ValidationFailed as exc:  # an authority that is not set up
                raise RowRefused(row, exc) from None
        reports = [dtn for dtn, _, _ in outcomes if dtn is not None]
        cases = [case for _, case, _ in outcomes if case is not None]
        tables[DutyToNotify].insert(reports, now=now, returning=True)
        case_values = tables[Case].insert(cases, now=now, returning=True)
        tables[ReferralExploitationType].insert_values(
            [{"referral_id": b[3].pk, "code": c} for b in built for c in b[4]], now=now)
        tables[CaseTransition].insert_values([services.referral_step_values(actor=actor, case=c) for c in cases], now=now)
        for model, values in ((Person, people_values), (Referral, referral_values), (Case, case_values)):
            self._history[model].insert(values, user_id=actor.pk, date=now)
        events = []
        for (_, _, person, referral, _), (dtn, case, detail) in zip(built, outcomes, strict=True):
            if person is not None:
                events.append(audit_event_values(actor=actor, action="person.create", obj=person, occurred_at=now))
            if dtn is not None:
                events.append(audit_event_values(actor=actor, action="duty_to_notify.create", obj=dtn, detail=detail,
                                              occurred_at=now))
            else:
                events.append(audit_event_values(actor=actor, action="referral.create", obj=referral,
                                              detail={"case_id": case.pk, **detail}, occurred_at=now))
        tables[AuditEvent].insert_values(events, now=now)


def _make_unique(objs: list, name: str, redraw: Callable[[object], str], *models) -> None:
    """Give every object a value of ``name`` that no other object in ``objs`` and no row of
    ``models`` has, drawing a clashing one again. Random 32-bit values clash: among a million
    people about a hundred pseudonyms would (the birthday bound), so this is checked, not hoped."""
    seen: set[str] = set()
    clashing: dict[int, object] = {}
    for obj in objs:
        value = getattr(obj, name)
        if value in seen:
            clashing[id(obj)] = obj
        seen.add(value)
    values = sorted(seen)
    taken: set[str] = set()
    for model in models:
        for i in range(0, len(values), _IN_CHUNK):
            taken.update(model.objects.filter(**{f"{name}__in": values[i:i + _IN_CHUNK]}).values_list(name, flat=True))
    clashing.update((id(obj), obj) for obj in objs if getattr(obj, name) in taken)
    seen |= taken
    for obj in clashing.values():
        while True:
            value = redraw(obj)
            if value not in seen and not any(m.objects.filter(**{name: value}).exists() for m in models):
                break
        setattr(obj, name, value)
        seen.add(value)
