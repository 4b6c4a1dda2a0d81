"""Encrypted, consistent backups of the whole database, and restoring them into an empty one.

* :mod:`.key` — the backup key: separate from the data keys, refused if it is one of them.
* :mod:`.fileformat` — the encrypted file: AES-256-GCM in chunks whose number and "last chunk"
  flag are authenticated, so a flipped byte, a reordered, missing or appended chunk and a
  truncated file are all detected.
* :mod:`.archive` — what the encrypted stream holds: a header (format, Palermo version, database
  engine, migrations, tables with their columns and row counts), then every row, compressed.
* :mod:`.tables` — which tables are backed up and how each column's values are written and read
  back, the same way on SQLite and PostgreSQL.
* :mod:`.create` — ``backup_create``: one consistent snapshot of every table, while Palermo runs.
* :mod:`.restore` — ``backup_restore``: migrations, every row and the sequences in one
  transaction, into an empty database only.

Encrypted identifier columns are copied as their Fernet ciphertext: a backup never decrypts
personal data, so restoring it needs the data keys as well as the backup key (keep them apart).
"""

from palermo.core.exceptions import PalermoError


class BackupError(PalermoError):
    """A backup or restore that cannot go ahead; the message says why in plain words."""

    code = "backup_refused"
