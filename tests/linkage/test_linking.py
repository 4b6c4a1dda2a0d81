"""Linkage accuracy on small labelled synthetic sets (fixed seeds), and the library API."""

import json

import pytest

from palermo.linkage.clustering import ASSIGN_FLOOR
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
    # records joined at the link threshold, or placed without a full date of birth at a lower one
    assert all(ASSIGN_FLOOR <= r["match_probability"] <= 1.0 for r in rows)
    assert sum(r["match_probability"] < 0.9 for r in rows) <= linked.stats["assigned_without_full_date"] * 5
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


def test_placing_records_without_a_full_date_raises_recall_and_f1():
    """The dateless step finds links below the threshold that one-to-one matching misses."""
    records = generate_people(n_records=4000, seed=21)
    truth = {r["record_id"]: r["person_id"] for r in records}

    def scores(**kw):
        result = link_records(records=records, **kw)
        return pairwise_scores(cluster_of={r["record_id"]: r["cluster_id"] for r in result.clusters.to_pylist()}, truth_of=truth)

    off, on = scores(assign_threshold=None), scores()
    assert on.recall > off.recall
    assert on.f1 > off.f1
    assert on.precision >= 0.9


def test_scores_by_stratum_add_up_to_the_whole():
    from palermo.linkage.evaluation import pairwise_scores_by_stratum

    truth = {"a": "P1", "b": "P1", "c": "P1", "d": "P2", "e": "P2"}
    clusters = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    kind = {"a": "full", "b": "full", "c": "missing", "d": "full", "e": "missing"}
    by = pairwise_scores_by_stratum(cluster_of=clusters, truth_of=truth, stratum_of=kind)
    whole = pairwise_scores(cluster_of=clusters, truth_of=truth)
    assert sum(s.true_positives for s in by.values()) == whole.true_positives == 1
    assert sum(s.predicted_pairs for s in by.values()) == whole.predicted_pairs == 2
    assert sum(s.true_pairs for s in by.values()) == whole.true_pairs == 4
    assert by["full+full"].recall == 1.0 and by["full+full"].precision == 1.0
    assert by["full+missing"].true_pairs == 3 and by["full+missing"].true_positives == 0
    assert by["full+missing"].predicted_pairs == 1 and by["full+missing"].precision == 0.0


def test_oracle_ceiling_is_perfect_without_missing_dates_and_below_one_with_them():
    from palermo.linkage.evaluation import oracle_ceiling
    from palermo.synth.people import ErrorRates

    people: dict = {}
    clean = ErrorRates(missing_dob=0, placeholder_dob=0, age_assessed=0)
    records = generate_people(n_records=3000, seed=5, rates=clean, people_out=people)
    ceiling = oracle_ceiling(records=records, people=people)
    # every record whose true birthday is not 1 January has a full date: nothing left to guess
    assert ceiling["guess<=1"].precision == 1.0
    assert ceiling["guess<=1"].recall > 0.99
    people = {}
    records = generate_people(n_records=20000, seed=5, people_out=people)
    assert set(people) == {r["person_id"] for r in records}
    ceiling = oracle_ceiling(records=records, people=people)
    assert ceiling["guess<=1"].precision == 1.0  # only sure links: never a wrong one
    assert ceiling["guess always"].recall > ceiling["guess<=1"].recall
    assert ceiling["guess<=1"].f1 < 1.0
    # without knowing who is seen only once, the same links plus some wrong ones
    fair = ceiling["one person seen"]
    assert fair.recall == ceiling["guess<=1"].recall
    assert fair.precision < 1.0 and fair.f1 <= ceiling["guess<=1"].f1
