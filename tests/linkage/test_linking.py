"""Linkage accuracy on small labelled synthetic sets (fixed seeds), and the library API."""

import json

import pytest

from palermo.linkage.evaluation import exact_match_clusters, pairwise_scores
from palermo.linkage.linking import link_records, score_new_records, train_model
from palermo.linkage.model import MODEL_FORMAT, ModelError, load_model, prior_for
from palermo.synth.people import generate_people


@pytest.fixture(scope="module")
def labelled():
    records = generate_people(n_records=2000, seed=101)
    return records, {r["record_id"]: r["person_id"] for r in records}


@pytest.fixture(scope="module")
def linked(labelled):
    records, _ = labelled
    return link_records(records=records, pairs_threshold=0.5)


def test_packaged_model_is_accurate_and_beats_exact_matching(labelled, linked):
    """With the packaged model, pairwise F1 is high and well above exact (name, DOB) matching."""
    records, truth = labelled
    clusters = {r["record_id"]: r["cluster_id"] for r in linked.clusters.to_pylist()}
    ours = pairwise_scores(cluster_of=clusters, truth_of=truth)
    exact = pairwise_scores(cluster_of=exact_match_clusters(records), truth_of=truth)
    assert ours.precision >= 0.9
    assert ours.f1 >= 0.85
    assert ours.f1 >= exact.f1 + 0.2


def test_clusters_cover_every_record_in_input_order(labelled, linked):
    records, _ = labelled
    rows = linked.clusters.to_pylist()
    assert [r["record_id"] for r in rows] == [r["record_id"] for r in records]
    assert all(0.9 <= r["match_probability"] <= 1.0 for r in rows)
    singletons = {r["cluster_id"] for r in rows}
    assert len(singletons) == linked.stats["clusters"]


def test_pairs_are_returned_above_the_pairs_threshold(linked):
    pairs = linked.pairs.to_pylist()
    assert pairs and min(p["match_probability"] for p in pairs) >= 0.5
    assert {"record_id_l", "record_id_r", "gamma_name", "gamma_dob"} <= set(pairs[0])


def test_swapped_transliterated_record_links():
    """Zhang Wei / WEI Chang, same birthday, links; a different person of the same name does not."""
    base = generate_people(n_records=500, seed=7)
    extra = [
        {"record_id": "a", "given_name": "Wei", "family_name": "Zhang", "date_of_birth": "1990-05-17",
         "gender": "M", "nationality": "China"},
        {"record_id": "b", "given_name": "CHANG", "family_name": "Wei", "date_of_birth": "1990-05-17",
         "gender": "male", "nationality": "CHN"},
        {"record_id": "c", "given_name": "Wei", "family_name": "Zhang", "date_of_birth": "1971-11-02",
         "gender": "M", "nationality": "CN"},
    ]  # fmt: skip
    rows = {r["record_id"]: r["cluster_id"] for r in link_records(records=base + extra).clusters.to_pylist()}
    assert rows["a"] == rows["b"]
    assert rows["c"] != rows["a"]


def test_score_new_records_against_known(labelled):
    """New referrals of known people are found; pairs name the new and the known record."""
    records, truth = labelled
    known, new = records[:1500], records[1500:]
    pairs = score_new_records(new_records=new, known_records=known, threshold=0.9, within_new=False)
    assert pairs
    new_ids = {r["record_id"] for r in new}
    assert all(p["new_record_id"] in new_ids and p["known_record_id"] not in new_ids for p in pairs)
    right = sum(truth[p["new_record_id"]] == truth[p["known_record_id"]] for p in pairs)
    assert right / len(pairs) >= 0.9
    probabilities = [p["match_probability"] for p in pairs]
    assert probabilities == sorted(probabilities, reverse=True)


def test_train_model_saves_versioned_json(tmp_path):
    """Training writes JSON with the format version, training date and record count, and it loads."""
    path = tmp_path / "model.json"
    model = train_model(records=generate_people(n_records=3000, seed=9), output=path, training_data="test")
    document = json.loads(path.read_text())
    assert document["palermo"]["model_format"] == MODEL_FORMAT
    assert document["palermo"]["trained_at"]
    assert model.training_records == 3000
    levels = document["splink"]["comparisons"][0]["comparison_levels"]
    assert all("m_probability" in lev for lev in levels if not lev.get("is_null_level"))


def test_model_of_another_format_is_refused(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"link_type": "dedupe_only"}))
    with pytest.raises(ModelError, match="format"):
        load_model(path=path)


def test_prior_falls_with_data_size():
    """λ trained on 50k records is 20 times smaller for 1M records."""
    assert prior_for(trained_prior=2e-5, training_records=50_001, n_records=1_000_001) == pytest.approx(1e-6)
