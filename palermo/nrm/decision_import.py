"""Bulk import of historic decisions from CSV (``palermo import decisions FILE.csv --as USER``):
checked completely, then written all at once, or not at all (loading history, issue 11).

The same standards as the referrals import (``importer.py``, docs/import.md): the file is read
as a stream with bounded rows (``core/csvread.py``), dates are strict, every problem is reported
by row and column, duplicates are refused, a file imported before is refused, the write is one
transaction that commits only if the second pass read the same bytes as the first, and every
refusal is audited with counts only (``decision.import_failed``; ``decision.import`` for an
import, with the file's SHA-256).

1. **Check**: each row is parsed, then applied, in file order, to the state of its case as the
   database has it and as the earlier rows of the file left it (``historic.historic_apply``).
   Cases are looked up a chunk of rows at a time, in one query per chunk; memory holds the
   state of each case the file names (about 200 bytes a case), the first 1,000 errors and a
   digest a row for duplicates.
2. **Write**, only when no row has an error: the file again, a chunk at a time, each chunk's
   cases re-read and locked, the same rule applied, and the decisions (with their history
   rows), the steps and the cases written in bulk. ``write="service"`` writes each row through
   ``historic.historic_decision_record`` instead (one decision at a time, as the API would):
   slower, and the test that compares the two proves the bulk path writes the same records.

The rows of one case must be in the order the decisions were made (a reasonable grounds
decision before the conclusive grounds decision); a file sorted by date is.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from django.db import connection, transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.csvread import CsvFile, Unreadable
from palermo.core.exceptions import NotAllowed, PalermoError
from palermo.core.models import AuditEvent
from palermo.nrm.decision_import_rows import COLUMNS, REQUIRED_COLUMNS, row_decision
from palermo.nrm.historic import (
    CASE_FIELDS,
    CaseState,
    Found,
    HistoricDecisionIn,
    RowRefused,
    cases_by_reference,
    choose_case,
    decision_maker_orgs,
    decision_object,
    historic_apply,
    historic_decision_record,
    transition_objects,
)
from palermo.nrm.import_duplicates import DuplicateFinder
from palermo.nrm.import_rows import RowError, header_errors, is_blank, shape_error
from palermo.nrm.importer import ImportResult, Progress, _changed, _open_file, _Refused, _unreadable
from palermo.nrm.models import Case, Decision

logger = logging.getLogger(__name__)
CHUNK = 2000
Write = Literal["bulk", "service"]


def import_decisions(*, actor, path: Path, write: Write = "bulk", progress: Progress | None = None,
                     today: dt.date | None = None, chunk: int = CHUNK) -> ImportResult:
    """Check every row of ``path``, then write them all in one transaction. Problems are in the
    result's ``errors``; nothing is written unless there are none."""
    orgs = decision_maker_orgs(actor)
    if not orgs:
        raise NotAllowed("Only a decision maker at a competent authority can import decisions")
    today = today or timezone.localdate()
    result = ImportResult()
    try:
        with _open_file(path) as raw:
            _check(actor=actor, raw=raw, result=result, orgs=orgs, today=today, chunk=chunk, progress=progress)
            if result.error_count:
                raise _Refused("invalid_rows", [])
            _refuse_if_imported(result.sha256)
            raw.seek(0)
            _write(actor=actor, raw=raw, result=result, orgs=orgs, today=today, chunk=chunk, write=write,
                   progress=progress)
    except _Refused as refusal:
        result.written = 0
        result.refused = refusal.reason
        result.add_errors(refusal.errors)
        result.errors.sort(key=lambda e: e.row or 0)
        _audit_failure(actor=actor, result=result, reason=refusal.reason)
        return result
    except BaseException as exc:
        result.written = 0
        try:
            _audit_failure(actor=actor, result=result, reason="error" if isinstance(exc, Exception) else "interrupted")
        except Exception:  # the database may be what failed: the original error is the one to raise
            logger.exception("The failed import could not be audited")
        raise
    return result


def _rows(csvfile: CsvFile, header: list[str]) -> Iterator[tuple[int, list[str], HistoricDecisionIn | None, list[RowError]]]:
    """Every row that is not blank: its number, values, and the decision or the errors."""
    for row, values in csvfile.rows():
        if is_blank(values):
            continue
        problem = shape_error(row, values, header)
        if problem:
            yield row, values, None, [problem]
            continue
        data, errors = row_decision(dict(zip(header, values, strict=True)), row)
        yield row, values, data, errors


