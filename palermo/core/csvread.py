"""Reading a CSV file that someone else wrote: streamed, bounded, and exact.

* **Streamed**: rows come one at a time from the open file; memory does not grow with the file.
* **Bounded**: one row may hold at most ``MAX_ROW_CHARS`` characters, however they are spread
  over lines or values. A 10 MB value, a million-column line, a quote that is never closed
  (which would swallow the rest of the file into one value) or a file with no line breaks at
  all stops reading at that row with a plain reason, before it is held in memory.
* **Exact**: the file is decoded as UTF-8 (a byte order mark is allowed, as spreadsheets write
  one) and parsed by the csv module with ``newline=""``, so a line break inside a quoted value
  — CRLF, LF or CR — is kept as written, and U+2028, U+2029 and U+0085 are ordinary characters
  inside a value, never the end of a row. Rows may end in CRLF, LF or CR, mixed.
* **Honest about encoding**: a byte that is not UTF-8 is kept (as a lone surrogate, Python's
  "surrogateescape") so that :func:`non_utf8_byte` can say which row and column it is in;
  UTF-16 text, spreadsheet files (xlsx, ods, xls) and empty files are refused by name.

Row numbers are those a spreadsheet shows: the header is row 1, and a row whose values span
several lines is still one row. The SHA-256 of the bytes read is kept, so a caller can tell
that two passes over a file read the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

MAX_ROW_CHARS = 100_000
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods); OLE (xls)
_SAVE_AS = "Save it as CSV UTF-8 and import it again."


class Unreadable(Exception):
    """The file cannot be read past this point. ``row`` is None for the file as a whole."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


class _RowTooLong(Exception):
    pass


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def non_utf8_byte(value: str) -> int | None:
    """The first byte of ``value`` that was not UTF-8 in the file (kept as a surrogate), or None."""
    found = _ESCAPED_BYTE.search(value)
    return ord(found.group()) - 0xDC00 if found else None


class _HashingRaw(io.RawIOBase):
    """The file's bytes as read, counted and hashed on the way through."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.sha256.update(memoryview(buffer)[:n])
            self.bytes_read += n
        return n


class _BoundedLines:
    """Lines for the csv reader, at most ``limit`` characters for one row (``start_row``
    resets the count: the csv reader asks for exactly the lines of the row it is reading)."""

    def __init__(self, text: io.TextIOBase, limit: int):
        self._text, self._limit, self._used = text, limit, 0

    def start_row(self) -> None:
        self._used = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._text.readline(self._limit - self._used + 1)
        if not line:
            raise StopIteration
        self._used += len(line)
        if self._used > self._limit:
            raise _RowTooLong
        return line


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "expected after" in text:
        return ("has a quote (\") in the wrong place: a value that starts with a quote must end with one, "
                "followed by a comma. Put quotes round the whole value and write each quote inside it twice")
    if "unexpected end of data" in text:
        return "opens a quote (\") that is never closed"
    if "field larger than field limit" in text:
        return f"has a value longer than {csv.field_size_limit():,} characters"
    return f"cannot be read as CSV ({text})"


class CsvFile:
    """The header and rows of a CSV file opened in binary mode (``open(path, "rb", buffering=0)``).

    ``header`` is read on creation (raising :class:`Unreadable` for an empty, UTF-16, binary or
    spreadsheet file); :meth:`rows` then yields ``(row number, values)`` from row 2 and raises
    :class:`Unreadable` at the first row that cannot be read. After the last row,
    ``sha256`` and ``bytes_read`` describe exactly the bytes that were parsed.
    """

    def __init__(self, raw: BinaryIO, *, max_row_chars: int = MAX_ROW_CHARS):
        self._hashing = _HashingRaw(raw)
        buffered = io.BufferedReader(self._hashing, buffer_size=1 << 16)
        start = buffered.peek(8)[:8]
        if not start:
            raise Unreadable("The file is empty: it needs a header row, then one referral a row")
        if start.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Unreadable(f"The file is UTF-16 text, not UTF-8. {_SAVE_AS}")
        if start.startswith(_SPREADSHEET_MAGIC):
            raise Unreadable(f"This is a spreadsheet file (xlsx, ods or xls), not a CSV file. {_SAVE_AS}")
        self._text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
        self._lines = _BoundedLines(self._text, max_row_chars)
        self._max = max_row_chars
        self._reader = csv.reader(self._lines, strict=True)
        self._row = 1
        self.header = self._next()
        if self.header is None:
            raise Unreadable("The file is empty: it needs a header row, then one referral a row")
        joined = "".join(self.header)
        if "\x00" in joined:
            raise Unreadable(f"The header row has NUL characters: the file is UTF-16 text or not a text file. {_SAVE_AS}", 1)
        if non_utf8_byte(joined) is not None:
            raise Unreadable(f"The header row is not UTF-8 text: the file is in another encoding or not a text file. {_SAVE_AS}", 1)

    def _next(self) -> list[str] | None:
        self._lines.start_row()
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except _RowTooLong:
            raise Unreadable(
                f"This row is longer than {self._max:,} characters: a value is far too long, or a quote (\") "
                "is never closed. The rows after it were not checked", self._row) from None
        except csv.Error as exc:
            raise Unreadable(f"This row {_csv_problem(exc)}. The rows after it were not checked", self._row) from None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            self._row += 1
            values = self._next()
            if values is None:
                return
            yield self._row, values

    @property
    def sha256(self) -> str:
        return self._hashing.sha256.hexdigest()

    @property
    def bytes_read(self) -> int:
        return self._hashing.bytes_read
