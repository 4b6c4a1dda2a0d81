"""What an encrypted backup holds: a header, then every table's rows, then a trailer.

The plaintext inside the encrypted chunks is zlib-compressed JSON, one line per item:

* line 1, the **header**, in chunk(s) of its own so a restore can check compatibility before
  it reads any data or writes anything::

      {"format": "palermo-backup", "format_version": 1, "palermo_version": "0.1.0",
       "engine": "sqlite", "created_at": "2026-…+00:00",
       "migrations": [["accounts", "0001_initial"], …],
       "tables": [{"table": "people_person", "model": "people.person", "pk": "id",
                   "auto_pk": true, "columns": [["id", "int"], ["given_name", "text"], …],
                   "rows": 308}, …],
       "not_included": []}

* then, table by table in header order, exactly ``rows`` lines per table, each a JSON array
  of the row's values in ``columns`` order (encoded as :mod:`.tables` says for each kind);
* last, the **trailer**: ``{"end": true, "tables": N, "rows": total}``.

Encrypted columns hold their Fernet ciphertext here, exactly as in the database.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from palermo.core.backups.fileformat import FORMAT_VERSION, BackupFileError, EncryptedReader, EncryptedWriter

FORMAT_NAME = "palermo-backup"
_HEADER_KEYS = {"format", "format_version", "palermo_version", "engine", "created_at", "migrations", "tables"}


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=True).encode("utf-8") + b"\n"


class ArchiveWriter:
    """Write a header, rows and a trailer through an :class:`EncryptedWriter`."""

    def __init__(self, fh: BinaryIO, key: bytes, header: dict, **writer_options):
        self._enc = EncryptedWriter(fh, key, **writer_options)
        self._z = zlib.compressobj(6)
        self.rows_written = 0
        self._enc.write(self._z.compress(_line({"format": FORMAT_NAME, "format_version": FORMAT_VERSION, **header})))
        self._enc.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._enc.end_chunk()

    def row(self, values: list) -> None:
        self._enc.write(self._z.compress(_line(values)))
        self.rows_written += 1

    def close(self, *, tables: int) -> int:
        """Write the trailer and the last chunk; return the file's size in bytes."""
        self._enc.write(self._z.compress(_line({"end": True, "tables": tables, "rows": self.rows_written})))
        self._enc.write(self._z.flush())
        self._enc.close()
        return self._enc.bytes_written


class ArchiveReader:
    """Read a backup written by :class:`ArchiveWriter`. The header is read and checked on
    construction; :meth:`tables` then gives each table's rows in order and, once they are all
    read, checks the trailer and the end of the file."""

    def __init__(self, fh: BinaryIO, key: bytes):
        self._enc = EncryptedReader(fh, key)
        self._chunks = self._enc.chunks()
        self._z = zlib.decompressobj()
        self._lines = self._iter_lines()
        first = next(self._lines, None)
        header = self._parse(first, "header")
        if not isinstance(header, dict) or header.get("format") != FORMAT_NAME or not _HEADER_KEYS <= header.keys():
            raise BackupFileError("This backup's header is not one this Palermo understands.")
        if header["format_version"] != FORMAT_VERSION:
            raise BackupFileError(
                f"This backup's content is in format version {header['format_version']}; "
                f"this Palermo reads format version {FORMAT_VERSION} only."
            )
        self.header = header

    @property
    def bytes_read(self) -> int:
        return self._enc.bytes_read

    def _iter_lines(self) -> Iterator[bytes]:
        pending = b""
        for chunk in self._chunks:
            try:
                data = self._z.decompress(chunk)
            except zlib.error as exc:
                raise BackupFileError(f"This backup's content cannot be decompressed ({exc}).") from None
            pending += data
            *lines, pending = pending.split(b"\n")
            yield from lines
        if not self._z.eof or self._z.unused_data or pending:
            raise BackupFileError("This backup's content ends unexpectedly.")

    @staticmethod
    def _parse(line: bytes | None, what: str):
        if line is None:
            raise BackupFileError(f"This backup ends before its {what}.")
        try:
            return json.loads(line)
        except ValueError:
            raise BackupFileError(f"This backup's {what} is not readable.") from None

    def tables(self) -> Iterator[tuple[dict, Iterator[list]]]:
        """``(table description, its rows)`` for each table in the header, in order. Each table's
        rows must be read (or skipped) before the next table is asked for."""
        total = 0
        for spec in self.header["tables"]:
            rows = self._rows(spec)
            yield spec, rows
            for _ in rows:  # whatever the caller did not read
                pass
            total += spec["rows"]
        trailer = self._parse(next(self._lines, None), "trailer")
        if trailer != {"end": True, "tables": len(self.header["tables"]), "rows": total}:
            raise BackupFileError("This backup's trailer does not match its header (rows missing or extra).")
        if next(self._lines, None) is not None:
            raise BackupFileError("This backup has content after its trailer.")

    def _rows(self, spec: dict) -> Iterator[list]:
        width = len(spec["columns"])
        for _ in range(spec["rows"]):
            row = self._parse(next(self._lines, None), f"row of {spec['table']}")
            if not isinstance(row, list) or len(row) != width:
                raise BackupFileError(f"A row of {spec['table']} in this backup does not match the header's columns.")
            yield row
