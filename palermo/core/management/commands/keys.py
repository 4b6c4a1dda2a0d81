"""palermo keys generate | rotate | status — encryption keys for direct identifiers.

The work is in :mod:`palermo.core.keyrotation`; this command parses, shows progress and reports.
"""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from palermo.core.keyrotation import KeyCounts, keys_rotate, keys_status
from palermo.core.progress import table_progress


class Command(BaseCommand):
    help = (
        "generate: print a new key (Fernet; also right for PALERMO_BACKUP_KEY). "
        "rotate: re-encrypt under the newest key every value still under an older one (put the new key first in "
        "PALERMO_ENCRYPTION_KEYS or the key file, rotate, check `status`, then remove the old key). "
        "status: how many values are under each configured key, and how many none of them opens."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "rotate", "status"])

    def handle(self, *args, action, verbosity: int = 1, **opts):
        if action == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        console = Console(stderr=True, quiet=verbosity == 0, highlight=False)
        try:
            if action == "rotate":
                with table_progress(console, "Re-encrypted") as progress:
                    counts = keys_rotate(progress=progress)
                self.stdout.write(
                    f"Re-encrypted {counts.rotated:,} values under the newest key; "
                    f"{counts.by_key[0] - counts.rotated:,} already were ({counts.rows:,} rows)."
                )
            else:
                with table_progress(console, "Checked") as progress:
                    counts = keys_status(progress=progress)
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted. Every value is still readable with the configured keys; run `palermo keys rotate` again "
                "to finish, and keep the old key until `palermo keys status` shows nothing under it."
            ) from None
        self._report(counts)

    def _report(self, counts: KeyCounts) -> None:
        n = len(counts.by_key)
        self.stdout.write(f"Encrypted values: {counts.values:,}")
        for i, (fp, count) in enumerate(zip(counts.fingerprints, counts.by_key, strict=True), start=1):
            label = "newest, used for new values" if i == 1 else "older"
            self.stdout.write(f"  key {i} of {n} ({label}; fingerprint {fp}): {count:,}")
        self.stdout.write(f"  opened by no configured key: {counts.unreadable:,}")
        if counts.unreadable:
            raise CommandError(
                f"{counts.unreadable:,} values (in {', '.join(sorted(counts.unreadable_tables))}) cannot be decrypted "
                "with the configured keys: they were left as they are. Was a key removed before rotation finished? "
                "Put it back (after the newest key), then run `palermo keys rotate`."
            )
        if counts.under_older_keys:
            self.stdout.write(
                f"{counts.under_older_keys:,} values are still under an older key: run `palermo keys rotate`, "
                "and keep every key until this shows none."
            )
        elif n > 1:
            self.stdout.write("Nothing is under an older key: the older keys can be removed.")
