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

from django.db import connection
from django.db.models import JSONField
from django.db.models.functions import Upper
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_event_values
from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.core.fields import EncryptedTextField
from palermo.core.models import AuditEvent
from palermo.nrm import deadlines, services
from palermo.nrm.models import Case, CaseTransition, DutyToNotify, Referral, ReferralExploitationType
from palermo.nrm.routing import route
from palermo.nrm.schemas import ReferralIn
from palermo.people.models import Person, _pseudonym

BATCH = 5000  # referrals a batch: about 60,000 rows in all tables
_IN_CHUNK = 900  # values in one IN (...): under SQLite's oldest limit on bound parameters


class RowRefused(Exception):
    """A row refused when its batch was written (the database changed since the check)."""

    def __init__(self, row: int, error: ValidationFailed | NotAllowed):
        super().__init__(error.message)
        self.row, self.error = row, error


class BulkLookups(services.ReferralLookups):
    """The service's look-ups, remembered: organisations for the whole import, earlier-system
    references a batch at a time (:meth:`preload`), the routing's authority by its code and the
    reasonable grounds target date by (date, nation)."""

    def __init__(self):
        self._local_authorities: dict[str, Organisation | None] = {}
        self._referring: dict[int, list[Organisation]] = {}
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

    def referring_orgs(self, actor) -> list[Organisation]:
        if actor.pk not in self._referring:
            self._referring[actor.pk] = super().referring_orgs(actor)
        return self._referring[actor.pk]

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

    def __init__(self, *, actor, batch_size: int = BATCH, lookups: BulkLookups | None = None):
        if not actor.has_perm("nrm.create_referral"):
            raise NotAllowed("Only first responders can refer a potential victim")
        self.actor, self.batch_size = actor, batch_size
        self.lookups = lookups or BulkLookups()
        self.written = 0
        self._pending: list[tuple[int, ReferralIn]] = []
        self._tables = {m: _Table(m) for m in (Person, Referral, DutyToNotify, Case, ReferralExploitationType,
                                               CaseTransition, AuditEvent)}
        self._history = {m: _HistoryTable(m) for m in (Person, Referral, Case)}

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
        _make_unique(people, "pseudonym", lambda _: _pseudonym(), Person)
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


_PLAIN = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
          "PositiveSmallIntegerField", "PositiveBigIntegerField", "BooleanField", "ForeignKey", "OneToOneField"}


def _converter(field) -> Callable | None:
    """How ``field.get_db_prep_save`` turns a value of the type the model holds into what the
    database driver takes, without the layers it goes through for every value (those layers
    were most of the bulk path's time: about 15 µs a value). None: the value as it is."""
    ops = connection.ops
    if isinstance(field, EncryptedTextField):  # and EncryptedDateField: Fernet ciphertext
        return field.get_prep_value
    if isinstance(field, JSONField):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    kind = field.get_internal_type()
    if kind == "DateTimeField":  # one moment a batch: convert it once
        last: list = [object(), None]

        def convert(value):
            if value is not last[0]:
                last[:] = [value, ops.adapt_datetimefield_value(field.get_prep_value(value))]
            return last[1]

        return convert
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind in _PLAIN:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _max_params() -> int:
    """Bound parameters one statement may hold: SQLite's compiled limit (32,766 since 3.32),
    PostgreSQL's 65,535; Django assumes SQLite's old 999."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python before 3.11
            return 999
    return 65_535


class _Table:
    """Inserts objects of one model as ``save()`` would store them (``auto_now`` fields set, each
    value prepared by its field: encryption, JSON, dates), many rows a statement; ``insert``
    returns each object's prepared values by attribute name, for its history row."""

    def __init__(self, model):
        meta = model._meta
        self.pk = meta.pk
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.auto = [f for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self.converters = [(f.attname, _converter(f)) for f in self.fields]
        self.names = [f.attname for f in self.fields]
        self.by_name = {f.attname: f for f in self.fields}
        qn = connection.ops.quote_name
        self.table, self.columns = qn(meta.db_table), ", ".join(qn(f.column) for f in self.fields)
        self.one = f"({', '.join(['%s'] * len(self.fields))})"
        self.returning = qn(self.pk.column)

    def _values(self, obj) -> list:
        return [getattr(obj, name) if convert is None else convert(getattr(obj, name)) for name, convert in self.converters]

    def insert_values(self, rows: list[dict], *, now) -> None:
        """Insert rows given as {attribute name: value} (no ids back): for records nothing in the
        batch refers to, without building a model object for each (a tenth of a millisecond
        each). Missing fields take their defaults; auto_now fields the batch's moment."""
        if not rows:
            return
        for f in self.auto:
            for row in rows:
                row[f.attname] = now if f.get_internal_type() == "DateTimeField" else f.pre_save(None, True)
        params = [[row[name] if name in row else self.default(name) for name in self.names] for row in rows]
        if any(convert is not None for _, convert in self.converters):
            positions = [(i, convert) for i, (_, convert) in enumerate(self.converters) if convert is not None]
            for values in params:
                for i, convert in positions:
                    values[i] = convert(values[i])
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES {self.one}", params)

    def default(self, name: str):
        return self.by_name[name].get_default()

    def insert(self, objs: list, *, now, returning: bool = False) -> list[dict]:
        if not objs:
            return []
        for f in self.auto:  # auto_now(_add): the batch's moment, as pre_save() would set it
            for obj in objs:
                if f.get_internal_type() == "DateTimeField":
                    setattr(obj, f.attname, now)
                else:
                    f.pre_save(obj, True)
        rows = [self._values(obj) for obj in objs]
        with connection.cursor() as cursor:
            if not returning:
                cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES {self.one}", rows)
                return []
            per = max(1, min(1000, _max_params() // max(1, len(self.fields))))
            ids = []
            for i in range(0, len(rows), per):
                chunk = rows[i:i + per]
                cursor.execute(f"INSERT INTO {self.table} ({self.columns}) VALUES {', '.join([self.one] * len(chunk))} "
                               f"RETURNING {self.returning}", [v for row in chunk for v in row])
                ids.extend(r[0] for r in cursor.fetchall())
        names = [name for name, _ in self.converters]
        out = []
        for obj, pk, row in zip(objs, ids, rows, strict=True):
            setattr(obj, self.pk.attname, pk)
            obj._state.adding, obj._state.db = False, connection.alias
            values = dict(zip(names, row, strict=True))
            values[self.pk.attname] = pk
            out.append(values)
        return out


class _HistoryTable:
    """The django-simple-history rows ``save()`` writes for new objects (history type "+", the
    acting user, no change reason), from the values already prepared for their own rows: the
    same ciphertext, encrypted once."""

    def __init__(self, model):
        history = model.history.model
        meta = history._meta
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.date = next(f for f in self.fields if f.attname == "history_date")
        qn = connection.ops.quote_name
        self.sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in self.fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.fields))})")

    def insert(self, values: list[dict], *, user_id: int, date) -> None:
        if not values:
            return
        special = {"history_date": _converter(self.date)(date), "history_change_reason": None,
                   "history_type": "+", "history_user_id": user_id}
        names = [f.attname for f in self.fields]
        rows = [[special[n] if n in special else v[n] for n in names] for v in values]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
