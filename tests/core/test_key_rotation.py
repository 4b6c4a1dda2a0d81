"""``palermo keys status`` says how many values are under each key, so an old key is removed only
when nothing needs it; ``palermo keys rotate`` re-encrypts what an older key opens, leaves what
no key opens untouched, and never overwrites a value edited while it runs."""

from __future__ import annotations

import os
import threading
import time

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from palermo.core.keyrotation import keys_rotate, keys_status
from palermo.people.models import Person

OLD = os.environ["PALERMO_ENCRYPTION_KEYS"].split(",")[0]


def stored(pk: int) -> tuple:
    with connection.cursor() as cur:
        cur.execute("SELECT given_name, family_name, date_of_birth FROM people_person WHERE id = %s", [pk])
        return cur.fetchone()


@pytest.mark.django_db
def test_status_says_how_many_values_are_under_an_older_key_until_rotation_ends(world, monkeypatch, capsys):
    person = world.refer().person
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", f"{new},{OLD}")
    before = keys_status()
    assert before.by_key[0] == 0 and before.under_older_keys == before.values >= 4 and before.unreadable == 0
    call_command("keys", "status")
    assert f"{before.values:,} values are still under an older key" in capsys.readouterr().out
    call_command("keys", "rotate")
    out = capsys.readouterr().out
    assert f"Re-encrypted {before.values:,} values" in out and "the older keys can be removed" in out
    after = keys_status()
    assert after.under_older_keys == 0 and after.by_key[0] == before.values
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", new)  # the old key goes
    assert keys_status().unreadable == 0
    assert Person.objects.get(pk=person.pk).family_name == "Quillfeather"


@pytest.mark.django_db
def test_a_second_rotation_leaves_values_already_under_the_newest_key_alone(world, monkeypatch):
    person = world.refer().person
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{OLD}")
    assert keys_rotate().rotated >= 4
    once = stored(person.pk)
    assert keys_rotate().rotated == 0
    assert stored(person.pk) == once


@pytest.mark.django_db
def test_an_old_key_removed_before_rotation_is_reported_and_nothing_is_lost(world, monkeypatch):
    person = world.refer().person
    before = stored(person.pk)
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", new)  # the operator dropped the old key too early
    with pytest.raises(CommandError, match="cannot be decrypted with the configured keys.*Put it back"):
        call_command("keys", "status")
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("keys", "rotate")
    assert stored(person.pk) == before  # left exactly as it was
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", f"{new},{OLD}")  # put back
    call_command("keys", "rotate")
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", new)
    assert Person.objects.get(pk=person.pk).given_name == "Zorbina"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite lets one writer in at a time; this checks row locks on PostgreSQL (make test runs both)")
def test_rotation_never_overwrites_a_name_edited_while_it_runs(world, monkeypatch):
    """A caseworker's transaction holds a person's row when rotation reaches it: rotation waits,
    then re-encrypts the edited name, not the one it would have read before the edit."""
    person = world.refer().person
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{OLD}")
    edited, release, errors = threading.Event(), threading.Event(), []

    def caseworker():
        try:
            with transaction.atomic():
                Person.objects.filter(pk=person.pk).update(family_name="Quillfeather-Edited")
                edited.set()
                release.wait(60)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    def rotate():
        try:
            keys_rotate()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    editor = threading.Thread(target=caseworker)
    editor.start()
    assert edited.wait(60)
    rotator = threading.Thread(target=rotate)
    rotator.start()
    waited = False
    for _ in range(600):  # until rotation waits for the caseworker's row lock
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            if cur.fetchone()[0]:
                waited = True
                break
        time.sleep(0.1)
    release.set()
    editor.join(60)
    rotator.join(120)
    assert waited and errors == []
    assert Person.objects.get(pk=person.pk).family_name == "Quillfeather-Edited"
