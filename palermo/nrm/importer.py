"""Bulk import of referrals from CSV.

Every row is validated first, against the same rules as the API and the pages. Errors are
reported as row number (the header is row 1), column and reason. Nothing is written unless the
whole file is valid — or, with ``skip_invalid``, the valid rows are written and the invalid
ones go to a rejects file with their reasons. See docs/import.md for the columns.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from pydantic import ValidationError

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, PalermoError, ValidationFailed
from palermo.nrm import services
from palermo.nrm.schemas import ReferralIn

LIST_SEP = ";"
REQUIRED_COLUMNS = ["received_on", "nation", "exploitation_types", "under_18", "consent"]
REFERRAL_COLUMNS = [
    "received_on", "nation", "police_force_area", "exploitation_location", "exploitation_country",
    "exploitation_types", "indicators", "flags", "age_at_exploitation", "under_18", "local_authority",
    "consent", "immigration_enforcement", "anonymous", "first_responder_org", "narrative",
]
PERSON_COLUMNS = [
    "given_name", "family_name", "aliases", "date_of_birth", "dob_precision", "claimed_age", "assessed_age",
    "gender", "nationalities", "languages", "interpreter_needed", "contact_details",
]
ALL_COLUMNS = REFERRAL_COLUMNS + PERSON_COLUMNS
LIST_COLUMNS = {"exploitation_types", "indicators", "flags", "aliases", "nationalities", "languages"}
BOOL_COLUMNS = {"immigration_enforcement", "anonymous", "interpreter_needed"}
_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)


def _row_to_payload(raw: dict[str, str], rownum: int) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []
    referral: dict = {}
    person: dict = {}
    for col in ALL_COLUMNS:
        value = (raw.get(col) or "").strip()
        if col in LIST_COLUMNS:
            parsed = [v.strip() for v in value.split(LIST_SEP) if v.strip()]
        elif col in BOOL_COLUMNS:
            if value.lower() not in _TRUE | _FALSE:
                errors.append(RowError(rownum, col, f"Enter yes or no, not {value!r}"))
                continue
            parsed = value.lower() in _TRUE
        else:
            parsed = value
        if col in PERSON_COLUMNS:
            if parsed not in ("", [], False):
                person[col] = parsed if parsed != "" else None
        elif parsed != "" or col in REQUIRED_COLUMNS:
            referral[col] = parsed
    if person:
        referral["person"] = person
    return referral, errors


def _column_for(loc: tuple) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return parts[-1] if parts else "(row)"


def import_referrals(
    *, actor, path: Path, skip_invalid: bool = False, rejects_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate every row, then write all (or, with ``skip_invalid``, the valid ones)."""
    if not actor.has_perm("nrm.create_referral"):
        raise NotAllowed("Only first responders can import referrals")
    result = ImportResult()
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.errors.append(RowError(0, "(file)", f"The file is not UTF-8 text: {exc}"))
        return result
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in ALL_COLUMNS]
    if missing or unknown:
        if missing:
            result.errors.append(RowError(1, ", ".join(missing), "Required column is missing"))
        if unknown:
            result.errors.append(RowError(1, ", ".join(unknown), "Unknown column"))
        return result
    rows = list(reader)
    result.rows = len(rows)
    valid: list[tuple[int, ReferralIn, dict]] = []
    invalid: list[tuple[int, dict, list[RowError]]] = []
    for i, raw in enumerate(rows, start=2):
        payload, errs = _row_to_payload(raw, i)
        data = None
        if not errs:
            try:
                data = ReferralIn.model_validate(payload)
            except ValidationError as exc:
                errs = [RowError(i, _column_for(e["loc"]), e["msg"]) for e in exc.errors()]
        if data is not None:
            rule_errors = services.referral_validate(actor=actor, data=data)
            errs = [RowError(i, k.split(".")[-1], v) for k, v in rule_errors.items()]
        if errs:
            invalid.append((i, raw, errs))
            result.errors.extend(errs)
        else:
            valid.append((i, data, raw))
        if progress:
            progress(i - 1, result.rows * 2)
    if invalid and not skip_invalid:
        return result
    with transaction.atomic():
        for n, (i, data, _raw) in enumerate(valid, start=1):
            try:
                services.referral_create(actor=actor, data=data)
            except PalermoError as exc:  # a rule that depends on earlier rows; undo everything
                fields = exc.fields if isinstance(exc, ValidationFailed) else {}
                raise ValidationFailed(f"row {i}: {exc.message} {fields}".strip(), fields) from exc
            result.written += 1
            if progress:
                progress(result.rows + n, result.rows * 2)
        # The file by its digest, never its name: a name is whatever the sender saved it as and
        # often names the person; the digest still tells an auditor holding the file which it was.
        audit_record(actor=actor, action="referral.import", object_type="nrm.referral",
                     detail={"file_sha256": hashlib.sha256(raw_bytes).hexdigest(), "rows": result.rows,
                             "written": result.written, "rejected": len(invalid)})
    result.rejected_rows = [i for i, _, _ in invalid]
    if invalid and rejects_path is not None:
        with rejects_path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=[*header, "row", "errors"])
            w.writeheader()
            for i, raw, errs in invalid:
                w.writerow({**raw, "row": i, "errors": "; ".join(f"{e.column}: {e.message}" for e in errs)})
    return result
