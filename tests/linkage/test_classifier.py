"""The pair classifier (palermo.linkage.classifier): trained on labelled synthetic pairs, saved
as JSON, walked with numpy, and used by ``link_records`` / ``palermo link people --classifier``."""

import csv
import io
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from splink import Linker

from palermo.linkage import classifier as C
from palermo.linkage.backends import open_backend
from palermo.linkage.evaluation import pairwise_scores
from palermo.linkage.linking import clean_table, link_records
from palermo.linkage.model import load_model
from palermo.synth.people import generate_people, write_people_csv


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A classifier trained on two small synthetic sets (seeds 11 and 12), saved and reloaded."""
    path = tmp_path_factory.mktemp("classifier") / "classifier.json"
    messages = []
    loaded = C.train_classifier(output=path, sizes=(4000, 16000), seed=11, progress=messages.append)
    return path, loaded, messages


def _features(n_records, seed):
    records = generate_people(n_records=n_records, seed=seed, names="calibrated")
    table = clean_table(records)
    engine = open_backend(name="duckdb")
    try:
        people = engine.register(table=table, name="people_clean")
        settings = load_model().settings_for(dialect="duckdb", n_records=n_records)
        pred = Linker(people, settings, log_level=logging.WARNING).inference.predict(
            threshold_match_probability=C.CANDIDATE_FLOOR, warning_mode="never"
        )
        raw = engine.db_api.duckdb_con.sql(
            C.feature_sql(pairs=pred.physical_name, people=people.physical_name)
        ).to_arrow_table()
    finally:
        engine.close()
    person = {r["record_id"]: r["person_id"] for r in records}
    labels = np.array(
        [person[a] == person[b] for a, b in zip(raw["unique_id_l"].to_pylist(), raw["unique_id_r"].to_pylist(), strict=True)]
    )
    return C.feature_matrix(raw, n_records=n_records), labels


def test_the_saved_trees_give_scikit_learns_probabilities(tmp_path):
    features, labels = _features(6000, seed=5)
    model = C.fit_classifier(features=features, labels=labels, seed=5)
    path = tmp_path / "c.json"
    C.save_classifier(C.export_classifier(model, metadata={"training_data": "test"}), path)
    loaded = C.load_classifier(path)
    held_out, _ = _features(3000, seed=6)
    for rows in (features, held_out):
        np.testing.assert_allclose(loaded.predict(rows), model.predict_proba(rows)[:, 1], rtol=0, atol=1e-12)
    # the file is data, not code: JSON with the format, the features and the training recorded
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["palermo"]["classifier_format"] == C.CLASSIFIER_FORMAT
    assert document["palermo"]["features"] == list(C.FEATURES)
    assert len(document["trees"]) == len(loaded.trees) > 1


def test_training_records_what_it_learnt_from(trained):
    path, loaded, messages = trained
    assert loaded.metadata["training_data"].endswith("4000 records, seed 11; 16000 records, seed 12")
    assert loaded.metadata["training_pairs"] > 10_000
    assert any("candidate pairs" in m for m in messages) and any("saved to" in m for m in messages)


def test_it_links_a_held_out_population_better_than_the_model_alone(trained):
    """On records of a seed it never saw, re-scoring the pairs raises pairwise F1 (the point of it)."""
    _, loaded, _ = trained
    records = generate_people(n_records=16000, seed=2024, names="calibrated")
    truth = {r["record_id"]: r["person_id"] for r in records}
    scores = {}
    for name, classifier in (("model", None), ("classifier", loaded)):
        result = link_records(records=records, classifier=classifier)
        clusters = dict(zip(result.clusters["record_id"].to_pylist(), result.clusters["cluster_id"].to_pylist(), strict=True))
        scores[name] = pairwise_scores(cluster_of=clusters, truth_of=truth)
    assert scores["classifier"].f1 > scores["model"].f1 + 0.002, scores
    assert result.stats["classifier"] == loaded.metadata["trained_at"]


def test_returned_pairs_carry_the_classifiers_probability(trained):
    path, loaded, _ = trained
    records = generate_people(n_records=3000, seed=8, names="calibrated")
    result = link_records(records=records, classifier=path, pairs_threshold=0.5)
    pairs = result.pairs
    assert pairs.num_rows > 0
    p = np.array(pairs["match_probability"].to_pylist())
    w = np.array(pairs["match_weight"].to_pylist())
    assert (p >= 0.5).all() and (p < 1).all()
    np.testing.assert_allclose(w, np.log2(p / (1 - p)), rtol=1e-9)  # the weight is the classifier's log odds
    assert set(pairs["gamma_name"].to_pylist()) <= {-1, 0, 1, 2, 3, 4, 5}


def test_a_damaged_or_foreign_classifier_is_refused(trained, tmp_path):
    path, _, _ = trained
    good = json.loads(path.read_text(encoding="utf-8"))

    def write(doc, name):
        target = tmp_path / name
        target.write_text(json.dumps(doc), encoding="utf-8")
        return target

    with pytest.raises(C.ClassifierError, match="cannot read"):
        C.load_classifier(tmp_path / "missing.json")
    (tmp_path / "not.json").write_text("{trees", encoding="utf-8")
    with pytest.raises(C.ClassifierError, match="cannot read"):
        C.load_classifier(tmp_path / "not.json")
    with pytest.raises(C.ClassifierError, match="format 'palermo-pair-classifier-0'"):
        C.load_classifier(write({**good, "palermo": {**good["palermo"], "classifier_format": "palermo-pair-classifier-0"}}, "old.json"))
    with pytest.raises(C.ClassifierError, match="retrain it"):
        C.load_classifier(write({**good, "palermo": {**good["palermo"], "model_format": "palermo-people-1"}}, "levels.json"))
    tree = dict(good["trees"][0])
    inner = tree["leaf"].index(0)
    tree["left"] = list(tree["left"])
    tree["left"][inner] = 10_000
    with pytest.raises(C.ClassifierError, match="child index is out of range"):
        C.load_classifier(write({**good, "trees": [tree]}, "bounds.json"))
    tree["left"][inner] = 0  # back to the root: a walk that would never end
    with pytest.raises(C.ClassifierError, match="child index is out of range"):
        C.load_classifier(write({**good, "trees": [tree]}, "cycle.json"))
    tree = dict(good["trees"][0], feature=[99] * len(good["trees"][0]["feature"]))
    with pytest.raises(C.ClassifierError, match="unknown feature"):
        C.load_classifier(write({**good, "trees": [tree]}, "feature.json"))
    with pytest.raises(C.ClassifierError, match="no trees"):
        C.load_classifier(write({**good, "trees": []}, "empty.json"))


def test_the_classifier_is_refused_on_spark_before_anything_runs(trained):
    path, _, _ = trained
    with pytest.raises(ValueError, match="DuckDB only"):
        link_records(records=generate_people(n_records=50, seed=1), classifier=path, backend="spark")


def test_link_people_with_a_classifier_from_the_command_line(trained, tmp_path):
    path, _, _ = trained
    people = tmp_path / "people.csv"
    write_people_csv(records=generate_people(n_records=400, seed=3, names="calibrated"), path=people)
    out = tmp_path / "clusters.csv"
    stdout = io.StringIO()
    call_command(
        "link", "people", "--input", str(people), "--output", str(out), "--classifier", str(path),
        stdout=stdout, verbosity=0,
    )  # fmt: skip
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 400 and any(r["record_id"] != r["cluster_id"] for r in rows)
    # a classifier that cannot be used: a clear error and nothing written
    bad = tmp_path / "bad.json"
    bad.write_text('{"palermo": {"classifier_format": "something else"}}', encoding="utf-8")
    out2 = tmp_path / "clusters2.csv"
    with pytest.raises(CommandError, match="has format 'something else'"):
        call_command("link", "people", "--input", str(people), "--output", str(out2), "--classifier", str(bad), verbosity=0)
    assert not out2.exists()


def test_train_classifier_from_the_command_line(tmp_path):
    out = tmp_path / "c.json"
    stdout = io.StringIO()
    call_command("link", "train-classifier", "--output", str(out), "--sizes", "2000,3000", "--seed", "4",
                 stdout=stdout, verbosity=0)  # fmt: skip
    assert "saved to" in stdout.getvalue()
    assert C.load_classifier(out).metadata["training_data"].endswith("2000 records, seed 4; 3000 records, seed 5")
    for sizes, message in (("2000,lots", "whole numbers"), ("50", "at least 100 records")):
        with pytest.raises(CommandError, match=message):
            call_command("link", "train-classifier", "--output", str(tmp_path / "x.json"), "--sizes", sizes, verbosity=0)
    assert not (tmp_path / "x.json").exists()


def test_a_classifier_is_refused_with_another_model_than_it_was_trained_with(trained):
    """Its features are the model's candidate pairs: another model's pairs are not what it learnt."""
    path, loaded, _ = trained
    assert loaded.metadata["fs_model_fingerprint"] == load_model().fingerprint
    other = load_model(path=Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "linkage_model_calibrated.json")
    assert other.fingerprint != load_model().fingerprint
    with pytest.raises(C.ClassifierError, match="trained on the candidate pairs of another linkage model"):
        link_records(records=generate_people(n_records=50, seed=1), classifier=path, model=other)
