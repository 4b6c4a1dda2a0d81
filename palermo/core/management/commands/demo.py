"""palermo demo — migrate, then load demo organisations, users and synthetic cases.
palermo demo code [USERNAME] — the 6-digit code demo users with two-factor authentication enter.

Both are refused with PALERMO_ENV=production: the demo password and authenticator secret are
published, so they must never open a real database.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from palermo.accounts.roles import ROLE_LABELS, TWO_FACTOR_ROLES
from palermo.accounts.two_factor import secret_for_display
from palermo.core.audit import audit_seal
from palermo.core.exceptions import PalermoError
from palermo.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS, demo_code, demo_load


class Command(BaseCommand):
    help = ("Set up the database and load demo data (synthetic people only). Safe to run again. "
            "`palermo demo code` prints the current two-factor code for the demo users.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["load", "code"], default="load")
        parser.add_argument("username", nargs="?", help="with `code`: a demo user (checked to have the demo secret)")
        parser.add_argument("--cases", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2012)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, action, username, cases, seed, no_migrate, **opts):
        if settings.PRODUCTION:
            raise CommandError("palermo demo is refused with PALERMO_ENV=production: its password and "
                               "authenticator secret are published.")
        if action == "code":
            try:
                code, seconds = demo_code(username)
            except PalermoError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"{code}  (changes in {seconds} seconds)")
            return
        if not no_migrate:
            call_command("migrate", verbosity=0, interactive=False)
        # Score people in one batch at the end rather than once per synthetic referral.
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):
            result = demo_load(cases=cases, seed=seed)
        audit_seal()
        self.stdout.write(
            f"Demo data: {result['organisations']} organisations, {result['cases_created']} new cases "
            f"({result['cases_existing']} already there), {result.get('permit_applications', 0)} new residence "
            f"permit applications, {result.get('private_releases', 0)} private releases recorded."
        )
        children = result.get("children") or {}
        if children.get("loaded"):
            self.stdout.write(
                f"Children's records: {children['placements']} care placements, {children['episodes']} missing episodes "
                f"({children['open']} open), {children['gradings']} gradings, {children['age_assessments']} age assessments."
            )
        if result.get("allocations") or result.get("letters"):
            self.stdout.write(f"Casework: {result.get('allocations', 0)} cases allocated, "
                              f"{result.get('letters', 0)} decision letters made.")
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}; * also a 6-digit code):")
        for username_, role, org, _ in USERS:
            mark = "*" if role in TWO_FACTOR_ROLES else " "
            self.stdout.write(f"  {username_:<16} {ROLE_LABELS[role]:<22} {org:<12}{mark}")
        self.stdout.write(
            "* Two-factor authentication: get the current code with `.venv/bin/palermo demo code`, or add this\n"
            f"  key to an authenticator app (time-based, 6 digits): {secret_for_display(DEMO_TOTP_SECRET)}"
        )
