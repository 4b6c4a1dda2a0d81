"""The encrypted backup file: a short plaintext preamble, then AES-256-GCM chunks.

Layout (all integers big-endian)::

    preamble   magic "PLMBKUP\\0" (8) | format version (2) | key id (8) | salt (32)
    chunk i    last-chunk flag (1: 0 or 1) | ciphertext length (4) | ciphertext with its tag

Each file has its own key, derived with HKDF-SHA256 from the backup key and the file's random
salt, so the chunk number can serve as the nonce. Every chunk is authenticated together with
the whole preamble, its number and its flag (the associated data), which is how a flipped byte
anywhere, chunks swapped or copied from another file, a missing last chunk (truncation) and
anything after the last chunk (appending) are all refused. The format version is checked
before anything is decrypted; the key id (a keyed fingerprint) lets a wrong key be named as
such rather than as damage.

Chunks are written and read one at a time, so neither side holds the whole backup in memory.
"""

from __future__ import annotations

import hmac
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from palermo.core.backups import BackupError
from palermo.core.backups.key import key_id

MAGIC = b"PLMBKUP\x00"
FORMAT_VERSION = 1
_PREAMBLE = struct.Struct(">8sH8s32s")
_FRAME = struct.Struct(">BI")
CHUNK_BYTES = 64 * 1024
#: The largest chunk a reader accepts (a writer may choose a larger chunk size than the default).
MAX_CHUNK_BYTES = 16 * 1024 * 1024
_TAG = 16


class BackupFileError(BackupError):
    """The file is not a backup this Palermo can read, was made with another key, or was
    altered, damaged, truncated or extended since it was written."""

    code = "backup_file_refused"


def _file_key(key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"palermo backup v1 chunks").derive(key)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _aad(preamble: bytes, index: int, last: bool) -> bytes:
    return preamble + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


class EncryptedWriter:
    """Write plaintext to ``fh`` as encrypted chunks. Call :meth:`close` to write the last chunk;
    a file without it is refused as truncated."""

    def __init__(self, fh: BinaryIO, key: bytes, *, chunk_bytes: int = CHUNK_BYTES):
        if not 0 < chunk_bytes <= MAX_CHUNK_BYTES - _TAG:
            raise ValueError("chunk size out of range")
        salt = os.urandom(32)
        self._preamble = _PREAMBLE.pack(MAGIC, FORMAT_VERSION, key_id(key), salt)
        self._aead = AESGCM(_file_key(key, salt))
        self._fh, self._chunk_bytes = fh, chunk_bytes
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        fh.write(self._preamble)
        self.bytes_written = len(self._preamble)

    def _emit(self, data: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index), bytes(data), _aad(self._preamble, self._index, last))
        self._fh.write(_FRAME.pack(1 if last else 0, len(sealed)))
        self._fh.write(sealed)
        self.bytes_written += _FRAME.size + len(sealed)
        self._index += 1

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("writer is closed")
        self._buffer += data
        while len(self._buffer) >= self._chunk_bytes:
            self._emit(self._buffer[: self._chunk_bytes], last=False)
            del self._buffer[: self._chunk_bytes]

    def end_chunk(self) -> None:
        """Write what is buffered as a chunk of its own now (so a reader gets, for example, the
        header from the first chunk alone)."""
        if self._buffer:
            self._emit(self._buffer, last=False)
            self._buffer.clear()

    def close(self) -> None:
        if not self._closed:
            self._emit(self._buffer, last=True)
            self._buffer.clear()
            self._closed = True


class EncryptedReader:
    """Check a backup's preamble against ``key``, then give its plaintext chunk by chunk
    (:meth:`chunks`), refusing the first one that does not authenticate."""

    def __init__(self, fh: BinaryIO, key: bytes):
        raw = fh.read(_PREAMBLE.size)
        if len(raw) < len(MAGIC) or raw[: len(MAGIC)] != MAGIC:
            raise BackupFileError("This file is not a Palermo backup (it does not start with the backup marker).")
        if len(raw) < _PREAMBLE.size:
            raise BackupFileError("This backup is truncated: it ends inside its preamble.")
        _, version, file_key_id, salt = _PREAMBLE.unpack(raw)
        if version != FORMAT_VERSION:
            raise BackupFileError(
                f"This backup is in format version {version}; this Palermo reads format version {FORMAT_VERSION} only. "
                "Restore it with the Palermo version that made it."
            )
        if not hmac.compare_digest(file_key_id, key_id(key)):
            raise BackupFileError(
                "This backup was made with a different backup key. Set PALERMO_BACKUP_KEY (or PALERMO_BACKUP_KEY_FILE) "
                "to the key in use when it was made."
            )
        self._fh, self._preamble = fh, raw
        self._aead = AESGCM(_file_key(key, salt))
        self.bytes_read = len(raw)

    def chunks(self) -> Iterator[bytes]:
        """Each chunk's plaintext, in order. Ends only after the last chunk has authenticated and
        nothing follows it."""
        index = 0
        while True:
            frame = self._fh.read(_FRAME.size)
            if len(frame) < _FRAME.size:
                raise BackupFileError(
                    f"This backup is truncated: it ends after {index} chunks, before its last chunk."
                )
            flag, length = _FRAME.unpack(frame)
            if flag not in (0, 1) or not _TAG <= length <= MAX_CHUNK_BYTES:
                raise BackupFileError(f"This backup is damaged or was altered: chunk {index + 1} has an invalid frame.")
            sealed = self._fh.read(length)
            if len(sealed) < length:
                raise BackupFileError(f"This backup is truncated: it ends inside chunk {index + 1}.")
            last = flag == 1
            try:
                plain = self._aead.decrypt(_nonce(index), sealed, _aad(self._preamble, index, last))
            except InvalidTag:
                raise BackupFileError(
                    f"This backup is damaged or was altered: chunk {index + 1} does not authenticate "
                    "(a changed byte, or chunks removed, reordered or taken from another file)."
                ) from None
            self.bytes_read += _FRAME.size + length
            yield plain
            index += 1
            if last:
                if self._fh.read(1):
                    raise BackupFileError("This backup was altered: there is data after its last chunk.")
                return
