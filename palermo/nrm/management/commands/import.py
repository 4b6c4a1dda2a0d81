"""palermo import referrals FILE.csv --as USERNAME [--skip-invalid --rejects FILE]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from rich.progress import Progress

from palermo.core.exceptions import PalermoError
from palermo.nrm.importer import ALL_COLUMNS, import_referrals


class Command(BaseCommand):
    help = "Import referrals from CSV. Every row is validated first; nothing is written unless all rows are valid (or --skip-invalid)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["referrals"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="the first responder the referrals are made by")
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows; invalid ones go to --rejects")
        parser.add_argument("--rejects", type=Path, help="where to write rejected rows (default FILE.rejects.csv)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, what, file, username, skip_invalid, rejects, no_progress, **opts):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        rejects = rejects or file.with_suffix(".rejects.csv")
        # A bulk import is scored against known people in one batch (`palermo link run`),
        # not one Splink job per row.
        paused = override_settings(PALERMO_LINK_ON_REFERRAL=False)
        paused.enable()
        try:
            if no_progress:
                result = import_referrals(actor=user, path=file, skip_invalid=skip_invalid, rejects_path=rejects)
            else:
                with Progress(transient=True) as bar:
                    task = bar.add_task(f"Importing {file.name}", total=None)

                    def tick(done, total):
                        bar.update(task, completed=done, total=total)

                    result = import_referrals(actor=user, path=file, skip_invalid=skip_invalid, rejects_path=rejects, progress=tick)
        except PalermoError as exc:
            raise CommandError(f"Nothing was written: {exc.message}") from exc
        finally:
            paused.disable()
        for err in result.errors[:200]:
            self.stderr.write(str(err))
        if len(result.errors) > 200:
            self.stderr.write(f"… and {len(result.errors) - 200} more errors")
        if result.errors and not skip_invalid:
            raise CommandError(
                f"{len(result.errors)} errors in {result.rows} rows: nothing was written. "
                f"Fix the file, or use --skip-invalid. Columns: {', '.join(ALL_COLUMNS)}"
            )
        self.stdout.write(f"Imported {result.written} of {result.rows} referrals.")
        if result.rejected_rows:
            self.stdout.write(f"{len(result.rejected_rows)} rows rejected; written to {rejects}")
