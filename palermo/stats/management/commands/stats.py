"""``palermo stats``: NRM statistics from the command line.

* ``palermo stats bulletin --from 2023-01-01 --to 2023-12-31 --out DIR`` — write the published
  release: ``index.html`` (the bulletin), its charts, the tables as ODS, XLSX and CSV, and
  ``manifest.json`` (period, row counts, the audit chain's head, software versions, SHA-256 of every
  file). The same records give the same bytes; ``--check DIR`` checks a folder against its manifest.
* ``palermo stats tables --from … --to … --format json`` — every table for machines (published,
  suppressed). ``--unsuppressed --as USERNAME`` gives every count to an analyst, marked so.

A published period is whole quarters that have ended (:mod:`palermo.stats.periods`). The work is
in :mod:`palermo.stats.services` (who may see what, audit) and :mod:`palermo.stats.outputs`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.stats.outputs import verify_release, write_release
from palermo.stats.periods import Period
from palermo.stats.release import PUBLISHED_VIEW, UNSUPPRESSED_VIEW, release_json
from palermo.stats.services import release_for_user


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_date.__name__ = "date (YYYY-MM-DD)"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


_positive.__name__ = "whole number of at least 1"


class Command(BaseCommand):
    help = "NRM statistics: the bulletin and the tables. Subcommands: bulletin, tables."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser))
        cmd = getattr(parser, "called_from_command_line", None)
        bulletin = sub.add_parser("bulletin", help="Write the published bulletin, files and manifest",
                                  called_from_command_line=cmd)
        bulletin.add_argument("--from", dest="start", type=_date, help="first day (a quarter's first day)")
        bulletin.add_argument("--to", dest="end", type=_date, help="last day (a quarter's last day, in the past)")
        bulletin.add_argument("--out", type=Path, help="folder to write into")
        bulletin.add_argument("--threshold", type=_positive, help="suppress counts below this (default: the dated "
                                                                  "parameter stats.suppression_threshold)")
        bulletin.add_argument("--round", dest="rounding", type=_positive, help="round published counts to this base")
        bulletin.add_argument("--check", type=Path, help="check a folder written before against its manifest")
        tables = sub.add_parser("tables", help="Print every table", called_from_command_line=cmd)
        tables.add_argument("--from", dest="start", type=_date, required=True)
        tables.add_argument("--to", dest="end", type=_date, required=True)
        tables.add_argument("--format", choices=["json"], default="json")
        tables.add_argument("--threshold", type=_positive)
        tables.add_argument("--unsuppressed", action="store_true", help="every count (analysts only; needs --as)")
        tables.add_argument("--as", dest="username", help="the analyst asking for unsuppressed figures")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "bulletin" and options.get("check"):
            problems = verify_release(options["check"])
            for p in problems:
                self.stderr.write(p)
            if problems:
                raise CommandError(f"{len(problems)} problem(s) in {options['check']}")
            self.stdout.write(f"Every file in {options['check']} matches its manifest.")
            return
        if not options.get("start") or not options.get("end"):
            raise CommandError("Enter --from and --to")
        period = Period(options["start"], options["end"])
        actor, view = None, PUBLISHED_VIEW
        if subcommand == "tables" and options["unsuppressed"]:
            from palermo.accounts.models import User

            actor = User.objects.filter(username=options.get("username") or "", is_active=True).first()
            if actor is None:
                raise CommandError("--unsuppressed needs --as USERNAME, an active analyst")
            view = UNSUPPRESSED_VIEW
        if subcommand == "bulletin" and not options.get("out"):
            raise CommandError("Enter --out, the folder to write the bulletin into")
        try:
            release = release_for_user(
                actor=actor, period=period, view=view, today=timezone.localdate(), threshold=options.get("threshold"),
                rounding=options.get("rounding"),
                action="stats.bulletin_written" if subcommand == "bulletin" else "stats.tables_printed")
        except ValidationFailed as exc:
            raise CommandError("; ".join(exc.fields.values()) or exc.message) from exc
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        if subcommand == "tables":
            self.stdout.write(json.dumps(release_json(release), indent=2, ensure_ascii=False))
            return
        data = write_release(release, options["out"])
        self.stdout.write(f"Wrote {len(data['files'])} files and manifest.json to {options['out']} "
                          f"({release.cells_suppressed} of {release.cells_total} cells suppressed).")
