"""Cells for files that people open in a spreadsheet: every CSV Palermo writes.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab, a carriage return or NUL as a formula. A value one person typed (a narrative, a
name in a rejects file, a record id in a linkage file) could then run a formula on another
person's machine when they open the export: ``=HYPERLINK(…)`` sends data away, ``=cmd|…``
starts a program (OWASP "CSV injection"; ASVS 1.2.10). So every CSV writer in Palermo goes
through :func:`safe_cell`: such a cell gets a leading apostrophe, which spreadsheets read as
"this is text" and do not show.

A plain number (``-5``, ``+44``, ``-3.25``) is left alone: it cannot be a formula, and an
apostrophe would turn it into text. Anything else that begins with a formula character,
including ``+44 20 7946 0000`` and ``-5 days``, gets the apostrophe.

The database keeps what was written: formula-like text in a narrative is data. It is
neutralised on the way out, in every export, never on the way in.
"""

from __future__ import annotations

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value):
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula; any value
    that is not text, and any plain number, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_writer(fh, **kwargs) -> _SafeWriter:
    """``csv.writer(fh, **kwargs)`` that neutralises formulas in every cell."""
    return _SafeWriter(csv.writer(fh, **kwargs))


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` that neutralises formulas in every cell (the header too)."""

    def writerow(self, rowdict):
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts):
        for row in rowdicts:
            self.writerow(row)
