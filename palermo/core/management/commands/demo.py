"""palermo demo — migrate, then load demo organisations, users and synthetic cases."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from palermo.accounts.roles import ROLE_LABELS
from palermo.core.audit import audit_seal
from palermo.demo import DEMO_PASSWORD, USERS, demo_load


class Command(BaseCommand):
    help = "Set up the database and load demo data (synthetic people only). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2012)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, cases, seed, no_migrate, **opts):
        if not no_migrate:
            call_command("migrate", verbosity=0, interactive=False)
        # Score people in one batch at the end rather than once per synthetic referral.
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):
            result = demo_load(cases=cases, seed=seed)
        audit_seal()
        self.stdout.write(
            f"Demo data: {result['organisations']} organisations, {result['cases_created']} new cases "
            f"({result['cases_existing']} already there)."
        )
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, role, org, _ in USERS:
            self.stdout.write(f"  {username:<16} {ROLE_LABELS[role]:<22} {org}")
