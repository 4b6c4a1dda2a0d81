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


# --- workbooks: OpenDocument (ODS) and Excel (XLSX) -------------------------------------------
#
# A sheet is a name and its rows; a cell is text (neutralised like every CSV cell), a whole or
# decimal number, or None (empty). Both writers give the same bytes for the same sheets: the
# document's dates and every file's time inside the zip are the ``fixed`` time given (a release
# uses the last day of its period), never the moment of writing, so anyone can rebuild a
# published file and compare its SHA-256.

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def zip_fixed_times(data: bytes, *, date_time: tuple = ZIP_EPOCH) -> bytes:
    """The same zip with every entry's time set to ``date_time`` and its permissions to 0644, in
    the same order with the same compression."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _sheet_value(value):
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return safe_cell(str(value))


def xlsx_bytes(sheets: list[tuple[str, list[list]]], *, fixed, title: str = "") -> bytes:
    """An Excel workbook (openpyxl) of ``sheets``; ``fixed`` (a datetime) is its created and
    modified time."""
    import io
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        for row in rows:
            ws.append([_sheet_value(v) for v in row])
        for cell in ws[1] if rows else ():
            cell.font = Font(bold=True)
    wb.properties.creator = "Palermo"
    wb.properties.title = title or None
    wb.properties.created = wb.properties.modified = fixed.replace(tzinfo=None)
    buf = io.BytesIO()
    archive = ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # not save_workbook(), which stamps the time of writing
    return zip_fixed_times(buf.getvalue())


_ODS_LOCK = __import__("threading").Lock()


def ods_bytes(sheets: list[tuple[str, list[list]]], *, fixed, title: str = "") -> bytes:
    """An OpenDocument spreadsheet (odfpy) of ``sheets``; ``fixed`` is its creation date.

    odfpy declares, in every document, each XML namespace any document of the process has used so
    far (one dictionary shared by all its elements), so the bytes would depend on what was written
    before. Every document here declares all of odfpy's namespaces, in a fixed order, instead."""
    with _ODS_LOCK:
        return _ods_bytes(sheets, fixed=fixed, title=title)


def _ods_bytes(sheets: list[tuple[str, list[list]]], *, fixed, title: str) -> bytes:
    import io

    from odf import dc, meta
    from odf.element import Element
    from odf.namespaces import nsdict
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    Element.namespaces.clear()
    Element.namespaces.update(sorted(nsdict.items(), key=lambda item: item[1]))
    doc = OpenDocumentSpreadsheet()
    stamp = fixed.replace(tzinfo=None).isoformat()
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))
    if title:
        doc.meta.addElement(dc.Title(text=title))
    bold = Style(name="heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    for name, rows in sheets:
        table = Table(name=name[:31])
        for i, row in enumerate(rows):
            tr = TableRow()
            for value in row:
                value = _sheet_value(value)
                if value is None:
                    tc = TableCell()
                elif isinstance(value, int | float):
                    tc = TableCell(valuetype="float", value=value)
                    tc.addElement(P(text=str(value)))
                else:
                    tc = TableCell(valuetype="string", stylename=bold if i == 0 else None)
                    tc.addElement(P(text=value))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return zip_fixed_times(buf.getvalue())
