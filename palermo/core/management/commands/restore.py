"""palermo restore FILE — restore a backup into an empty database, all or nothing (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.console import Console

from palermo.core.backups import BackupError
from palermo.core.backups.restore import backup_restore
from palermo.core.progress import table_progress


class Command(BaseCommand):
    help = (
        "Restore a backup made by `palermo backup` into the configured database, which must be empty. "
        "Needs the backup key and the data keys in use when the backup was made."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file")

    def handle(self, *args, file: Path, verbosity: int = 1, **opts):
        console = Console(stderr=True, quiet=verbosity == 0, highlight=False)
        try:
            with table_progress(console, "Restoring") as progress:
                result = backup_restore(path=file, progress=progress)
        except BackupError as exc:
            raise CommandError(f"{exc.message} Nothing was restored.") from exc
        except DatabaseError as exc:
            raise CommandError(f"The database refused: {exc}. Nothing was restored.") from exc
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was restored (the database is still empty).") from None
        self.stdout.write(
            f"Restored {result.tables} tables, {result.rows:,} rows ({result.bytes:,} bytes) in {result.seconds:.1f} s "
            f"from a {result.backup_engine} backup made {result.backup_created_at} by Palermo {result.palermo_version}."
        )
        self._anchor_note()
        if result.newer_migrations:
            self.stdout.write(
                f"This Palermo has {len(result.newer_migrations)} newer migrations: run `palermo migrate` next."
            )

    def _anchor_note(self) -> None:
        """The anchor file lives outside the database, so a restore onto a host whose anchors
        recorded later events makes `palermo audit verify` report those events as lost: they
        were (everything after the backup). Say so, and how to keep the old anchors as evidence."""
        from django.conf import settings

        from palermo.core.audit_anchor import anchor_last
        from palermo.core.models import AuditChainHead

        path = settings.PALERMO_AUDIT_ANCHOR_FILE
        last = anchor_last(path)
        head = AuditChainHead.objects.filter(id=1).first()
        restored = head.last_seq if head else 0
        if last is not None and last.seq > restored:
            self.stdout.write(
                f"The audit anchor file {path} records sealed audit events up to number {last.seq}; this backup "
                f"holds them up to {restored}. `palermo audit verify` will report events {restored + 1}–{last.seq} "
                "as removed: they were made after the backup and are lost with it. Keep that file as evidence, "
                "move it aside and start a new one from this database (`palermo audit seal`); docs/backup.md."
            )
