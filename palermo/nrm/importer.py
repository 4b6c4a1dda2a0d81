"""Bulk import of referrals from CSV: checked completely, then written all at once, or not at all.

Two streamed passes over the file (docs/import.md):

1. **Check** every row against the same rules as the API and the pages (``import_rows``), and
   look for duplicates (``import_duplicates``). Memory holds the first ``MAX_REPORTED`` errors,
   counts, and a few bytes a row for duplicates — never the rows themselves, so a 1 GB file
   is checked in the memory a small one needs.
2. **Write**, only when every row is valid (or, with ``skip_invalid``, the valid ones): read the
   file again and write the referrals in one transaction, 5,000 at a time with
   ``referral_bulk.ReferralBulkWriter`` (the rules checked again, the same records, history and
   audit events as ``services.referral_create`` writes, which ``write="service"`` uses instead).
   The second pass must read exactly the bytes the first one checked (same SHA-256, same rows),
   or nothing is written. If the process dies during the write, the transaction never commits
   and nothing from the file is left; running the import again writes every row once.

Every refusal is audited (``referral.import_failed``: a reason code and counts, no content), as
is every import (``referral.import``: the file's SHA-256 and the counts). A file whose SHA-256
was imported before is refused: importing it again would refer everyone in it a second time.

With ``skip_invalid`` the rejected rows go to a rejects file: created with mode 0600, never over
an existing file, formulas neutralised (``palermo.core.spreadsheet``). It holds the rejected
rows' personal data in plain text; the command says so, and that it should be deleted after use.
"""

from __future__ import annotations

import heapq
import logging
import os
import stat
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.csvread import CsvFile, Unreadable
from palermo.core.exceptions import NotAllowed, PalermoError, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.core.planner import BULK_ROWS, planner_statistics_refresh
from palermo.core.spreadsheet import safe_writer
from palermo.nrm import services
from palermo.nrm.import_duplicates import Duplicate, DuplicateFinder
from palermo.nrm.import_rows import (  # noqa: F401 - the columns are part of this module's interface
    ALL_COLUMNS,
    REQUIRED_COLUMNS,
    RowError,
    header_errors,
    is_blank,
    row_referral,
    shape_error,
)
from palermo.nrm.referral_bulk import BATCH, BulkLookups, ReferralBulkWriter, RowRefused

logger = logging.getLogger(__name__)
MAX_REPORTED = 1000  # errors kept to show; all are counted
Progress = Callable[[str, int, int], None]  # (stage "checking" or "writing", done, total)
Write = Literal["bulk", "service"]


@dataclass
class ImportResult:
    rows: int = 0  # rows read, blank rows apart
    written: int = 0
    rejected: int = 0
    invalid_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED
    sha256: str = ""
    bytes: int = 0
    refused: str = ""  # why nothing was written (a reason code), or "" when the import went ahead

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_REPORTED - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])


class _Refused(Exception):
    def __init__(self, reason: str, errors: list[RowError]):
        super().__init__(reason)
        self.reason, self.errors = reason, errors


@dataclass
class _Checked:
    header: list[str]
    valid: int
    invalid: array  # row numbers of invalid rows (kept only with skip_invalid)
    duplicates: DuplicateFinder


def import_referrals(
    *, actor, path: Path, skip_invalid: bool = False, rejects_path: Path | None = None,
    progress: Progress | None = None, write: Write = "bulk", batch_size: int = BATCH,
) -> ImportResult:
    """Check every row of ``path``, then write them all (with ``skip_invalid``, the valid ones,
    the others going to ``rejects_path``) in one transaction. Problems are returned in the
    result's ``errors``; nothing is written unless the result has none (or ``skip_invalid``).

    ``write="bulk"`` (the default) writes ``batch_size`` referrals at a time with
    ``referral_bulk.ReferralBulkWriter``; ``write="service"`` writes each row through
    ``services.referral_create``. Both store the same records, history and audit events
    (``tests/nrm/test_import_bulk.py``)."""
    if not actor.has_perm("nrm.create_referral"):
        raise NotAllowed("Only first responders can import referrals")
    result = ImportResult()
    rejects = None
    try:
        with _open_file(path) as raw:
            if skip_invalid and rejects_path is not None:
                rejects = _Rejects.create(rejects_path)
            checked = _check(actor=actor, raw=raw, result=result, keep_invalid=skip_invalid, progress=progress)
            if result.error_count and not skip_invalid:
                raise _Refused("invalid_rows", [])
            _refuse_if_imported(result.sha256)
            raw.seek(0)
            _write(actor=actor, raw=raw, result=result, checked=checked, rejects=rejects, progress=progress,
                   write=write, batch_size=batch_size)
    except _Refused as refusal:
        result.written = result.rejected = 0
        result.refused = refusal.reason
        result.add_errors(refusal.errors)
        result.errors.sort(key=lambda e: e.row or 0)
        _audit_failure(actor=actor, result=result, reason=refusal.reason)
        if rejects:
            rejects.close(keep=False)
        return result
    except BaseException as exc:
        result.written = result.rejected = 0
        try:
            _audit_failure(actor=actor, result=result, reason="error" if isinstance(exc, Exception) else "interrupted")
        except Exception:  # the database may be what failed: the original error is the one to raise
            logger.exception("The failed import could not be audited")
        finally:
            if rejects:
                rejects.close(keep=False)
        raise
    if rejects:
        rejects.close(keep=result.rejected > 0)
    if result.written >= BULK_ROWS:
        planner_statistics_refresh(ReferralBulkWriter.MODELS)
    return result


