"""Anchors: each seal appends the signed chain head to a file outside the database (and can print
it for an external log); verify checks the chain against them and reports any line that is not
a validly signed anchor."""

import json
import stat

import pytest
from django.core.management import CommandError, call_command

from palermo.core.audit import audit_anchor, audit_record, audit_seal, audit_verify
from tests.core import chain_attacker as attacker

pytestmark = pytest.mark.django_db


def _events(n=3):
    for i in range(n):
        audit_record(actor=None, action="test.event", object_type="test", object_id=i, detail={"i": i})


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_seal_that_moves_the_head_appends_one_signed_anchor(audit_anchor_file, capsys):
    _events()
    call_command("audit", "seal")
    first = audit_anchor_file.read_text()
    call_command("audit", "seal")  # nothing new: the head has not moved, no new line
    _events(2)
    call_command("audit", "seal")
    assert audit_anchor_file.read_text().startswith(first)
    assert [(a["seq"], a["kind"]) for a in _lines(audit_anchor_file)] == [(3, "seal"), (5, "seal")]
    assert stat.S_IMODE(audit_anchor_file.stat().st_mode) == 0o600
    capsys.readouterr()
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"Anchors: 2 checked in {audit_anchor_file}." in out
    assert "Audit chain OK: 5 events verified, 0 pending sealing." in out


def test_seal_print_gives_a_line_that_an_external_copy_can_be_checked_against(tmp_path, audit_anchor_file, capsys):
    """The printed line, kept elsewhere (here with a syslog prefix), still proves a cut-off tail
    after the local anchor file lost its last lines too."""
    _events(5)
    capsys.readouterr()
    call_command("audit", "seal", "--print")
    printed = capsys.readouterr().out.strip()
    external = tmp_path / "syslog-copy.log"
    external.write_text(f"Dec  1 12:00:00 host palermo-audit: {printed}\n")
    attacker.truncate(keep=2)
    audit_anchor_file.write_text("")  # someone with access to the server empties the local file
    with pytest.raises(CommandError, match="events 3 to 5 were removed"):
        call_command("audit", "verify", "--anchor", str(external))


def test_a_forged_anchor_line_is_reported_and_not_trusted(audit_anchor_file):
    _events()
    call_command("audit", "seal")
    real = _lines(audit_anchor_file)[0]
    forged = {**real, "seq": 99, "hash": "ab" * 32}  # copies the key id; cannot compute the signature
    with audit_anchor_file.open("a") as fh:
        fh.write(json.dumps(forged) + "\n")
    r = audit_verify()
    assert not r.ok and r.problems == [f"anchor line 2 of {audit_anchor_file} does not carry a valid signature: "
                                       "the line was forged or altered"]
    assert r.anchors_checked == 1  # the real one; the forged one does not make the chain look cut off


def test_an_anchor_signed_with_another_key_names_both_keys(audit_anchor_file, monkeypatch):
    _events()
    audit_seal()
    monkeypatch.setenv("PALERMO_AUDIT_KEY", "another-installations-audit-key-0123456789")
    audit_anchor()
    monkeypatch.undo()
    r = audit_verify()
    assert not r.ok and len(r.problems) == 1
    assert "is not signed with the configured audit key (it names key" in r.problem


def test_an_unreadable_anchor_line_is_reported(audit_anchor_file):
    _events()
    call_command("audit", "seal")
    with audit_anchor_file.open("a") as fh:
        fh.write("not an anchor\n")
    r = audit_verify()
    assert not r.ok and r.problem == f"anchor line 2 of {audit_anchor_file} is not a readable anchor (not a JSON object)"


def test_an_external_anchor_file_that_does_not_exist_is_an_error(tmp_path):
    _events()
    call_command("audit", "seal")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit", "verify", "--anchor", str(tmp_path / "missing.jsonl"))


def test_without_an_anchor_file_yet_verify_says_the_end_cannot_be_checked(capsys):
    _events()
    call_command("audit", "verify")  # seals, but only `audit seal` writes anchors
    captured = capsys.readouterr()
    assert "Anchors: 0 checked in" in captured.out
    assert "the end of the chain cannot be checked" in captured.err
