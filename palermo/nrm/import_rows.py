"""One row of a referrals CSV: its columns, and how it becomes a ``ReferralIn`` or a list of
errors in plain words ("row 7, column date_of_birth: 31 February 2020 is not a real date").

The row is checked against exactly what the API and the pages are checked against (the
``ReferralIn`` schema, then ``services.referral_validate``); this module only turns cells into
values and pydantic's messages into words a person with a spreadsheet can act on. Names and
free text are stored as written: codes and names are trimmed of surrounding spaces, free text
(narrative, contact details) is not touched at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import ValidationError

from palermo.core.csvread import non_utf8_byte
from palermo.nrm import services
from palermo.nrm.schemas import ReferralIn

LIST_SEP = ";"
REQUIRED_COLUMNS = ["received_on", "nation", "exploitation_types", "under_18", "consent"]
REFERRAL_COLUMNS = [
    "received_on", "nation", "police_force_area", "exploitation_location", "exploitation_country",
    "exploitation_types", "indicators", "flags", "age_at_exploitation", "under_18", "local_authority",
    "consent", "immigration_enforcement", "anonymous", "first_responder_org", "narrative", "external_reference",
]
PERSON_COLUMNS = [
    "given_name", "family_name", "aliases", "date_of_birth", "dob_precision", "claimed_age", "assessed_age",
    "gender", "nationalities", "languages", "interpreter_needed", "contact_details",
]
ALL_COLUMNS = REFERRAL_COLUMNS + PERSON_COLUMNS
LIST_COLUMNS = {"exploitation_types", "indicators", "flags", "aliases", "nationalities", "languages"}
BOOL_COLUMNS = {"immigration_enforcement", "anonymous", "interpreter_needed"}
DATE_COLUMNS = {"received_on", "date_of_birth"}
FREE_TEXT_COLUMNS = {"narrative", "contact_details"}  # stored exactly as written
_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` None is the file as a whole, ``column`` None the row as a whole."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


def label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _shown(value: str, limit: int = 30) -> str:
    """A cell quoted in an error: short, on one line (it may be what is wrong)."""
    value = " ".join(value.split())
    return f"“{value[:limit]}…”" if len(value) > limit else f"“{value}”"


def header_errors(header: list[str], columns: list[str] | None = None,
                  required: list[str] | None = None) -> list[RowError]:
    """Problems with the header row (row 1): missing, unknown, unnamed or repeated columns (of
    the referrals file, unless ``columns`` and ``required`` say otherwise)."""
    columns = ALL_COLUMNS if columns is None else columns
    required = REQUIRED_COLUMNS if required is None else required
    errors = []
    seen = set()
    for i, name in enumerate(header, start=1):
        if not name.strip():
            errors.append(RowError(1, f"column {i}", "This column has no name: name it, or remove it if it is empty"))
        elif name not in columns:
            errors.append(RowError(1, name, "This is not a column Palermo knows: remove it or correct its name. "
                                            f"The columns are: {', '.join(columns)}"))
        elif name in seen:
            errors.append(RowError(1, name, "This column appears more than once: keep one"))
        seen.add(name)
    errors.extend(RowError(1, c, "This required column is missing") for c in required if c not in header)
    return errors


def is_blank(values: list[str]) -> bool:
    """An empty line, or a row of empty cells (spreadsheets write them after the last row)."""
    return not any(v.strip() for v in values)


def shape_error(row: int, values: list[str], header: list[str]) -> RowError | None:
    """A row with more or fewer values than the header has columns, or a repeat of the header."""
    if len(values) > len(header):
        return RowError(row, None, f"This row has {len(values):,} values but the header has {len(header):,} columns: "
                                   "remove the extra values, or put quotes round a value that has a comma in it")
    if len(values) < len(header):
        return RowError(row, None, f"This row has {len(values):,} values but the header has {len(header):,} columns: "
                                   "give every column a value, even an empty one")
    if [v.strip() for v in values] == header:
        return RowError(row, None, "This row repeats the header row: remove it (it often comes from joining two files)")
    return None


def parse_date(value: str) -> tuple[dt.date | None, str | None]:
    """``YYYY-MM-DD`` only (a spreadsheet's 06/05/2024 is ambiguous): the date, or why not."""
    m = _ISO_DATE.fullmatch(value)
    if not m:
        return None, f"Enter the date as YYYY-MM-DD, for example 2024-03-27: {_shown(value)} is not in that form"
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return None, f"{value} is not a real date: there is no month {month}"
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"{day} {_MONTHS[month]} {year} is not a real date"


def _plain(err: dict) -> tuple[str, str]:
    """pydantic's error as (column, message in plain words)."""
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    column = loc[-1] if loc else "(row)"
    kind, ctx, value = err.get("type", ""), err.get("ctx") or {}, err.get("input")
    name = label(column)
    if kind == "string_too_long":
        return column, f"{name} must be {ctx['max_length']:,} characters or fewer"
    if kind == "too_long":
        return column, f"{name} must have {ctx['max_length']:,} or fewer, separated by ;"
    if kind == "too_short":
        return column, f"Enter at least {ctx.get('min_length', 1)} code in {column}"
    if kind == "literal_error":
        shown = _shown(value) if isinstance(value, str) else "it"
        return column, f"Enter {ctx.get('expected', 'one of the allowed values')}, not {shown}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return column, f"Enter {name.lower()} as a whole number, like 16"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return column, f"{name} must be between 0 and 120"
    if kind in {"missing", "string_too_short"}:
        return column, f"Enter {name.lower()}"
    if kind == "string_pattern_mismatch":
        return column, (f"{name} must start and end with a letter or digit and hold only letters, digits and "
                        f"/ - . _ : (no spaces): {_shown(value) if isinstance(value, str) else 'it'} does not")
    message = err.get("msg", "is not valid")
    return column, message.removeprefix("Value error, ")


def _cells(values: dict[str, str], row: int) -> tuple[dict, list[RowError]]:
    """Cells → the payload ``ReferralIn`` expects (lists split, yes/no read, dates parsed)."""
    errors: list[RowError] = []
    referral: dict = {}
    person: dict = {}
    for col in ALL_COLUMNS:
        raw = values.get(col) or ""
        value = raw if col in FREE_TEXT_COLUMNS else raw.strip()
        parsed: object
        if col in LIST_COLUMNS:
            parsed = [v.strip() for v in value.split(LIST_SEP) if v.strip()]
        elif col in BOOL_COLUMNS:
            if value.lower() not in _TRUE | _FALSE:
                errors.append(RowError(row, col, f"Enter yes or no, not {_shown(value)}"))
                continue
            parsed = value.lower() in _TRUE
        elif col in DATE_COLUMNS and value:
            parsed, problem = parse_date(value)
            if problem:
                errors.append(RowError(row, col, problem))
                continue
        else:
            parsed = value
        if col in PERSON_COLUMNS:
            if parsed not in ("", [], False):
                person[col] = parsed
        elif parsed != "" or col in REQUIRED_COLUMNS:
            referral[col] = parsed
    if person:
        referral["person"] = person
    return referral, errors


def row_referral(values: dict[str, str], row: int, *, actor, rules: bool = True,
                 lookups: services.ReferralLookups | None = None) -> tuple[ReferralIn | None, list[RowError]]:
    """The row as a ``ReferralIn`` and no errors, or None and every error found.

    ``rules=False`` skips the service's rules (a caller about to run ``referral_create``, which
    checks them itself, on a row already found valid). ``lookups`` answers the rules' database
    questions (the importer remembers organisations for the whole file)."""
    encoding = [RowError(row, col, "This value is not UTF-8 text (it has the byte "
                                   f"{b:02X}: perhaps a letter such as é saved in another encoding). "
                                   "Save the file as CSV UTF-8 and import it again")
                for col, v in values.items() if (b := non_utf8_byte(v)) is not None]
    if encoding:
        return None, encoding
    payload, errors = _cells(values, row)
    if errors:
        return None, errors
    try:
        data = ReferralIn.model_validate(payload)
    except ValidationError as exc:
        return None, [RowError(row, *_plain(e)) for e in exc.errors()]
    if rules:
        found = services.referral_validate(actor=actor, data=data, lookups=lookups or services.ReferralLookups())
        if found:
            return None, [RowError(row, _rule_column(k), v) for k, v in found.items()]
    return data, []


def _rule_column(field: str) -> str:
    column = field.split(".")[-1]
    return "family_name" if column == "person" else column


# Columns whose values identify a person or hold free text about them: a problem with one is
# shown without any part of the message that could repeat the value.
_IDENTIFYING = set(PERSON_COLUMNS) | FREE_TEXT_COLUMNS | {"external_reference"}
_QUOTED = re.compile(r"“[^”]*”?")


def public_error(err: RowError) -> dict:
    """A problem as the import page shows it (row, column, message) with no value from the file
    in it: the job that keeps it is read later, on a page, by its owner, and may outlive the
    file. Cells quoted in a message become "the value"; a problem with a column that identifies
    a person, or with a date, gets a fixed message naming what to fix; a file-level problem
    (``row`` None) never names the server's path."""
    column = err.column if err.column and len(err.column) <= 60 else (err.column or "")[:60] or None
    if err.row is not None and err.row > 1 and column in _IDENTIFYING:
        message = (f"Correct the {label(column).lower()} in this row: it does not follow the rules for this column. "
                   "The value is not shown here because it may identify someone")
    elif err.row is not None and err.row > 1 and column in DATE_COLUMNS:
        message = "Enter the date as YYYY-MM-DD and make sure it is a real date, for example 2024-03-27"
    elif err.row is None and ("cannot be opened" in err.message or "is not a file" in err.message):
        message = "The file could not be read: upload it again"
    else:
        message = _QUOTED.sub("the value", err.message)
    return {"row": err.row, "column": column, "message": message[:400]}
