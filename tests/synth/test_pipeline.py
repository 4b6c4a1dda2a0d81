"""The two-process pipeline of ``palermo synth`` (``synth/pipeline.py``): the same rows as
making them in-process, whole batches only when a generator fails or the writer is
interrupted, a clear error rather than a hang, and no generator process outliving its parent."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.db import connection

from palermo.nrm.models import Case
from palermo.people.models import Person
from palermo.synth import bulk
from palermo.synth.models import SynthRun
from palermo.synth.pipeline import GeneratorFailed, Generators

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="palermo synth writes SQLite only (docs/synth.md)")


def _run(tmp_path, processes, cases=500, seed=5, batch_size=200, **kw):
    return bulk.synth_run(profile="uk-2023", cases=cases, seed=seed, batch_size=batch_size, processes=processes,
                          truth=tmp_path / f"truth-{seed}-{processes}.csv", **kw)


def _no_generator_left() -> bool:
    for _ in range(50):
        if not [p for p in mp.active_children() if p.name == "palermo-synth-generator"]:
            return True
        time.sleep(0.1)
    return False


@sqlite_only
@pytest.mark.django_db
def test_pipelined_runs_write_the_rows_of_an_in_process_run(tmp_path, snapshot):
    """One or two generator processes: the very ids and values of making every batch here."""
    here = snapshot(_run(tmp_path, processes=0))
    assert snapshot(_run(tmp_path, processes=1)) == here
    assert snapshot(_run(tmp_path, processes=2)) == here
    assert _no_generator_left()


@sqlite_only
@pytest.mark.django_db
def test_generator_error_is_raised_whole_batches_stay_and_the_run_resumes(tmp_path, snapshot, monkeypatch):
    """An exception while making batch 1 in the generator process is raised in the writer with
    its traceback; batch 0 alone is written; the same command then resumes to the same rows."""
    whole = snapshot(_run(tmp_path, processes=0, seed=6))
    real = bulk.batch_rows

    def failing(plan, staff, base, a, *args):
        if a == 200:
            raise ZeroDivisionError("boom in the generator")
        return real(plan, staff, base, a, *args)

    monkeypatch.setattr(bulk, "batch_rows", failing)
    with pytest.raises(GeneratorFailed, match="(?s)making batch 1 failed.*ZeroDivisionError: boom in the generator"):
        _run(tmp_path, processes=1, seed=6)
    assert _no_generator_left()
    run = SynthRun.objects.get(finished_at__isnull=True)
    assert run.batches_done == 1
    assert Case.objects.filter(pk__gte=run.base_ids["case"]).count() == 200
    assert Person.objects.filter(pk__gte=run.base_ids["person"]).count() == 200
    monkeypatch.setattr(bulk, "batch_rows", real)
    assert snapshot(_run(tmp_path, processes=1, seed=6)) == whole


@sqlite_only
@pytest.mark.django_db
def test_generator_that_dies_is_an_error_not_a_hang(tmp_path, monkeypatch):
    real = bulk.batch_rows

    def dying(plan, staff, base, a, *args):
        if a == 200:
            os._exit(3)
        return real(plan, staff, base, a, *args)

    monkeypatch.setattr(bulk, "batch_rows", dying)
    with pytest.raises(GeneratorFailed, match=r"stopped while making batch 1 \(exit code 3\)"):
        _run(tmp_path, processes=1, seed=8)
    assert _no_generator_left()
    assert SynthRun.objects.get(finished_at__isnull=True).batches_done == 1


@sqlite_only
@pytest.mark.django_db
def test_interrupted_writer_stops_its_generators_and_leaves_whole_batches(tmp_path, snapshot):
    """Ctrl-C in the writer (a ``KeyboardInterrupt`` while batch 1 is open, with the generators
    busy making the next ones): batch 0 only, no generator left, and resuming gives the rows."""
    whole = snapshot(_run(tmp_path, processes=0, seed=9, cases=900))

    def boom(batch):
        if batch == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, processes=2, seed=9, cases=900, after_batch=boom)
    assert _no_generator_left()
    run = SynthRun.objects.get(finished_at__isnull=True)
    assert run.batches_done == 1 and Case.objects.filter(pk__gte=run.base_ids["case"]).count() == 200
    assert snapshot(_run(tmp_path, processes=2, seed=9, cases=900)) == whole


def _slow(batch):
    time.sleep(60)
    return {}


def test_generators_answer_in_order_and_stop_when_closed():
    with Generators(lambda b: {"batch": b, "pid": os.getpid()}, range(3, 9), processes=2) as made:
        got = [made.get(b) for b in range(3, 9)]
    assert [g["batch"] for g in got] == list(range(3, 9))
    assert len({g["pid"] for g in got}) == 2 and os.getpid() not in {g["pid"] for g in got}
    assert _no_generator_left()
    with Generators(_slow, range(2), processes=1):  # closed while busy: terminated, not waited for
        pass
    assert _no_generator_left()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_generator_outlives_a_killed_parent(tmp_path):
    """The parent killed outright (SIGKILL: no clean-up runs) while its generator is busy: the
    kernel stops the generator too (PR_SET_PDEATHSIG)."""
    script = textwrap.dedent("""
        import os, signal, sys, time
        from palermo.synth.pipeline import Generators

        def slow(batch):
            time.sleep(120)

        g = Generators(slow, range(4), processes=1)
        print(g.procs[0].pid, flush=True)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=os.getcwd(), check=False)
    assert out.returncode == -signal.SIGKILL
    pid = int(out.stdout.split()[0])
    for _ in range(50):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):  # dead, not yet reaped
                    return
        except FileNotFoundError:
            return
        time.sleep(0.1)
    pytest.fail(f"generator {pid} outlived its parent")
