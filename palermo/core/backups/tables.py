"""Which tables a backup holds, and how each column's values are written and read back.

Every table of every model Django knows is backed up: Palermo's own, the history tables of
django-simple-history, many-to-many tables, sessions, permissions, content types and the admin
log (:func:`table_specs`). Deliberately left out:

* ``django_migrations`` — a restore recreates it by running the migrations recorded in the
  header; its "applied" times are then those of the restore;
* SQLite's internal ``sqlite_sequence`` — SQLite keeps it up to date from the ids restored.

Values are read with SQL, never through the models, so encrypted fields are never decrypted:
the backup holds their Fernet ciphertext. Each column has a *kind* (from its Django field type)
that says how its values are written to JSON and turned back into a parameter for the target
database; that is what lets a backup taken on SQLite restore into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Field

EXCLUDED_TABLES = {"django_migrations": "recreated by running the migrations recorded in the backup"}

_KINDS = {
    "AutoField": "int", "BigAutoField": "int", "SmallAutoField": "int", "IntegerField": "int",
    "BigIntegerField": "int", "SmallIntegerField": "int", "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int", "PositiveSmallIntegerField": "int",
    "BooleanField": "bool", "NullBooleanField": "bool", "FloatField": "float",
    "DecimalField": "decimal", "DateTimeField": "datetime", "DateField": "date", "TimeField": "time",
    "DurationField": "duration", "UUIDField": "uuid", "BinaryField": "bytes", "JSONField": "json",
}  # fmt: skip
_AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}


@dataclass(frozen=True)
class TableSpec:
    table: str
    model: str
    pk: str
    auto_pk: bool
    columns: tuple[tuple[str, str], ...]  # (column name, kind)
    fields: tuple[Field, ...]  # the model fields, for the source database's converters

    def describe(self, rows: int) -> dict:
        return {"table": self.table, "model": self.model, "pk": self.pk, "auto_pk": self.auto_pk,
                "columns": [list(c) for c in self.columns], "rows": rows}  # fmt: skip


def field_kind(field: Field) -> str:
    """The kind of a column: a foreign key has its target's kind; unknown types are text."""
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return _KINDS.get(field.get_internal_type(), "text")


def table_specs() -> list[TableSpec]:
    """Every table of every concrete model Django knows, sorted by table name."""
    seen: dict[str, TableSpec] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.db_table in seen:
            continue
        fields = tuple(meta.concrete_fields)
        seen[meta.db_table] = TableSpec(
            table=meta.db_table, model=meta.label_lower, pk=meta.pk.column,
            auto_pk=meta.pk.get_internal_type() in _AUTO,
            columns=tuple((f.column, field_kind(f)) for f in fields), fields=fields,
        )  # fmt: skip
    return [seen[t] for t in sorted(seen)]


def _encoder(kind: str) -> Callable:
    if kind in {"datetime", "date", "time"}:
        return lambda v: v.isoformat()
    if kind == "decimal":
        return str
    if kind == "uuid":
        return lambda v: str(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)))
    if kind == "duration":
        return lambda v: v if isinstance(v, int) else (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds
    if kind == "bytes":
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    if kind == "bool":
        return bool
    return lambda v: v


def read_rows(connection, spec: TableSpec, *, fetch: int = 2000) -> Iterator[list]:
    """The rows of one table, ordered by primary key, as JSON-ready lists. Applies the source
    database's own converters (SQLite keeps dates as text, booleans as integers) but never a
    field's ``from_db_value``, so nothing is decrypted."""
    qn = connection.ops.quote_name
    steps = []
    for field, (_, kind) in zip(spec.fields, spec.columns, strict=True):
        col = field.get_col(spec.table)
        steps.append((connection.ops.get_db_converters(col), col, _encoder(kind)))
    sql = f"SELECT {', '.join(qn(c) for c, _ in spec.columns)} FROM {qn(spec.table)} ORDER BY {qn(spec.pk)}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(fetch):
            for raw in batch:
                row = []
                for value, (converters, col, encode) in zip(raw, steps, strict=True):
                    for convert in converters:
                        value = convert(value, col, connection)
                    row.append(None if value is None else encode(value))
                yield row


def _adapter(kind: str, connection) -> Callable:
    ops, features = connection.ops, connection.features
    if kind == "datetime":
        return lambda v: ops.adapt_datetimefield_value(dt.datetime.fromisoformat(v))
    if kind == "date":
        return lambda v: ops.adapt_datefield_value(dt.date.fromisoformat(v))
    if kind == "time":
        return lambda v: ops.adapt_timefield_value(dt.time.fromisoformat(v))
    if kind == "decimal":
        return decimal.Decimal
    if kind == "uuid":
        return (lambda v: uuid.UUID(v)) if features.has_native_uuid_field else (lambda v: uuid.UUID(v).hex)
    if kind == "duration":
        return (lambda v: dt.timedelta(microseconds=v)) if features.has_native_duration_field else int
    if kind == "bytes":
        return lambda v: base64.b64decode(v)
    return lambda v: v


def insert_statement(connection, table: dict) -> tuple[str, list[Callable]]:
    """The INSERT for one table of a backup's header, and one adapter per column that turns a
    value from the backup into a parameter for ``connection``'s database."""
    qn = connection.ops.quote_name
    names = [qn(c) for c, _ in table["columns"]]
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    marks = [f"%s{json_cast}" if kind == "json" else "%s" for _, kind in table["columns"]]
    adapters = [_adapter(kind, connection) for _, kind in table["columns"]]
    sql = f"INSERT INTO {qn(table['table'])} ({', '.join(names)}) VALUES ({', '.join(marks)})"
    return sql, adapters


def adapt_row(row: list, adapters: list[Callable]) -> list:
    return [None if v is None else adapt(v) for v, adapt in zip(row, adapters, strict=True)]