def _open_file(path: Path) -> BinaryIO:
    """The file, opened for reading bytes, if it is a regular file (not a folder, a device or
    a pipe, which could block or never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _Refused("not_readable", [RowError(None, None, f"{path} cannot be opened: {exc.strerror}")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _Refused("not_a_file", [RowError(None, None, f"{path} is not a file")])
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb", buffering=0)


def _default_org_code(actor) -> str:
    """The referring organisation of a row that names none: the actor's, if they have one."""
    codes = list(Organisation.objects.filter(pk__in=actor.organisations_for(R.FIRST_RESPONDER),
                                             is_designated_first_responder=True).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else ""


def _unreadable(exc: Unreadable) -> _Refused:
    return _Refused("unreadable", [RowError(exc.row, None, exc.message)])


def _check(*, actor, raw: BinaryIO, result: ImportResult, keep_invalid: bool, progress: Progress | None) -> _Checked:
    """Pass 1: every row checked, nothing kept but errors, counts and duplicate digests."""
    size = os.fstat(raw.fileno()).st_size
    try:
        csvfile = CsvFile(raw)
    except Unreadable as exc:
        raise _unreadable(exc) from None
    header = csvfile.header
    problems = header_errors(header)
    if problems:
        raise _Refused("bad_header", problems)
    finder, invalid, default_org = DuplicateFinder(), array("L"), _default_org_code(actor)
    lookups = BulkLookups()  # organisations read once for the file, not once a row
    try:
        for row, values in csvfile.rows():
            if is_blank(values):
                continue
            result.rows += 1
            problem = shape_error(row, values, header)
            data, errors = (None, [problem]) if problem else row_referral(dict(zip(header, values, strict=True)), row,
                                                                          actor=actor, lookups=lookups)
            if errors:
                result.invalid_rows += 1
                result.add_errors(errors)
                if keep_invalid:
                    invalid.append(row)
            else:
                finder.add(row, values, data, org=data.first_responder_org or default_org)
            if progress:
                progress("checking", csvfile.bytes_read, size)
    except Unreadable as exc:
        raise _unreadable(exc) from None
    if result.rows == 0:
        raise _Refused("no_rows", [RowError(None, None, "The file has a header row but no referrals")])
    for dup in finder.duplicates():
        result.invalid_rows += 1
        result.add_errors([RowError(dup.row, None, dup.message)])
    result.sha256, result.bytes = csvfile.sha256, csvfile.bytes_read
    return _Checked(header=header, valid=result.rows - result.invalid_rows, invalid=invalid, duplicates=finder)


def _refuse_if_imported(sha256: str) -> None:
    earlier = AuditEvent.objects.filter(action="referral.import", detail__file_sha256=sha256).order_by("id").first()
    if earlier is not None:
        when = timezone.localtime(earlier.occurred_at)
        raise _Refused("already_imported", [RowError(None, None, (
            f"This file was already imported on {when:%-d %B %Y at %H:%M}: importing it again would refer "
            "every person in it a second time"))])


def _skipped(checked: _Checked) -> Iterator[tuple[int, Duplicate | None]]:
    """The rows pass 1 found invalid or duplicate, in row order (a duplicate with its detail)."""
    invalid = ((row, None) for row in checked.invalid)
    dups = ((d.row, d) for d in checked.duplicates.duplicates())
    return heapq.merge(invalid, dups, key=lambda item: item[0])


def _changed() -> _Refused:
    return _Refused("file_changed", [RowError(None, None, (
        "The file changed while it was being imported, so nothing was written. Import it again when "
        "nothing else is writing to it"))])


def _write(*, actor, raw: BinaryIO, result: ImportResult, checked: _Checked, rejects: _Rejects | None,
           progress: Progress | None, write: Write = "bulk", batch_size: int = BATCH) -> None:
    """Pass 2: the same bytes again, each valid row written, in one transaction: in batches
    (``ReferralBulkWriter``) or one at a time through the service."""
    with transaction.atomic():
        try:
            csvfile = CsvFile(raw)
        except Unreadable:
            raise _changed() from None
        header = csvfile.header
        if header != checked.header:
            raise _changed()
        skipped = _skipped(checked)
        skip = next(skipped, None)
        rows = 0
        writer = ReferralBulkWriter(actor=actor, batch_size=batch_size) if write == "bulk" else None
        try:
            for row, values in csvfile.rows():
                if is_blank(values):
                    continue
                rows += 1
                if skip is not None and skip[0] == row:
                    _reject(rejects, header, row, values, skip[1], actor=actor)
                    result.rejected += 1
                    skip = next(skipped, None)
                    continue
                problem = shape_error(row, values, header)
                data, errors = (None, [problem]) if problem else row_referral(
                    dict(zip(header, values, strict=True)), row, actor=actor, rules=False)
                if errors:
                    raise _changed()
                if writer is None:
                    try:
                        services.referral_create(actor=actor, data=data)
                    except PalermoError as exc:
                        raise _write_refused(row, exc) from None
                    result.written += 1
                else:
                    before = writer.written
                    try:
                        writer.add(row, data)
                    except RowRefused as exc:
                        raise _write_refused(exc.row, exc.error) from None
                    result.written += writer.written - before
                if progress and (writer is None or result.written != checked.valid):
                    progress("writing", result.written, checked.valid)
            if writer is not None:
                try:
                    writer.flush()
                except RowRefused as exc:
                    raise _write_refused(exc.row, exc.error) from None
                result.written = writer.written
                if progress:
                    progress("writing", result.written, checked.valid)
        except Unreadable:
            raise _changed() from None
        if csvfile.sha256 != result.sha256 or rows != result.rows or result.written != checked.valid:
            raise _changed()
        audit_record(actor=actor, action="referral.import", object_type="nrm.referral", detail={
            "file_sha256": result.sha256, "bytes": result.bytes, "rows": result.rows, "written": result.written,
            "rejected": result.rejected,
        })


def _write_refused(row: int, exc: PalermoError) -> _Refused:
    """A rule that depends on the database or an earlier row refused ``row``: undo them all."""
    if isinstance(exc, ValidationFailed):
        return _Refused("write_refused", [RowError(row, k.split(".")[-1], v) for k, v in exc.fields.items()]
                        or [RowError(row, None, exc.message)])
    return _Refused("write_refused", [RowError(row, None, exc.message)])


def _reject(rejects: _Rejects | None, header: list[str], row: int, values: list[str], dup: Duplicate | None,
            *, actor) -> None:
    """One rejected row to the rejects file, with its reasons (found again: pass 1 kept none)."""
    if rejects is None:
        return
    if dup is not None:
        errors = [RowError(row, None, dup.message)]
    else:
        problem = shape_error(row, values, header)
        errors = [problem] if problem else row_referral(dict(zip(header, values, strict=True)), row, actor=actor)[1]
    rejects.write(header, row, values, errors)


def _audit_failure(*, actor, result: ImportResult, reason: str) -> None:
    detail = {"reason": reason, "rows": result.rows, "invalid_rows": result.invalid_rows,
              "errors": result.error_count, "bytes": result.bytes}
    if result.sha256:
        detail["file_sha256"] = result.sha256
    with transaction.atomic():
        audit_record(actor=actor, action="referral.import_failed", object_type="nrm.referral", detail=detail)


class _Rejects:
    """The rejects file: created 0600 with O_EXCL (never over an existing file), UTF-8 (a byte
    that was not UTF-8 in the input is written as U+FFFD), every cell formula-safe."""

    def __init__(self, path: Path, fh):
        self.path, self._fh, self._writer = path, fh, None

    @classmethod
    def create(cls, path: Path) -> _Rejects:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise _Refused("rejects_file_exists", [RowError(None, None, (
                f"The rejects file {path} already exists: it may hold rejected rows (personal data) from an "
                "earlier import. Deal with it and delete it, or choose another file with --rejects. "
                "Nothing was read or written"))]) from None
        except OSError as exc:
            raise _Refused("rejects_file_error", [RowError(None, None, f"The rejects file {path} cannot be created: {exc.strerror}")]) from None
        return cls(path, os.fdopen(fd, "w", newline="", encoding="utf-8", errors="replace"))

    def write(self, header: list[str], row: int, values: list[str], errors: list[RowError]) -> None:
        if self._writer is None:
            self._writer = safe_writer(self._fh)
            self._writer.writerow([*header, "row", "errors"])
        cells = (list(values) + [""] * len(header))[: len(header)]
        reasons = "; ".join(f"{e.column}: {e.message}" if e.column else e.message for e in errors)
        self._writer.writerow([*cells, str(row), reasons])

    def close(self, *, keep: bool) -> None:
        self._fh.close()
        if not keep:
            Path(self.path).unlink(missing_ok=True)
