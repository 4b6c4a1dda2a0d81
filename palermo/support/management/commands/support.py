"""``palermo support``: the providers' reference data (``palermo/support/data/providers.yaml``).

Subcommands:

* ``check`` — validate the file (every value cited, dates in order, known contracts and
  eligibility rules); exits non-zero naming each problem.
* ``load`` — write contracts, provider profiles, dated terms and cited capacity for the
  organisations that exist (idempotent); ``--demo`` also loads the figures made up for the demo.

An interface only: each subcommand calls one function in ``palermo.support.reference``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.support.reference import PROVIDERS_FILE, ReferenceError_, reference_check, reference_load


class Command(BaseCommand):
    help = "Check or load the victim support providers' reference data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="validate the providers' reference data")
        check.add_argument("--file", type=Path, default=PROVIDERS_FILE, help="the file to check (default: the shipped one)")
        load = sub.add_parser("load", help="load the providers' reference data into the database")
        load.add_argument("--demo", action="store_true", help="also load the figures made up for the demo")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "check":
            problems = reference_check(options["file"])
            if problems:
                raise CommandError("support reference data has problems:\n  " + "\n  ".join(problems))
            self.stdout.write(f"support reference data OK: {options['file'].name}")
            return
        try:
            counts = reference_load(demo=options["demo"])
        except ReferenceError_ as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()))
