"""palermo import referrals FILE.csv --as USERNAME [--skip-invalid --rejects FILE | --background]
palermo import decisions FILE.csv --as USERNAME   (historic decisions; docs/import.md)"""

from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from rich.progress import Progress

from palermo.core.exceptions import PalermoError
from palermo.nrm.decision_import import import_decisions
from palermo.nrm.importer import import_referrals
from palermo.nrm.referral_bulk import BATCH

SHOWN = 200  # errors printed; the count says how many more


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class Command(BaseCommand):
    help = ("Import referrals, or historic decisions on referrals already imported, from CSV. Every row is checked "
            "first; nothing is written unless all rows are valid (or, for referrals, --skip-invalid).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["referrals", "decisions"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True,
                            help="referrals: the first responder who refers; decisions: a decision maker of the "
                                 "competent authority the cases are routed to")
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows; invalid ones go to --rejects")
        parser.add_argument("--rejects", type=Path, help="where to write rejected rows (default FILE.rejects.csv); "
                                                         "never over an existing file")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--batch-size", type=int, default=BATCH,
                            help=f"referrals: how many are written at a time within the one transaction (default "
                                 f"{BATCH:,}); smaller uses less memory, larger is a little faster")
        parser.add_argument("--background", action="store_true",
                            help="referrals: queue the import as a job of the --as user (see Your jobs) for "
                                 "`palermo worker`, instead of running it now")

    def handle(self, *args, what, file, username, skip_invalid, rejects, no_progress, background=False,
               batch_size=BATCH, **opts):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        if not file.is_file():
            raise CommandError(f"{file}: not a file")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        if what == "decisions":
            if skip_invalid:
                raise CommandError("--skip-invalid is for referrals: historic decisions are imported all or nothing")
            if background:
                raise CommandError("--background is for referrals")
            return self._decisions(file, user, no_progress)
        if background:
            if skip_invalid:
                raise CommandError("--skip-invalid writes a rejects file now: run it without --background")
            return self._background(file, user)
        rejects = rejects or file.with_suffix(".rejects.csv")
        # A bulk import is scored against known people in one batch (`palermo link run`),
        # not one Splink job per row.
        paused = override_settings(PALERMO_LINK_ON_REFERRAL=False)
        paused.enable()
        try:
            with self._progress(file, off=no_progress) as tick:
                result = import_referrals(actor=user, path=file, skip_invalid=skip_invalid,
                                          rejects_path=rejects if skip_invalid else None, progress=tick,
                                          batch_size=batch_size)
        except PalermoError as exc:
            raise CommandError(f"Nothing was written: {exc.message}") from exc
        finally:
            paused.disable()
        for err in result.errors[:SHOWN]:
            self.stderr.write(str(err))
        if result.error_count > SHOWN:
            self.stderr.write(f"… and {result.error_count - SHOWN:,} more")
        if result.refused:
            hint = " Fix the file, or use --skip-invalid to write the valid rows." if result.refused == "invalid_rows" else ""
            raise CommandError(f"{_plural(result.error_count, 'error')} in {_plural(result.rows, 'row')}: "
                               f"nothing was written.{hint}")
        self.stdout.write(f"Imported {result.written:,} of {result.rows:,} referrals.")
        if result.written:
            self.stdout.write("The new people have not been compared with people already known: "
                              "run `palermo link run` to propose possible matches.")
        if result.rejected:
            self.stdout.write(
                f"{_plural(result.rejected, 'row')} rejected: written to {rejects}.\n"
                "That file holds the rejected rows' personal data in plain text (only you can read it). "
                "Use it to correct them, then delete it.\n"
                "Cells that began with = + - @ have a ' in front, so a spreadsheet shows them as text: "
                "remove it before you import the row again."
            )

    def _background(self, file: Path, user) -> None:
        """Queue a ``referral_import`` job of ``user``'s (the same check as running it now)."""
        from palermo.jobs.cli import background_started
        from palermo.jobs.services import job_start

        if not user.has_perm("nrm.create_referral"):
            raise CommandError("Only first responders can import referrals")
        job = job_start(actor=user, kind="referral_import", system=True,
                        params={"path": str(file.resolve()), "file_name": file.name[:80]})
        background_started(self.stdout, job)

    def _decisions(self, file: Path, user, no_progress: bool) -> None:
        try:
            with self._progress(file, off=no_progress, noun="decisions") as tick:
                result = import_decisions(actor=user, path=file, progress=tick)
        except PalermoError as exc:
            raise CommandError(f"Nothing was written: {exc.message}") from exc
        for err in result.errors[:SHOWN]:
            self.stderr.write(str(err))
        if result.error_count > SHOWN:
            self.stderr.write(f"… and {result.error_count - SHOWN:,} more")
        if result.refused:
            raise CommandError(f"{_plural(result.error_count, 'error')} in {_plural(result.rows, 'row')}: "
                               "nothing was written.")
        self.stdout.write(f"Imported {result.written:,} historic decisions.")

    @contextmanager
    def _progress(self, file: Path, *, off: bool, noun: str = "referrals"):
        """A progress bar on a terminal; otherwise a line now and then on stderr (for logs)."""
        if off:
            yield None
        elif self.stderr.isatty():
            with Progress(transient=True) as bar:
                task = bar.add_task(f"Checking {file.name}", total=None)
                last = {"stage": ""}

                def tick(stage, done, total):
                    if stage != last["stage"]:
                        last["stage"] = stage
                        bar.update(task, description=f"{stage.capitalize()} {file.name}", completed=0, total=total)
                    bar.update(task, completed=done, total=total)

                yield tick
        else:
            shown = {"checking": -1, "writing": -1}

            def tick(stage, done, total):
                if stage == "checking":
                    step = done * 10 // max(total, 1)
                    if step > shown[stage]:
                        shown[stage] = step
                        self.stderr.write(f"Checking {file.name}: {step * 10}%")
                elif done == total or done // max(1, total // 100) > shown[stage]:
                    shown[stage] = done // max(1, total // 100)
                    self.stderr.write(f"Writing: {done:,} of {total:,} {noun}")

            yield tick
