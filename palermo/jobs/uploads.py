"""Files uploaded for a background job (a referrals CSV from the import page): kept encrypted,
in a private folder, only until the job is done with them.

* The request never writes the plain file to disk: ``BoundedMemoryUpload`` keeps the upload in
  memory, refusing more than ``PALERMO_IMPORT_UPLOAD_MAX_BYTES`` (the rest of the body is read
  and dropped), and every other request refuses files outright (``NoFileUploads``, the default
  upload handler).
* ``upload_store`` encrypts the bytes with the data keys (Fernet, as encrypted columns are) into
  ``PALERMO_JOB_FILES_DIR/uploads/<random name>`` (folder 0700, file 0600). The job holds the
  random name only.
* ``upload_plain`` gives the job a plain copy for the import's two passes in the same private
  folder (0600) and deletes it when the import returns, however it ends.
* ``upload_remove`` deletes the encrypted file once the job no longer needs it (the import
  finished or refused the file); an upload whose job stopped on an error is kept so that
  "Retry this job" can run it again.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from palermo.core.crypto import fernet

_NAME = re.compile(r"[0-9a-f]{32}")


def max_upload_bytes() -> int:
    return int(getattr(settings, "PALERMO_IMPORT_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


class NoFileUploads(FileUploadHandler):
    """The default upload handler: a file sent to any page but an upload page is refused (400),
    as it was before there was an upload page (``DATA_UPLOAD_MAX_NUMBER_FILES = 0``)."""

    def new_file(self, *args, **kwargs):
        raise TooManyFilesSent("This page does not take files")

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - new_file refused it
        return None

    def file_complete(self, file_size):  # pragma: no cover
        return None


class BoundedMemoryUpload(FileUploadHandler):
    """An upload page's handler: one file, in memory, at most ``limit`` bytes. A larger file is
    read to its end and dropped; the form then says it is too large (``too_large``)."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_upload_bytes() if limit is None else limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buf, self.size, self.too_large = io.BytesIO(), 0, False

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_large = True
            self.buf = io.BytesIO()  # drop what was kept
        elif not self.too_large:
            self.buf.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buf.seek(0)
        upload = InMemoryUploadedFile(file=self.buf, field_name=self.field_name, name=self.file_name,
                                      content_type=self.content_type, size=self.size, charset=self.charset,
                                      content_type_extra=self.content_type_extra)
        upload.too_large = self.too_large
        return upload


def _folder() -> Path:
    folder = Path(settings.PALERMO_JOB_FILES_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _path(name: str) -> Path:
    if not _NAME.fullmatch(name or ""):
        raise ValueError("not an upload's name")
    return _folder() / f"{name}.fernet"


def upload_store(data: bytes) -> str:
    """Encrypt ``data`` into a new file (0600, never over another); its random name."""
    name = secrets.token_hex(16)
    token = fernet().encrypt(data)
    fd = os.open(_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(token)
    return name


def upload_exists(name: str) -> bool:
    try:
        return _path(name).is_file()
    except ValueError:
        return False


@contextlib.contextmanager
def upload_plain(name: str) -> Iterator[Path]:
    """A plain copy of the upload (0600, in the private folder) for the length of the block."""
    data = fernet().decrypt(_path(name).read_bytes())
    fd, tmp = tempfile.mkstemp(prefix="import-", suffix=".csv", dir=_folder())  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def upload_remove(name: str) -> None:
    with contextlib.suppress(ValueError):
        _path(name).unlink(missing_ok=True)
