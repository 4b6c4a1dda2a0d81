"""palermo releases microdata --as USER --out FILE
palermo releases private --as USER --year 2010 --by status --epsilon 0.5
palermo releases budgets --as USER
palermo releases monitoring --as USER [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out FILE]"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from palermo.core.exceptions import PalermoError
from palermo.releases import services
from palermo.releases.dp import DIMENSIONS


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None


def _new_file(path: Path, text: str) -> None:
    """Written to a new file only (never over one), readable by its owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{path} already exists: choose another file") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


class Command(BaseCommand):
    help = ("Releases: k-anonymous HTCDS microdata, differentially private counts (spending a year's privacy "
            "budget), the budgets, and the monitoring report. Every release is audited.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["microdata", "private", "budgets", "monitoring"])
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--out", type=Path, help="microdata or monitoring: write to this new file")
        parser.add_argument("--year", type=int, help="private: the year of referrals")
        parser.add_argument("--by", choices=list(DIMENSIONS), help="private: what to count the cases by")
        parser.add_argument("--epsilon", help="private: the privacy loss to spend, 0.01 to 1")
        parser.add_argument("--from", dest="received_from", type=_date, help="monitoring: referrals received from")
        parser.add_argument("--to", dest="received_to", type=_date, help="monitoring: referrals received up to")

    def handle(self, *args, what, username, out, year, by, epsilon, received_from, received_to, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        try:
            getattr(self, f"_{what}")(user, out=out, year=year, by=by, epsilon=epsilon, received_from=received_from,
                                      received_to=received_to)
        except PalermoError as exc:
            raise CommandError(exc.message) from exc

    def _microdata(self, user, *, out, **_):
        if out is None:
            raise CommandError("Give the file to write with --out FILE")
        result = services.microdata_export(actor=user)
        _new_file(out, result.text)
        self.stdout.write(f"Wrote {result.rows:,} records to {out} (k = {result.k}; {result.suppressed:,} left out; "
                          f"coarsening levels {result.levels}).")

    def _private(self, user, *, year, by, epsilon, **_):
        if year is None or by is None or epsilon is None:
            raise CommandError("Give --year, --by and --epsilon")
        release = services.private_release_create(actor=user, year=year, dimension=by, epsilon=epsilon)
        budget = release.budget
        budget.refresh_from_db()
        self.stdout.write(f"{budget.dataset} by {by}, epsilon {release.epsilon.normalize()} "
                          f"(each count within ±{release.accuracy:.1f} at 95%):")
        for row in release.result:
            self.stdout.write(f"  {row['label']}: {row['count']}")
        self.stdout.write(f"Budget left for {year}: {budget.remaining_epsilon.normalize()} of "
                          f"{budget.total_epsilon.normalize()}.")

    def _budgets(self, user, **_):
        for b in services.budgets_for_user(user=user):
            self.stdout.write(f"{b['year']}: {b['remaining_epsilon'].normalize()} of {b['total_epsilon'].normalize()} "
                              f"left, {b['releases']} releases")

    def _monitoring(self, user, *, out, received_from, received_to, **_):
        report = services.monitoring_report_for_user(user=user, received_from=received_from, received_to=received_to)
        text = json.dumps(report, cls=DjangoJSONEncoder, indent=2)
        if out:
            _new_file(out, text)
            self.stdout.write(f"Wrote the monitoring report ({report['cases']:,} cases) to {out}.")
        else:
            sys.stdout.write(text + "\n")
