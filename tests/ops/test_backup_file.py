"""The encrypted backup file refuses anything but the exact file written with the right key:
a wrong key, a flipped byte, chunks reordered or taken from another backup, a truncated file,
an appended chunk and another format version. No database is needed."""

from __future__ import annotations

import io
import json
import os
import random
import struct

import pytest

from palermo.core.backups.archive import ArchiveReader, ArchiveWriter
from palermo.core.backups.fileformat import BackupFileError

KEY = os.urandom(32)
HEADER = {"palermo_version": "0.1.0", "engine": "sqlite", "created_at": "2026-01-01T00:00:00+00:00",
          "migrations": [["core", "0001_initial"]], "not_included": [],
          "tables": [{"table": "t_a", "model": "x.a", "pk": "id", "auto_pk": True, "columns": [["id", "int"], ["v", "text"]], "rows": 40},
                     {"table": "t_b", "model": "x.b", "pk": "id", "auto_pk": True, "columns": [["id", "int"], ["v", "json"]], "rows": 25}]}  # fmt: skip
PREAMBLE = 50


def rows():
    rng = random.Random(5)
    a = [[i, rng.randbytes(24).hex()] for i in range(1, 41)]  # incompressible: many chunks
    b = [[i, json.dumps({"n": i})] for i in range(1, 26)]
    return a, b


def make(key=KEY, header=HEADER, chunk_bytes=300) -> bytes:
    a, b = rows()
    buf = io.BytesIO()
    w = ArchiveWriter(buf, key, header, chunk_bytes=chunk_bytes)
    for r in a + b:
        w.row(r)
    w.close(tables=2)
    return buf.getvalue()


def read_all(data: bytes, key=KEY) -> dict:
    reader = ArchiveReader(io.BytesIO(data), key)
    return {spec["table"]: list(rs) for spec, rs in reader.tables()}


def chunks(data: bytes) -> list[tuple[int, int]]:
    """(offset, length including the 5-byte frame) of each chunk."""
    out, pos = [], PREAMBLE
    while pos < len(data):
        _, n = struct.unpack(">BI", data[pos : pos + 5])
        out.append((pos, 5 + n))
        pos += 5 + n
    return out


def test_a_backup_reads_back_row_for_row_across_many_chunks():
    data = make()
    assert len(chunks(data)) >= 6
    a, b = rows()
    assert read_all(data) == {"t_a": a, "t_b": b}
    assert ArchiveReader(io.BytesIO(data), KEY).header["tables"][0]["rows"] == 40


def test_the_header_is_readable_from_the_first_chunk_alone():
    """A restore checks compatibility before reading (or writing) any data."""
    data = make()
    first_end = sum(chunks(data)[0])
    header = ArchiveReader(io.BytesIO(data[:first_end]), KEY).header
    assert header["engine"] == "sqlite" and header["migrations"] == [["core", "0001_initial"]]


def test_a_wrong_key_is_refused_by_name():
    with pytest.raises(BackupFileError, match="different backup key"):
        read_all(make(), key=os.urandom(32))


def test_a_flipped_byte_anywhere_is_refused():
    data = make()
    positions = list(range(len(data))) if len(data) < 4000 else list(range(0, len(data), 3))
    for pos in positions:
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        with pytest.raises(BackupFileError):
            read_all(bytes(damaged))


def test_a_truncated_file_is_refused_wherever_it_is_cut():
    data = make()
    cuts = {0, 7, PREAMBLE - 1, PREAMBLE, len(data) - 1}
    for off, n in chunks(data):
        cuts |= {off, off + 3, off + n // 2}
    for cut in sorted(cuts):
        with pytest.raises(BackupFileError, match="truncated|not a Palermo backup"):
            read_all(data[:cut])


def test_a_file_cut_at_a_chunk_and_marked_last_there_is_refused():
    """The last-chunk flag is authenticated: marking an earlier chunk as the last one (to hide
    a truncation) does not pass."""
    data = make()
    off, n = chunks(data)[2]
    forged = bytearray(data[: off + n])
    forged[off] = 1
    with pytest.raises(BackupFileError, match="does not authenticate"):
        read_all(bytes(forged))


def test_an_appended_chunk_or_bytes_are_refused():
    data = make()
    off, n = chunks(data)[-1]
    with pytest.raises(BackupFileError, match="after its last chunk"):
        read_all(data + data[off : off + n])
    with pytest.raises(BackupFileError, match="after its last chunk"):
        read_all(data + b"\x00")


def test_reordered_chunks_are_refused():
    data = make()
    (o1, n1), (o2, n2) = chunks(data)[1:3]
    swapped = data[:o1] + data[o2 : o2 + n2] + data[o1 : o1 + n1] + data[o2 + n2 :]
    assert len(swapped) == len(data)
    with pytest.raises(BackupFileError, match="does not authenticate"):
        read_all(swapped)


def test_a_chunk_from_another_backup_with_the_same_key_is_refused():
    data, other = make(), make()
    (o, n), (p, m) = chunks(data)[2], chunks(other)[2]
    spliced = data[:o] + other[p : p + m] + data[o + n :]
    with pytest.raises(BackupFileError, match="does not authenticate"):
        read_all(spliced)


def test_another_format_version_is_refused_before_decrypting():
    data = bytearray(make())
    data[8:10] = (2).to_bytes(2, "big")
    with pytest.raises(BackupFileError, match="format version 2"):
        read_all(bytes(data), key=os.urandom(32))  # refused on the version, whatever the key
    with pytest.raises(BackupFileError, match="content is in format version 2"):
        read_all(make(header={**HEADER, "format_version": 2}))


def test_a_file_that_is_not_a_backup_is_refused():
    with pytest.raises(BackupFileError, match="not a Palermo backup"):
        read_all(b"SQLite format 3\x00" + os.urandom(200))
    with pytest.raises(BackupFileError, match="not a Palermo backup"):
        read_all(b"")


def test_the_plaintext_is_not_in_the_file():
    secret = "Xanthippa-Vorobyeva-marker"
    buf = io.BytesIO()
    w = ArchiveWriter(buf, KEY, {**HEADER, "tables": [{**HEADER["tables"][0], "rows": 1}]})
    w.row([1, secret])
    w.close(tables=1)
    assert secret.encode() not in buf.getvalue() and b"t_a" not in buf.getvalue()
    assert read_all(buf.getvalue())["t_a"] == [[1, secret]]
