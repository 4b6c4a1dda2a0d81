"""``palermo link run`` killed with SIGKILL while it writes leaves no half-written batch — none of
the run's possible matches, no rescoring half applied, no audit event — and a rerun completes.

Hundreds of synthetic people are each referred several times (bulk inserts), so the run has
thousands of pairs to write; a few pending possible matches from an "older model" wait to be
rescored. The real command runs in its own process and is killed once its progress says it has
stored a thousand new possible matches, in the middle of its writing."""

from __future__ import annotations

import pytest

from palermo.linkage.models import LinkCandidate
from palermo.people.models import Person
from tests.ops.databases import default_database, new_database, palermo, run_and_kill
from tests.ops.population import populate_linkable

pytestmark = pytest.mark.slow

LINKAGE = ("linkage_linkcandidate", "linkage_historicallinkcandidate")


def state(db) -> dict:
    return {
        "linkage": {t: sorted(db.query(f'SELECT * FROM "{t}"'), key=repr) for t in LINKAGE},
        "runs": db.query("SELECT count(*) FROM core_auditevent WHERE action = 'link.batch_run'")[0][0],
    }


def test_link_run_killed_while_writing_leaves_nothing_half_written_and_a_rerun_completes(tmp_path, django_db_blocker):
    db = new_database(tmp_path, "link", migrated=True)
    try:
        with django_db_blocker.unblock(), default_database(db):
            populate_linkable(people=260, copies=5)
            # Pending possible matches scored by an earlier model, for the run to rescore.
            first = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:40])
            for a, b in zip(first[0::2], first[1::2], strict=True):
                LinkCandidate.objects.create(person_a_id=a, person_b_id=b, match_probability=0.81, match_weight=4.0,
                                             model_version="an-older-model", found_by="batch")  # fmt: skip
        before = state(db)
        assert len(before["linkage"]["linkage_linkcandidate"]) == 20 and before["runs"] == 0

        lines = run_and_kill(db, ["link", "run", "--report", str(tmp_path / "report.html")],
                             lambda line: "Stored 1,000 of" in line)  # fmt: skip
        assert not any(line.strip().endswith("Written") for line in lines)
        assert state(db) == before  # all or nothing: nothing

        run = palermo(db, "link", "run", "--report", str(tmp_path / "report.html"))
        assert "new possible matches for review" in run.stdout
        after = state(db)
        created = len(after["linkage"]["linkage_linkcandidate"]) - 20
        assert created > 1000 and after["runs"] == 1
        stale = db.query("SELECT count(*) FROM linkage_linkcandidate WHERE model_version = 'an-older-model'")[0][0]
        assert stale == 0  # every older-model candidate rescored by the completed run
    finally:
        db.drop()
