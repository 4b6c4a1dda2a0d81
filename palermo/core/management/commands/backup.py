"""palermo backup FILE — an encrypted, consistent backup of the whole database (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.console import Console

from palermo.core.backups import BackupError
from palermo.core.backups.create import backup_create
from palermo.core.progress import table_progress


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of every table to FILE, from one consistent snapshot (Palermo may keep running). "
        "Needs the backup key (PALERMO_BACKUP_KEY or PALERMO_BACKUP_KEY_FILE); restoring also needs the data keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file to create (never overwritten)")

    def handle(self, *args, file: Path, verbosity: int = 1, **opts):
        console = Console(stderr=True, quiet=verbosity == 0, highlight=False)
        try:
            with table_progress(console, "Reading") as progress:
                result = backup_create(path=file, progress=progress)
        except BackupError as exc:
            raise CommandError(f"{exc.message} No backup was written.") from exc
        except DatabaseError as exc:
            raise CommandError(f"The database refused: {exc}. No backup was written.") from exc
        except KeyboardInterrupt:
            raise CommandError("Interrupted: no backup was written.") from None
        for table in result.not_included:
            self.stderr.write(f"Not included (not a table Palermo knows): {table}")
        self.stdout.write(
            f"Backup written to {result.path}: {result.tables} tables, {result.rows:,} rows, "
            f"{result.bytes:,} bytes, {result.seconds:.1f} s."
        )
