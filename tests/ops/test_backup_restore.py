"""``palermo backup`` and ``palermo restore`` on a real database of the engine the suite runs on
(SQLite, or PostgreSQL under ``make test-pg``): a restore gives back every table row for row
and a chain that verifies; a damaged file, a wrong key or a non-empty target change nothing;
the file is private, encrypted, audited, and never holds a plaintext identifier or a data key."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import struct
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings

from palermo.core.audit import audit_verify
from palermo.core.backups import BackupError
from palermo.core.backups.archive import ArchiveReader
from palermo.core.backups.create import backup_create
from palermo.core.backups.restore import backup_restore
from tests.ops.databases import default_database, new_database, palermo
from tests.ops.population import populate_everything, populate_linkable
from tests.security import helpers

pytestmark = pytest.mark.slow

BACKUP_KEY_TEXT = Fernet.generate_key().decode()  # a fresh backup key for this test run
BACKUP_KEY = base64.urlsafe_b64decode(BACKUP_KEY_TEXT)
#: Not compared row for row: recreated by the migrations (django_migrations, compared as a set
#: below) or kept by SQLite itself (sqlite_sequence, checked through the ids new rows get).
NOT_COMPARED = {"django_migrations", "sqlite_sequence"}


@pytest.fixture(scope="module")
def source(tmp_path_factory, django_db_blocker):
    """A populated database and a backup of it made by the ``palermo backup`` command."""
    tmp = tmp_path_factory.mktemp("backup")
    db = new_database(tmp, "source", migrated=True)
    # Module-wide, so keep any audit anchors this writes away from the data folder's own file.
    with django_db_blocker.unblock(), default_database(db), override_settings(
        PALERMO_AUDIT_ANCHOR_FILE=str(tmp / "audit-anchors.jsonl")
    ):
        populate_everything(cases=30)
        populate_linkable(people=100, copies=5)  # ciphertext does not compress: a backup of several chunks
    before = db.dump(exclude=NOT_COMPARED)
    file = tmp / "palermo.backup"
    run = palermo(db, "backup", str(file), PALERMO_BACKUP_KEY=BACKUP_KEY_TEXT)
    yield SimpleNamespace(db=db, file=file, before=before, run=run)
    db.drop()


@pytest.fixture
def target(tmp_path, django_db_blocker, monkeypatch):
    """A new, empty database that Django's default connection points at during the test."""
    monkeypatch.setenv("PALERMO_BACKUP_KEY", BACKUP_KEY_TEXT)
    db = new_database(tmp_path, "target")
    with django_db_blocker.unblock(), default_database(db):
        yield db
    db.drop()


def audit_rows(dump: dict) -> dict[int, tuple]:
    return {row[0]: row for row in dump["core_auditevent"]}


def test_backup_is_private_summarised_and_audited_with_counts_only(source):
    assert stat.S_IMODE(source.file.stat().st_mode) == 0o600
    assert "Backup written to" in source.run.stdout and "tables" in source.run.stdout and "bytes" in source.run.stdout
    assert "people_person" in source.run.stderr  # progress, table by table
    assert not [p for p in source.file.parent.iterdir() if p.name.endswith(".partial")]
    event = source.db.query("SELECT action, detail FROM core_auditevent ORDER BY id DESC")[0]
    detail = event[1] if isinstance(event[1], dict) else json.loads(event[1])
    assert event[0] == "backup.create"
    assert set(detail) == {"tables", "rows", "bytes", "format_version", "seconds"}
    assert all(isinstance(v, int | float) for v in detail.values())


def test_restore_gives_back_every_table_row_for_row(source, target):
    before = source.before
    assert [t for t, rows in before.items() if not rows] == [], "every table should hold rows, or the test proves less"
    run = palermo(target, "restore", str(source.file), PALERMO_BACKUP_KEY=BACKUP_KEY_TEXT)
    assert "Restored" in run.stdout and f"{len(before)} tables" in run.stdout
    after = target.dump(exclude=NOT_COMPARED)
    assert sorted(after) == sorted(before)
    for table in before:
        if table != "core_auditevent":
            assert after[table] == before[table], table
    # The audit table: the same events, and one more recording the restore (counts only).
    old, new = audit_rows(before), audit_rows(after)
    assert {k: new[k] for k in old} == old
    (extra,) = set(new) - set(old)
    assert extra == max(old) + 1  # new rows get fresh ids after the restore
    restore_event = new[extra]
    assert "backup.restore" in restore_event
    assert not helpers.leaks_identity(repr(restore_event))
    assert set(target.query("SELECT app, name FROM django_migrations")) == set(
        source.db.query("SELECT app, name FROM django_migrations")
    )
    result = audit_verify()
    assert result.ok and result.checked > 100 and result.unsealed >= 2, result


