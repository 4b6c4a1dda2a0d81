"""palermo keys generate | rotate — encryption keys for direct identifiers."""

from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from palermo.core import crypto
from palermo.core.audit import audit_record
from palermo.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "generate: print a new Fernet key. rotate: re-encrypt every encrypted value under the newest key "
        "(put the new key first in PALERMO_ENCRYPTION_KEYS or the key file, rotate, then remove the old key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "rotate"])

    def handle(self, *args, action, **opts):
        if action == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        total = 0
        with transaction.atomic():
            for model in apps.get_models():
                fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
                if not fields:
                    continue
                names = [f.column for f in fields]
                table = model._meta.db_table
                qn = model._meta.pk.column
                rows = model.objects.values_list(model._meta.pk.attname, flat=True)
                from django.db import connection

                with connection.cursor() as cur:
                    for pk in rows.iterator():
                        cur.execute(f'SELECT {", ".join(names)} FROM "{table}" WHERE "{qn}" = %s', [pk])
                        current = cur.fetchone()
                        rotated = [crypto.rotate(v) if v else v for v in current]
                        cur.execute(
                            f'UPDATE "{table}" SET {", ".join(f"{n} = %s" for n in names)} WHERE "{qn}" = %s',
                            [*rotated, pk],
                        )
                        total += 1
            audit_record(actor=None, action="keys.rotate", detail={"rows": total})
        self.stdout.write(f"Re-encrypted {total} rows under the newest key.")
