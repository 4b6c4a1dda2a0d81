"""palermo audit seal | verify — the keyed audit chain and its anchors outside the database.

``seal`` seals pending events, then appends the signed head to the anchor file (``--print``
also writes that line to standard output, for syslog or a write-once store). ``verify`` seals
pending events (it never writes an anchor: it would sign whatever it found), then checks the
chain with the audit key and against the anchors, and exits non-zero on any problem.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from palermo.core.audit import audit_anchor, audit_seal, audit_verify


class Command(BaseCommand):
    help = "Seal pending audit events into the keyed chain and anchor its head, or verify the chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument("--no-seal", action="store_true", help="verify without sealing pending events first")
        parser.add_argument("--print", action="store_true", dest="print_anchor",
                            help="seal: print the signed head as one JSON line on standard output, for an external log")
        parser.add_argument("--anchor", action="append", metavar="FILE", dest="anchor_files",
                            help="verify: check against this anchor file (e.g. an external copy) instead of the "
                                 "configured one; give it more than once to check several")

    def handle(self, *args, action, no_seal=False, print_anchor=False, anchor_files=None, **opts):
        if action == "seal":
            self._seal(print_anchor)
            return
        if not no_seal:
            audit_seal()
        self._verify(anchor_files)

    def _seal(self, print_anchor: bool) -> None:
        n = audit_seal()
        anchor = audit_anchor()
        where = settings.PALERMO_AUDIT_ANCHOR_FILE
        message = (f"Sealed {n} events. Head: number {anchor.seq}, anchored in {where}." if anchor
                   else f"Sealed {n} events. Nothing to anchor yet.")
        if print_anchor:
            self.stderr.write(message)
            if anchor:
                self.stdout.write(anchor.line())
        else:
            self.stdout.write(message)

    def _verify(self, anchor_files) -> None:
        result = audit_verify(anchor_files=anchor_files)
        for path, count in result.anchors.items():
            self.stdout.write(f"Anchors: {count} checked in {path}.")
        if result.note:
            self.stderr.write(f"Warning: {result.note}")
        if not result.ok:
            listed = "\n".join(f"  - {p}" for p in result.problems)
            raise CommandError(f"Audit chain BROKEN ({result.checked} events verified):\n{listed}")
        legacy = f" ({result.legacy} sealed with plain SHA-256 before the keyed chain)" if result.legacy else ""
        self.stdout.write(f"Audit chain OK: {result.checked} events verified{legacy}, {result.unsealed} pending sealing.")
