"""Rows written as ``save()`` would store them, without a model object's save for each: the
prepared statements and value conversions that the bulk import (``palermo.nrm.referral_bulk``)
uses for batches of thousands, and ``services.referral_create`` for the rows of one referral
(issue 12: Django compiles each ``INSERT`` of a model save anew, most of a referral's CPU).

* :class:`RowTable` inserts model objects (``insert``, ids back) or rows given by attribute name
  (``insert_values``), each value prepared by its field's converter (encryption, JSON, dates);
* :class:`HistoryRows` writes the django-simple-history rows of new objects ("+", the acting user,
  no change reason) from the values prepared for their own rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection
from django.db.models import JSONField
from django.db.models.signals import post_save

from palermo.core.fields import EncryptedTextField

_PLAIN = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
          "PositiveSmallIntegerField", "PositiveBigIntegerField", "BooleanField", "ForeignKey", "OneToOneField"}


def converter(field) -> Callable | None:
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


def max_params() -> int:
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


class RowTable:
    """Inserts objects of one model as ``save()`` would store them (``auto_now`` fields set, each
    value prepared by its field: encryption, JSON, dates), many rows a statement; ``insert``
    returns each object's prepared values by attribute name, for its history row."""

    def __init__(self, model):
        meta = model._meta
        self.pk = meta.pk
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.auto = [f for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self.converters = [(f.attname, converter(f)) for f in self.fields]
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
            per = max(1, min(1000, max_params() // max(1, len(self.fields))))
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


class HistoryRows:
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
        special = {"history_date": converter(self.date)(date), "history_change_reason": None,
                   "history_type": "+", "history_user_id": user_id}
        names = [f.attname for f in self.fields]
        rows = [[special[n] if n in special else v[n] for n in names] for v in values]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


_local = threading.local()


def table(model) -> RowTable:
    """The :class:`RowTable` of ``model`` for this thread's connection, made once. Per thread: a
    converter remembers the last moment it converted, which another thread must not overwrite."""
    tables = _local.__dict__.setdefault("tables", {})
    key = (model, connection.vendor)
    if key not in tables:
        tables[key] = RowTable(model)
    return tables[key]


def history_table(model) -> HistoryRows:
    """The :class:`HistoryRows` of ``model`` for this thread's connection, made once."""
    tables = _local.__dict__.setdefault("history", {})
    key = (model, connection.vendor)
    if key not in tables:
        tables[key] = HistoryRows(model)
    return tables[key]


def create(obj, *, now) -> dict:
    """Insert one new model object as ``save()`` would (``auto_now`` fields at ``now``, each value
    prepared by its field) with a prepared statement, set its id, and send ``post_save``
    (created) as ``save()`` does — except to django-simple-history, whose row the caller writes
    from the values returned (``palermo.core.history.history_created``). The object's own
    ``save()`` is not called: it must hold nothing its ``save()`` would compute."""
    model = type(obj)
    (values,) = table(model).insert([obj], now=now, returning=True)
    obj.skip_history_when_saving = True  # simple_history's post_save receiver returns at once
    try:
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                       using=connection.alias)
    finally:
        del obj.skip_history_when_saving  # later saves of this object keep their history
    return values