def _chunks(rows, size: int):
    batch = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reviewer_ids() -> dict[str, int]:
    return dict(Organisation.objects.values_list("code", "id"))


class _Lookup:
    """Finds the case of each row, a chunk at a time (one query per chunk), remembering what it
    found."""

    def __init__(self, orgs: dict[str, int]):
        self.orgs = orgs
        self.found: dict[str, list[Found]] = {}

    def load(self, batch) -> None:
        wanted = {data.external_reference.upper() for _, _, data, errors in batch if data is not None}
        wanted -= self.found.keys()
        if wanted:
            hits = cases_by_reference(wanted, authority_ids=self.orgs.values())
            for ref in wanted:
                self.found[ref] = hits.get(ref, [])

    def case_for(self, data: HistoricDecisionIn) -> Found:
        return choose_case(data, self.found.get(data.external_reference.upper(), []), orgs=self.orgs)


def _check(*, actor, raw: BinaryIO, result: ImportResult, orgs, today, chunk: int, progress: Progress | None) -> None:
    """Pass 1: every row parsed and applied to its case's state in memory; nothing written."""
    size = os.fstat(raw.fileno()).st_size
    try:
        csvfile = CsvFile(raw)
    except Unreadable as exc:
        raise _unreadable(exc) from None
    header = csvfile.header
    problems = header_errors(header, COLUMNS, REQUIRED_COLUMNS)
    if problems:
        raise _Refused("bad_header", problems)
    finder, lookup, reviewers = DuplicateFinder(), _Lookup(orgs), _reviewer_ids()
    states: dict[int, CaseState] = {}
    invalid: set[int] = set()
    try:
        for batch in _chunks(_rows(csvfile, header), chunk):
            lookup.load(batch)
            missing = {f.case_id for _, _, d, _ in batch if d is not None
                       for f in lookup.found[d.external_reference.upper()]} - states.keys()
            for case in Case.objects.filter(pk__in=missing).select_related("referral"):
                states[case.pk] = CaseState.of(case)
            for row, values, data, errors in batch:
                result.rows += 1
                finder.add_values(row, values)
                if data is not None:
                    try:
                        found = lookup.case_for(data)
                        states[found.case_id], _ = historic_apply(
                            states[found.case_id], data, today=today, reviewer_org_id=reviewers.get(data.reviewer_org))
                    except RowRefused as exc:
                        errors = [RowError(row, exc.column, exc.message)]
                if errors:
                    invalid.add(row)
                    result.add_errors(errors)
            if progress:
                progress("checking", csvfile.bytes_read, size)
    except Unreadable as exc:
        raise _unreadable(exc) from None
    if result.rows == 0:
        raise _Refused("no_rows", [RowError(None, None, "The file has a header row but no decisions")])
    for dup in finder.duplicates():
        if dup.row not in invalid:
            invalid.add(dup.row)
            result.add_errors([RowError(dup.row, None, dup.message)])
    result.invalid_rows = len(invalid)
    result.sha256, result.bytes = csvfile.sha256, csvfile.bytes_read


def _refuse_if_imported(sha256: str) -> None:
    earlier = AuditEvent.objects.filter(action="decision.import", detail__file_sha256=sha256).order_by("id").first()
    if earlier is not None:
        when = timezone.localtime(earlier.occurred_at)
        raise _Refused("already_imported", [RowError(None, None, (
            f"This file was already imported on {when:%-d %B %Y at %H:%M}: importing it again would record every "
            "decision in it a second time"))])


def _write(*, actor, raw: BinaryIO, result: ImportResult, orgs, today, chunk: int, write: Write,
           progress: Progress | None) -> None:
    """Pass 2: the same bytes again, every row written, in one transaction."""
    with transaction.atomic():
        try:
            csvfile = CsvFile(raw)
        except Unreadable:
            raise _changed() from None
        header = csvfile.header
        rows = 0
        try:
            for batch in _chunks(_rows(csvfile, header), chunk):
                if any(errors or data is None for _, _, data, errors in batch):
                    raise _changed()
                rows += len(batch)
                if write == "service":
                    _write_one_by_one(actor=actor, batch=batch, sha256=result.sha256, today=today)
                else:
                    _write_bulk(actor=actor, batch=batch, orgs=orgs, sha256=result.sha256, today=today)
                result.written += len(batch)
                if progress:
                    progress("writing", result.written, result.rows)
        except Unreadable:
            raise _changed() from None
        if csvfile.sha256 != result.sha256 or rows != result.rows:
            raise _changed()
        audit_record(actor=actor, action="decision.import", object_type="nrm.decision", detail={
            "file_sha256": result.sha256, "bytes": result.bytes, "rows": result.rows, "written": result.written,
            "write": write,
        })


