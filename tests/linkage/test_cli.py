"""``palermo link people`` end to end through Django's call_command."""

import csv
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.linkage.backends import spark_available
from palermo.synth.people import generate_people, write_people_csv


@pytest.fixture
def people_csv(tmp_path):
    path = tmp_path / "people.csv"
    write_people_csv(records=generate_people(n_records=400, seed=3), path=path)
    return path


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_link_people_writes_clusters_and_pairs(people_csv, tmp_path):
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    stdout = io.StringIO()
    call_command(
        "link", "people", "--input", str(people_csv), "--output", str(out), "--pairs", str(pairs),
        "--threshold", "0.9", "--pairs-threshold", "0.6", stdout=stdout, verbosity=0,
    )  # fmt: skip
    rows = read(out)
    assert len(rows) == 400
    assert list(rows[0]) == ["record_id", "cluster_id", "match_probability"]
    assert any(r["record_id"] != r["cluster_id"] for r in rows)
    assert all(float(p["match_probability"]) >= 0.6 for p in read(pairs))
    assert "400 records" in stdout.getvalue()


def test_bad_input_reports_line_and_column_and_writes_nothing(people_csv, tmp_path):
    lines = people_csv.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[3] = "1999-13-40"
    lines[3] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    with pytest.raises(CommandError) as err:
        call_command("link", "people", "--input", str(bad), "--output", str(out), verbosity=0)
    assert "line 4, column date_of_birth" in str(err.value)
    assert "nothing was written" in str(err.value)
    assert not out.exists()
    assert set(tmp_path.iterdir()) == {people_csv, bad}  # no temporary file left behind either


def test_missing_columns_are_reported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,given_name\n1,Anna\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column.*family_name.*date_of_birth"):
        call_command("link", "people", "--input", str(bad), "--output", str(tmp_path / "o.csv"), verbosity=0)


def test_repeated_record_id_is_reported(people_csv, tmp_path):
    lines = people_csv.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "dup.csv"
    bad.write_text("\n".join([*lines[:3], lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 4, column record_id: .* already used on line 3"):
        call_command("link", "people", "--input", str(bad), "--output", str(tmp_path / "o.csv"), verbosity=0)


@pytest.mark.skipif(spark_available(), reason="pyspark is installed here")
def test_spark_backend_without_pyspark_says_so(people_csv, tmp_path):
    with pytest.raises(CommandError, match="pyspark is not installed"):
        call_command(
            "link", "people", "--input", str(people_csv), "--output", str(tmp_path / "o.csv"),
            "--backend", "spark", verbosity=0,
        )  # fmt: skip
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.skipif(not spark_available(), reason="pyspark is not installed (pip install 'splink[spark]')")
@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not available for Spark local mode")
def test_same_job_on_spark_local_mode(people_csv, tmp_path):
    """The same small job on Spark in local mode gives the same clusters as DuckDB."""
    duck, spark = tmp_path / "duck.csv", tmp_path / "spark.csv"
    call_command("link", "people", "--input", str(people_csv), "--output", str(duck), verbosity=0)
    call_command(
        "link",
        "people",
        "--input",
        str(people_csv),
        "--output",
        str(spark),
        "--backend",
        "spark",
        verbosity=0,
    )
    duck_rows = {r["record_id"]: r["cluster_id"] for r in read(duck)}
    spark_rows = {r["record_id"]: r["cluster_id"] for r in read(spark)}
    assert duck_rows == spark_rows


def test_train_subcommand_writes_a_model(tmp_path):
    out = tmp_path / "model.json"
    call_command(
        "link", "train", "--records", "2000", "--output", str(out), verbosity=0, stdout=io.StringIO()
    )
    assert out.exists() and out.stat().st_size < 1_000_000


def test_records_without_a_full_date_are_placed_unless_switched_off(tmp_path):
    path = tmp_path / "people.csv"
    records = generate_people(n_records=1500, seed=8)
    write_people_csv(records=records, path=path)
    on, off = tmp_path / "on.csv", tmp_path / "off.csv"
    stdout = io.StringIO()
    call_command("link", "people", "--input", str(path), "--output", str(on), stdout=stdout, verbosity=0)
    assert "placed without a full date of birth" in stdout.getvalue()
    call_command("link", "people", "--input", str(path), "--output", str(off), "--no-assign", verbosity=0)
    clusters_on = {r["record_id"]: r["cluster_id"] for r in read(on)}
    clusters_off = {r["record_id"]: r["cluster_id"] for r in read(off)}
    assert len(set(clusters_on.values())) < len(set(clusters_off.values()))
    # only a record with no full date of birth (missing or 1 January) moves between the two runs
    dob = {r["record_id"]: r["date_of_birth"] for r in records}
    moved = {rid for rid in clusters_on if clusters_on[rid] != clusters_off[rid]}
    lone = {rid for rid in moved if sum(c == clusters_on[rid] for c in clusters_on.values()) > 1}
    assert any(dob[rid] == "" or dob[rid].endswith("-01-01") for rid in lone)
    with pytest.raises(CommandError):
        call_command("link", "people", "--input", str(path), "--output", str(off), "--assign-threshold", "1.5")
