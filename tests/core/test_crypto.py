"""Direct identifiers are encrypted at rest, searchable only through a keyed blind index."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from palermo.core import crypto
from palermo.people.models import Person

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip_and_empty_string_stays_empty():
    token = crypto.encrypt("Zorbina Quillfeather")
    assert token.startswith("gAAAA") and "Zorbina" not in token
    assert crypto.decrypt(token) == "Zorbina Quillfeather"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_a_bad_token_raises_and_never_returns_ciphertext():
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("gAAAAAnot-a-token")
    other = Fernet(Fernet.generate_key()).encrypt(b"secret").decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(other)


@given(st.text(min_size=1, max_size=40))
def test_normalisation_is_idempotent(value):
    once = crypto.normalise_for_index(value)
    assert crypto.normalise_for_index(once) == once


def test_blind_index_ignores_case_accents_and_spacing_but_not_purpose():
    a = crypto.blind_index("Nguyễn  Thị", purpose="family_name")
    assert a == crypto.blind_index("nguyen thi", purpose="family_name")
    assert a != crypto.blind_index("nguyen thi", purpose="alias")
    assert crypto.blind_index("", purpose="family_name") == ""


@pytest.mark.django_db
def test_stored_columns_hold_ciphertext_only(world):
    person = world.refer().person
    with connection.cursor() as cur:
        cur.execute("SELECT given_name, family_name, date_of_birth, contact_details FROM people_person WHERE id = %s", [person.pk])
        given, family, dob, _ = cur.fetchone()
        cur.execute("SELECT narrative FROM nrm_referral WHERE person_id = %s", [person.pk])
        (narrative,) = cur.fetchone()
        cur.execute("SELECT family_name FROM people_historicalperson WHERE id = %s", [person.pk])
        (hist_family,) = cur.fetchone()
    for stored in (given, family, dob, narrative, hist_family):
        assert stored.startswith("gAAAA")
    assert "Quillfeather" not in family and "1994" not in dob
    person = Person.objects.get(pk=person.pk)
    assert person.family_name == "Quillfeather" and person.date_of_birth.isoformat() == "1994-05-06"


@pytest.mark.django_db
def test_encrypted_columns_refuse_plaintext_filters(world):
    world.refer()
    with pytest.raises(Exception, match="Unsupported lookup|not permitted|lookup"):
        list(Person.objects.filter(family_name="Quillfeather"))


@pytest.mark.django_db
def test_key_rotation_re_encrypts_under_the_new_key(world, monkeypatch):
    person = world.refer().person
    old = os.environ["PALERMO_ENCRYPTION_KEYS"]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", f"{new},{old}")
    call_command("keys", "rotate")
    monkeypatch.setenv("PALERMO_ENCRYPTION_KEYS", new)  # old key removed
    assert Person.objects.get(pk=person.pk).family_name == "Quillfeather"


def test_database_file_has_no_plaintext_demo_name(tmp_path):
    """A raw dump of the SQLite file (and its WAL) must not contain a demo person's name."""
    env = {**os.environ, "PALERMO_ENV": "development", "PALERMO_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "palermo", "demo", "--cases", "25"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    names = subprocess.run(
        [sys.executable, "-m", "palermo", "shell", "-c",
         "from palermo.people.models import Person\n"
         "print('\\n'.join('NAME:' + n for n in sorted({n for p in Person.objects.all() for n in (p.given_name, p.family_name) if n})))"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()
    # Names of five letters or more: shorter ones ("Le", "Vu") occur by chance in base64 ciphertext.
    names = [line[5:] for line in names if line.startswith("NAME:") and len(line) >= 10]
    assert len(names) >= 10
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("palermo.sqlite3*"))
    assert b"Metropolitan Police Service" in raw, "the dump should show unencrypted columns (test can fail)"
    for name in names:
        assert name.encode() not in raw, f"{name} found in plaintext in the database file"
    assert b"Synthetic demo narrative" not in raw


def test_production_refuses_to_start_without_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_"))}
    env.update({"PALERMO_ENV": "production", "PALERMO_DATA_DIR": str(tmp_path)})
    r = subprocess.run([sys.executable, "-m", "palermo", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "DJANGO_SECRET_KEY" in r.stderr
    env["DJANGO_SECRET_KEY"] = "x" * 50
    r = subprocess.run([sys.executable, "-m", "palermo", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "PALERMO_ENCRYPTION_KEYS" in r.stderr
