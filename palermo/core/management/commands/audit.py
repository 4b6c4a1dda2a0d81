"""palermo audit verify | seal — the audit hash chain."""

from django.core.management.base import BaseCommand, CommandError

from palermo.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Seal pending audit events into the hash chain, or verify the chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument("--no-seal", action="store_true", help="verify without sealing pending events first")

    def handle(self, *args, action, no_seal=False, **opts):
        if action == "seal" or not no_seal:
            n = audit_seal()
            if action == "seal":
                self.stdout.write(f"Sealed {n} events.")
                return
        result = audit_verify()
        if not result.ok:
            where = f"event {result.first_bad_event_id}" if result.first_bad_event_id else "the chain head"
            raise CommandError(f"Audit chain BROKEN at {where}: {result.problem} (checked {result.checked} events before it)")
        self.stdout.write(f"Audit chain OK: {result.checked} events verified, {result.unsealed} pending sealing.")