def _write_one_by_one(*, actor, batch, sha256: str, today) -> None:
    for row, _, data, _ in batch:
        try:
            historic_decision_record(actor=actor, data=data, sha256=sha256, today=today)
        except PalermoError as exc:  # the database changed since the check: undo everything
            raise _Refused("write_refused", [RowError(row, None, exc.message)]) from None


def _write_bulk(*, actor, batch, orgs, sha256: str, today) -> None:
    """One chunk: its cases read and locked, the rule applied row by row in memory, then the
    decisions (and their history), the steps, the cases (and their history) in bulk."""
    lookup = _Lookup(orgs)
    lookup.load(batch)
    reviewers = _reviewer_ids()
    chosen: list[tuple[int, HistoricDecisionIn, Found]] = []
    for row, _, data, _ in batch:
        try:
            chosen.append((row, data, lookup.case_for(data)))
        except RowRefused as exc:
            raise _Refused("write_refused", [RowError(row, exc.column, exc.message)]) from None
    cases = {c.pk: c for c in Case.objects.select_for_update().select_related("referral")
             .filter(pk__in={found.case_id for _, _, found in chosen})}
    states = {pk: CaseState.of(c) for pk, c in cases.items()}
    now = timezone.now()
    decisions: list[Decision] = []
    pending: list[tuple[int, object, Decision]] = []  # (case id, effects, decision)
    snapshots: list[Case] = []  # the case after each decision, for its history (as save() would write)
    for row, data, found in chosen:
        try:
            state, effects = historic_apply(states[found.case_id], data, today=today,
                                            reviewer_org_id=reviewers.get(data.reviewer_org))
        except RowRefused as exc:
            raise _Refused("write_refused", [RowError(row, exc.column, exc.message)]) from None
        states[found.case_id] = state
        case = cases[found.case_id]
        for name, value in state.case_values().items():
            setattr(case, name, value)
        case.updated_at = now
        snapshots.append(copy.copy(case))
        decision = decision_object(case_id=found.case_id, effects=effects, actor=actor, sha256=sha256)
        decisions.append(decision)
        pending.append((found.case_id, effects, decision))
    Decision.objects.bulk_create(decisions, batch_size=500)  # their ids, for the steps and history
    _insert_many(_history_of(Decision, decisions, history_type="+", user=actor, date=now))
    _insert_many([t for case_id, effects, decision in pending
                  for t in transition_objects(case_id=case_id, effects=effects, decision=decision, actor=actor)])
    touched = [cases[pk] for pk in dict.fromkeys(case_id for case_id, _, _ in pending)]
    _update_cases(touched, [*CASE_FIELDS, "updated_at"])
    _insert_many(_history_of(Case, snapshots, history_type="~", user=actor, date=now))


def _history_of(model, objs, *, history_type: str, user, date) -> list:
    """The django-simple-history rows for ``objs`` as ``bulk_history_create`` builds them (the
    tracked fields, the type, the user and the date), for :func:`_insert_many` to write."""
    history = model.history.model
    return [history(history_date=date, history_user=user, history_change_reason="", history_type=history_type,
                    **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields}) for obj in objs]


def _insert_many(objs: list) -> None:
    """``INSERT`` unsaved model objects of one model with one prepared statement
    (``executemany``), each value prepared by its field as ``save()`` would (encryption,
    ``auto_now_add``). No ids come back: only for rows nothing else refers to."""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.get_internal_type() in
                                                    {"AutoField", "BigAutoField", "SmallAutoField"})]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    params = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update_cases(cases: list[Case], names: list[str]) -> None:
    """``UPDATE`` each case's ``names`` with one prepared statement run for every case
    (``executemany``): Django's ``bulk_update`` builds a ``CASE WHEN`` per field and row and
    spends most of the import's time doing it."""
    fields = [Case._meta.get_field(n) for n in names]
    table, qn = Case._meta.db_table, connection.ops.quote_name
    sql = (f"UPDATE {qn(table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "
           f"WHERE {qn(Case._meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk] for c in cases]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _audit_failure(*, actor, result: ImportResult, reason: str) -> None:
    detail = {"reason": reason, "rows": result.rows, "invalid_rows": result.invalid_rows,
              "errors": result.error_count, "bytes": result.bytes}
    if result.sha256:
        detail["file_sha256"] = result.sha256
    with transaction.atomic():
        audit_record(actor=actor, action="decision.import_failed", object_type="nrm.decision", detail=detail)
