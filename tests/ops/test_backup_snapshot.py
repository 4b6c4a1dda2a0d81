"""A backup is one instant of the database although Palermo keeps writing while it runs.

The test makes a write happen at a known point of the backup, without any hook in Palermo: the
backup reports progress table by table, and when it reaches ``django_content_type`` — after it
has read the audit events, before it reads referrals, cases and people — another thread (its
own database connection) creates a referral and commits. Read outside one snapshot, the backup
would hold the new person, referral and case but not the audit event that records them.
"""

from __future__ import annotations

import base64
import threading

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import override_settings

from palermo.accounts.models import User
from palermo.core.audit import audit_verify
from palermo.core.backups.create import backup_create
from palermo.core.backups.restore import backup_restore
from palermo.nrm import services
from palermo.nrm.models import Case, Referral
from palermo.nrm.schemas import ReferralIn
from tests.factories import referral_payload
from tests.ops.databases import default_database, new_database
from tests.ops.population import populate_everything

pytestmark = pytest.mark.slow

KEY = base64.urlsafe_b64decode(Fernet.generate_key())
NOT_COMPARED = {"django_migrations", "sqlite_sequence", "core_auditevent"}


def test_a_referral_committed_during_the_backup_is_not_half_in_it(tmp_path, django_db_blocker):
    source, target = new_database(tmp_path, "source", migrated=True), new_database(tmp_path, "target")
    written: list[int] = []
    errors: list[str] = []

    def refer_elsewhere() -> None:
        try:
            with override_settings(PALERMO_LINK_ON_REFERRAL=False):
                referral = services.referral_create(
                    actor=User.objects.get(username="responder"),
                    data=ReferralIn.model_validate(referral_payload(person={
                        "given_name": "Ottoline", "family_name": "Snapshotter", "date_of_birth": "1990-02-03",
                        "dob_precision": "exact", "gender": "female", "nationalities": ["ROU"], "languages": [],
                        "interpreter_needed": False})),
                )  # fmt: skip
            written.append(referral.pk)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    def progress(step) -> None:
        if step.table == "django_content_type" and step.done == 0 and not written:
            writer = threading.Thread(target=refer_elsewhere)
            writer.start()
            writer.join(120)

    try:
        with django_db_blocker.unblock():
            with default_database(source):
                populate_everything(cases=12)
                before = source.dump(exclude=NOT_COMPARED)
                events_before = Referral.objects.count(), source.query("SELECT COUNT(*) FROM core_auditevent")[0][0]
                backup_create(path=tmp_path / "during.backup", key=KEY, progress=progress)
                assert errors == [] and len(written) == 1, errors
                assert Referral.objects.count() == events_before[0] + 1  # the write did commit meanwhile
            with default_database(target):
                backup_restore(path=tmp_path / "during.backup", key=KEY)
                after = target.dump(exclude=NOT_COMPARED)
                assert after == before  # the instant before the write: none of it
                assert not Referral.objects.filter(pk=written[0]).exists()
                assert Case.objects.count() == Referral.objects.filter(case__isnull=False).count()
                restored_events = target.query("SELECT COUNT(*) FROM core_auditevent")[0][0]
                assert restored_events == events_before[1] + 1  # + the restore's own event
                assert audit_verify().ok
    finally:
        source.drop()
        target.drop()
