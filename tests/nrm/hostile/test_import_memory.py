"""The import's memory does not grow with the file: it is streamed, twice, and never held.

``palermo import referrals`` runs as a real process on generated files of tens of megabytes;
its own peak resident set size (from ``wait4``) is compared with the same command on a
three-row file in the same run. Holding the file (its text, its lines, its rows, their
``ReferralIn``) would cost several times the file's size; streaming costs a few bytes a row.
No time is measured.
"""

from __future__ import annotations

import pytest

from palermo.synth.referrals import write_referrals_csv
from tests.nrm.hostile.subproc import palermo_command, palermo_env, prepare_database, run_measured

pytestmark = pytest.mark.slow
MB = 1024 * 1024


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    env = palermo_env(tmp_path_factory.mktemp("import-memory"))
    prepare_database(env)
    return env


def _import(env, path, workdir):
    done = run_measured(palermo_command("import", "referrals", str(path), "--as", "responder", "--no-progress"),
                        env, workdir)
    return done, done.peak_rss_kb * 1024


def test_checking_a_file_twice_as_large_needs_no_more_memory(sqlite_env, tmp_path):
    """The whole file is checked (its last row is invalid, so nothing is written): peak memory
    above a three-row file's stays far below the file's size, and doubling the file adds
    almost nothing."""
    small, medium, large = tmp_path / "small.csv", tmp_path / "medium.csv", tmp_path / "large.csv"
    write_referrals_csv(path=small, rows=3, invalid_last=True, seed=1)
    write_referrals_csv(path=medium, target_bytes=24 * MB, narrative_chars=19_000, invalid_last=True, seed=2)
    write_referrals_csv(path=large, target_bytes=48 * MB, narrative_chars=19_000, invalid_last=True, seed=3)
    peaks = {}
    for path in (small, medium, large):
        done, peaks[path.stem] = _import(sqlite_env, path, tmp_path)
        assert done.returncode != 0 and "column nation" in done.stderr and "nothing was written" in done.stderr
    extra_medium, extra_large = peaks["medium"] - peaks["small"], peaks["large"] - peaks["small"]
    assert extra_medium < 12 * MB, peaks  # a 24 MB file held as text alone would be 24 MB
    assert extra_large < 12 * MB, peaks  # twice the file, no more memory
    assert extra_large - extra_medium < 6 * MB, peaks


def test_writing_a_file_needs_no_more_memory_than_writing_three_rows(sqlite_env, tmp_path):
    small, medium = tmp_path / "small.csv", tmp_path / "medium.csv"
    write_referrals_csv(path=small, rows=3, seed=11)
    rows = write_referrals_csv(path=medium, target_bytes=6 * MB, narrative_chars=19_000, seed=12)
    done_small, peak_small = _import(sqlite_env, small, tmp_path)
    done, peak = _import(sqlite_env, medium, tmp_path)
    assert done_small.returncode == 0 and done.returncode == 0, done.stderr[-2000:]
    assert f"Imported {rows:,} of {rows:,}" in done.stdout
    assert peak - peak_small < 6 * MB, (peak_small, peak)