def test_the_restored_database_works_with_the_data_keys_and_only_with_them(source, target, monkeypatch):
    from palermo.core.crypto import DecryptionError
    from palermo.people.models import Person

    backup_restore(path=source.file)
    marked = [p for p in Person.objects.all() if p.family_name == helpers.NAME_FAMILY]
    assert len(marked) == 1 and marked[0].given_name == helpers.NAME_GIVEN
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", Fernet.generate_key().decode())  # the data keys are missing
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=marked[0].pk)


def test_the_backup_holds_ciphertext_never_a_plaintext_identifier_or_a_key(source):
    raw = source.file.read_bytes()
    markers = [helpers.NAME_GIVEN, helpers.NAME_FAMILY, helpers.DOB, "Brindlecombe", "Synthetic demo narrative"]
    keys = [k for k in os.environ["PALERMO_ENCRYPTION_KEYS"].split(",") if k] + [
        os.environ["PALERMO_BLIND_INDEX_KEY"], BACKUP_KEY_TEXT]
    secrets = [m.encode() for m in markers + keys] + [base64.urlsafe_b64decode(k) for k in keys[:1]] + [BACKUP_KEY]
    for secret in secrets:
        assert secret not in raw
    # Inside the encryption too: the backup copies ciphertext and never decrypts personal data.
    reader = ArchiveReader(io.BytesIO(raw), BACKUP_KEY)
    plain, people = [], []
    for spec, rows in reader.tables():
        for row in rows:
            plain.append(json.dumps(row))
            if spec["table"] == "people_person":
                people.append(dict(zip([c for c, _ in spec["columns"]], row, strict=True)))
    text = "\n".join(plain)
    for secret in markers + keys:
        assert secret not in text, secret
    assert people and all(p["family_name"].startswith("gAAAA") for p in people)
    assert any(p["full_name_bi"] for p in people)  # blind indexes are copied as they are


def test_restore_refuses_a_database_that_is_not_empty(source, django_db_blocker, monkeypatch):
    monkeypatch.setenv("PALERMO_BACKUP_KEY", BACKUP_KEY_TEXT)
    before = source.db.dump()
    with django_db_blocker.unblock(), default_database(source.db):
        with pytest.raises(CommandError, match="not empty.*Nothing was restored"):
            call_command("restore", str(source.file), verbosity=0)
    assert source.db.dump() == before


def _last_chunk(data: bytes) -> int:
    pos, last = 50, 50
    while pos < len(data):
        last = pos
        pos += 5 + struct.unpack(">BI", data[pos : pos + 5])[1]
    return last


def _damaged(data: bytes, how: str) -> bytes:
    last = _last_chunk(data)
    if how == "flipped byte in the last chunk":
        return data[: last + 20] + bytes([data[last + 20] ^ 0x40]) + data[last + 21 :]
    if how == "truncated":
        return data[:last]
    if how == "appended chunk":
        return data + data[last:]
    if how == "another format version":
        return data[:8] + (2).to_bytes(2, "big") + data[10:]
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["flipped byte in the last chunk", "truncated", "appended chunk", "another format version"])
def test_a_damaged_backup_is_refused_and_changes_nothing(source, target, tmp_path, how):
    data = source.file.read_bytes()
    assert _last_chunk(data) > 50 + 1000, "the backup should span several chunks"
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(_damaged(data, how))
    steps = []
    with pytest.raises(BackupError, match={"flipped byte in the last chunk": "does not authenticate",
                                           "truncated": "truncated", "appended chunk": "after its last chunk",
                                           "another format version": "format version 2"}[how]):  # fmt: skip
        backup_restore(path=damaged, progress=steps.append)
    if how in {"flipped byte in the last chunk", "truncated"}:
        assert sum(s.done for s in steps if s.done == s.table_rows) > 1000, "rows were written before the damage was found"
    assert target.tables() == []


def test_a_wrong_key_is_refused_with_a_clear_message_and_changes_nothing(source, target, monkeypatch):
    monkeypatch.setenv("PALERMO_BACKUP_KEY", Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="different backup key.*Nothing was restored"):
        call_command("restore", str(source.file), verbosity=0)
    assert target.tables() == []


