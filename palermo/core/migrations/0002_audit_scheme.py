"""The keyed audit chain (issue 13): each event records how its hash was computed.

Events already sealed were hashed with plain SHA-256. They are labelled ``sha256`` and left
exactly as they are (rehashing them is the attack the keyed chain exists to stop), and the head
they reached is signed under the audit key and appended to the anchor file as a ``legacy``
anchor: verify accepts SHA-256 events only up to a signed legacy anchor, so nobody can later
relabel keyed events as SHA-256 to recompute them without the key. See palermo/core/audit.py.
"""

from django.conf import settings
from django.db import migrations, models


def label_and_anchor_legacy_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    AuditEvent.objects.using(db).filter(seq__isnull=False).update(scheme="sha256")
    head = AuditChainHead.objects.using(db).filter(id=1).first()
    if head is not None and head.last_seq > 0:
        from palermo.core.audit_anchor import LEGACY, anchor_append, anchor_make

        anchor_append(anchor_make(seq=head.last_seq, hash=head.last_hash, kind=LEGACY),
                      settings.PALERMO_AUDIT_ANCHOR_FILE)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='scheme',
            field=models.CharField(blank=True, choices=[('sha256', 'SHA-256 (before the keyed chain)'), ('hmac-sha256', 'HMAC-SHA256 under the audit key')], help_text='how the hash was computed; empty until sealed', max_length=16),
        ),
        migrations.RunPython(label_and_anchor_legacy_events, migrations.RunPython.noop),
    ]
