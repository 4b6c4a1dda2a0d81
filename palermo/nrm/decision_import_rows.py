"""One row of a historic decisions CSV (``palermo import decisions``): its columns, and how it
becomes a ``HistoricDecisionIn`` or errors in plain words. Every value is a code, a date or a
reference, trimmed of surrounding spaces; dates are ``YYYY-MM-DD`` only, as in the referrals
file (docs/import.md)."""

from __future__ import annotations

from pydantic import ValidationError

from palermo.core.csvread import non_utf8_byte
from palermo.nrm.historic import HistoricDecisionIn
from palermo.nrm.import_rows import LIST_SEP, RowError, _plain, parse_date

COLUMNS = [
    "external_reference", "first_responder_org", "kind", "outcome", "decided_on", "decision_maker_org",
    "reason_codes", "reviewed_on", "reviewer_org",
]
REQUIRED_COLUMNS = ["external_reference", "kind", "outcome", "decided_on", "decision_maker_org", "reason_codes"]
_DATES = {"decided_on", "reviewed_on"}


def row_decision(values: dict[str, str], row: int) -> tuple[HistoricDecisionIn | None, list[RowError]]:
    """The row as a ``HistoricDecisionIn`` and no errors, or None and every error found."""
    encoding = [RowError(row, col, "This value is not UTF-8 text (it has the byte "
                                   f"{b:02X}). Save the file as CSV UTF-8 and import it again")
                for col, v in values.items() if (b := non_utf8_byte(v)) is not None]
    if encoding:
        return None, encoding
    payload: dict = {}
    errors: list[RowError] = []
    for col in COLUMNS:
        value = (values.get(col) or "").strip()
        if col == "reason_codes":
            payload[col] = [v.strip() for v in value.split(LIST_SEP) if v.strip()]
        elif col in _DATES:
            if value:
                parsed, problem = parse_date(value)
                if problem:
                    errors.append(RowError(row, col, problem))
                else:
                    payload[col] = parsed
            elif col in REQUIRED_COLUMNS:
                errors.append(RowError(row, col, "Enter the date of the decision"))
        elif value or col in REQUIRED_COLUMNS:
            payload[col] = value
    if errors:
        return None, errors
    try:
        return HistoricDecisionIn.model_validate(payload), []
    except ValidationError as exc:
        return None, [RowError(row, *_plain(e)) for e in exc.errors()]