@pytest.mark.parametrize(("other", "named"), [
    ("PALERMO_ENCRYPTION_KEYS", "one of the data encryption keys"),
    ("PALERMO_BLIND_INDEX_KEY", "the blind-index key"),
    ("PALERMO_AUDIT_KEY", "the audit key"),
])  # fmt: skip
def test_the_backup_key_cannot_be_another_key(target, tmp_path, monkeypatch, other, named):
    """Each key has one purpose: a backup key that is also a data, blind-index or audit key is refused."""
    key = Fernet.generate_key().decode()
    if other == "PALERMO_ENCRYPTION_KEYS":
        key = os.environ["PALERMO_ENCRYPTION_KEYS"].split(",")[0]
    monkeypatch.setenv(other, key)
    monkeypatch.setenv("PALERMO_BACKUP_KEY", key)
    with pytest.raises(BackupError, match=named):
        backup_create(path=tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()


def test_the_backup_key_cannot_be_the_audit_key_from_its_key_file(target, tmp_path, monkeypatch, settings):
    """The audit key may come from its own key file rather than the environment: still refused."""
    key = Fernet.generate_key().decode()
    monkeypatch.delenv("PALERMO_AUDIT_KEY", raising=False)
    audit_file = tmp_path / "audit.key"
    audit_file.write_text(key + "\n")
    audit_file.chmod(0o600)
    settings.PALERMO_AUDIT_KEY_FILE = str(audit_file)
    monkeypatch.setenv("PALERMO_BACKUP_KEY", key)
    with pytest.raises(BackupError, match="is the audit key"):
        backup_create(path=tmp_path / "x.backup")


def test_the_backup_key_file_cannot_be_the_data_key_file(target, tmp_path, monkeypatch, settings):
    monkeypatch.delenv("PALERMO_BACKUP_KEY")
    settings.PALERMO_BACKUP_KEY_FILE = settings.PALERMO_KEY_FILE
    with pytest.raises(BackupError, match="is the data-key file"):
        backup_create(path=tmp_path / "x.backup")


def test_production_needs_a_backup_key(target, tmp_path, monkeypatch, settings):
    monkeypatch.delenv("PALERMO_BACKUP_KEY")
    settings.PRODUCTION, settings.PALERMO_BACKUP_KEY_FILE = True, ""
    with pytest.raises(BackupError, match="No backup key"):
        backup_create(path=tmp_path / "x.backup")
    assert list(tmp_path.glob("*x.backup*")) == []


def test_a_backup_never_overwrites_a_file(source, target, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup_create(path=existing)
    assert existing.read_bytes() == b"keep me"


def test_an_interrupted_backup_leaves_no_file(source, target, tmp_path):
    """Ctrl-C halfway (here: from the progress report) leaves neither the backup nor a partial file."""
    with default_database(source.db):

        def interrupt(step):
            if step.table == "nrm_case":
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            backup_create(path=tmp_path / "interrupted.backup", progress=interrupt)
    assert list(tmp_path.glob("*interrupted*")) == []


def test_an_interrupted_restore_leaves_the_database_empty(source, target):
    def interrupt(step):
        if step.table == "nrm_case" and step.done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup_restore(path=source.file, progress=interrupt)
    assert target.tables() == []


def test_a_table_palermo_does_not_know_is_named_not_silently_left_out(target, tmp_path):
    from django.db import connection

    from tests.ops.population import migrate

    migrate()
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE stray_notes (id integer PRIMARY KEY, note text)")
    result = backup_create(path=tmp_path / "stray.backup")
    assert result.not_included == ["stray_notes"]
    header = ArchiveReader(io.BytesIO((tmp_path / "stray.backup").read_bytes()), BACKUP_KEY).header
    assert header["not_included"] == ["stray_notes"]


def test_a_restore_says_which_sealed_events_the_anchor_file_records_beyond_the_backup(source, target, tmp_path, settings):
    """The anchor file lives outside the database: after restoring an older backup on the same
    host, the restore names the events lost since the backup, which `audit verify` will report."""
    from palermo.core.audit_anchor import anchor_append, anchor_make

    anchors = tmp_path / "anchors.jsonl"
    settings.PALERMO_AUDIT_ANCHOR_FILE = str(anchors)
    anchor_append(anchor_make(seq=1_000_000, hash="ab" * 32), anchors)
    out = io.StringIO()
    call_command("restore", str(source.file), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "up to number 1000000" in text and "as removed" in text
    assert not audit_verify().ok  # and verify does report the cut, as the message says
