"""The pair classifier: a second opinion on each candidate pair, learnt from labelled pairs.

The Fellegi–Sunter model (:mod:`.model`) adds up the evidence of each comparison as if the
comparisons were independent. They are not: names come from nationality- and sex-specific
pools, so among *different* people with alike names nationality agrees 89–98% of the time and
gender 78–94% (against 14% and 52% for random pairs), and the model counts that agreement
again as evidence of a match (docs/linkage.md, *Second attempt*). It also counts an exact
rare name the same whatever else is known of the records. A classifier over the same
comparison vector learns those interactions from pairs whose truth is known.

It re-scores the candidate pairs that the Fellegi–Sunter model finds at or above
:data:`CANDIDATE_FLOOR`, from ten features of each pair (:data:`FEATURES`): the four
comparison levels, the kinds of the two dates of birth (missing, placeholder, full), the
number of records, and how common the two names and the rarer nationality are in the data.
Everything else (blocking, clustering with cannot-links, placing records without a full date)
is unchanged, and a person still decides every match that matters.

**Where its labels come from.** ``palermo link train-classifier`` trains it on synthetic
records (:mod:`palermo.synth.people`), whose truth is known. It therefore learns the
generator's recording errors: use it on data like the generator's, or train it on pairs
whose truth people have established. The Fellegi–Sunter model, which needs no labels, stays
the default.

The model is a scikit-learn histogram gradient-boosted classifier. It is saved as JSON (its
trees as arrays, never a pickle, so a model file can carry no code) and evaluated here with
numpy on the distinct feature rows of a job (tens of thousands for a million records), so
scikit-learn is needed only to train.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from splink import Linker

from palermo.linkage.model import MODEL_FORMAT, ModelError

#: The version of the classifier's features. A saved classifier of another version is refused.
CLASSIFIER_FORMAT = "palermo-pair-classifier-1"

#: Candidate pairs are those the Fellegi–Sunter model scores at least this probable; the
#: classifier is trained and used on the same set.
CANDIDATE_FLOOR = 0.05

#: The features, in the order the trees use them.
FEATURES = (
    "name level",
    "date of birth level",
    "gender level",
    "nationality level",
    "the lower date kind (0 missing, 1 placeholder, 2 full)",
    "the higher date kind",
    "log of the number of records",
    "log share of records with the rarer name",
    "log share of records with the commoner name",
    "log share of records with the rarer nationality",
)

#: Training sizes used by ``palermo link train-classifier`` by default. The features include
#: the number of records and the names' shares of them, so it must learn from the whole range
#: it will be used on: trained on 100k–1M only, it lost recall at 10k (F1 0.98 → 0.92).
TRAINING_SIZES = (2_000, 10_000, 30_000, 100_000, 200_000, 1_000_000)

_KEY_COLUMNS = (
    "gamma_name",
    "gamma_dob",
    "gamma_gender",
    "gamma_nationality",
    "kind_lo",
    "kind_hi",
    "name_lo",
    "name_hi",
    "nat_lo",
)


class ClassifierError(ModelError):
    """A classifier file that cannot be used (missing, not JSON, another format, malformed)."""


def feature_sql(*, pairs: str, people: str) -> str:
    """SQL: each candidate pair of ``pairs`` (Splink's predictions) with its raw features.

    The counts are taken over ``people``, the job's cleaned records; a missing name or
    nationality counts as 1 so every share has a logarithm.
    """
    return f"""
WITH nat AS (
  SELECT nationality, count(*) AS n FROM {people} WHERE nationality IS NOT NULL GROUP BY nationality
), rec AS (
  SELECT p.unique_id,
         CASE WHEN p.dob IS NULL THEN 0 WHEN p.dob_placeholder THEN 1 ELSE 2 END AS kind,
         greatest(coalesce(p.name_freq, 0), 1) AS nf,
         greatest(coalesce(nat.n, 0), 1) AS natf
  FROM {people} AS p LEFT JOIN nat ON nat.nationality = p.nationality
)
SELECT pr.unique_id_l, pr.unique_id_r,
       pr.gamma_name, pr.gamma_dob, pr.gamma_gender, pr.gamma_nationality,
       least(a.kind, b.kind) AS kind_lo, greatest(a.kind, b.kind) AS kind_hi,
       least(a.nf, b.nf) AS name_lo, greatest(a.nf, b.nf) AS name_hi,
       least(a.natf, b.natf) AS nat_lo
FROM {pairs} AS pr
JOIN rec AS a ON a.unique_id = pr.unique_id_l
JOIN rec AS b ON b.unique_id = pr.unique_id_r
"""


def feature_matrix(raw: pa.Table, *, n_records: int) -> np.ndarray:
    """The model's inputs (:data:`FEATURES`) from rows with the columns of :func:`feature_sql`."""
    col = {c: raw.column(c).to_numpy().astype(np.float64) for c in _KEY_COLUMNS}
    log_n = math.log(max(n_records, 1))
    return np.column_stack(
        [
            col["gamma_name"],
            col["gamma_dob"],
            col["gamma_gender"],
            col["gamma_nationality"],
            col["kind_lo"],
            col["kind_hi"],
            np.full(raw.num_rows, log_n),
            np.log(col["name_lo"]) - log_n,
            np.log(col["name_hi"]) - log_n,
            np.log(col["nat_lo"]) - log_n,
        ]
    )


@dataclass(frozen=True)
class _Tree:
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    leaf: np.ndarray
    value: np.ndarray


@dataclass(frozen=True)
class PairClassifier:
    """A trained classifier: its trees and Palermo's metadata about it."""

    baseline: float
    trees: tuple[_Tree, ...]
    metadata: dict

    def check_model(self, model) -> None:
        """Refuse a Fellegi–Sunter model other than the one this classifier was trained with:
        its candidate pairs, and so what the classifier learnt, would differ."""
        trained_with = self.metadata.get("fs_model_fingerprint")
        if trained_with != model.fingerprint:
            raise ClassifierError(
                f"the pair classifier was trained on the candidate pairs of another linkage model "
                f"({self.metadata.get('fs_model') or 'unknown'}, fingerprint {trained_with}); this job's model "
                f"has fingerprint {model.fingerprint}. Pass the classifier's model with --model, or retrain "
                "the classifier with `palermo link train-classifier --model`"
            )

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The probability that each row's pair is one person (rows as :func:`feature_matrix`)."""
        if features.ndim != 2 or features.shape[1] != len(FEATURES):
            raise ValueError(f"expected rows of {len(FEATURES)} features, got shape {features.shape}")
        raw = np.full(len(features), self.baseline)
        rows = np.arange(len(features))
        for tree in self.trees:
            node = np.zeros(len(features), dtype=np.int64)
            active = ~tree.leaf[node]
            while active.any():
                at = node[active]
                x = features[rows[active], tree.feature[at]]
                go_left = np.where(np.isnan(x), tree.missing_left[at], x <= tree.threshold[at])
                node[active] = np.where(go_left, tree.left[at], tree.right[at])
                active = ~tree.leaf[node]
            raw += tree.value[node]
        return 1.0 / (1.0 + np.exp(-raw))

    def rescore(self, *, con, pairs: str, people: str, n_records: int, into: str) -> int:
        """Write ``into``: the pairs of ``pairs`` with this classifier's probability; their count.

        ``con`` is the job's DuckDB connection. Each distinct feature row is scored once, so
        a million records' pairs cost tens of thousands of tree walks. ``match_weight``
        becomes the classifier's log₂ odds; the comparison levels are kept.
        """
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE palermo_pair_features AS {feature_sql(pairs=pairs, people=people)}"
        )
        keys = ", ".join(_KEY_COLUMNS)
        distinct = con.sql(f"SELECT DISTINCT {keys} FROM palermo_pair_features").to_arrow_table()
        probability = np.clip(self.predict(feature_matrix(distinct, n_records=n_records)), 1e-12, 1 - 1e-12)
        con.register(
            "palermo_pair_scores", distinct.append_column("match_probability", pa.array(probability))
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {into} AS "
            "SELECT f.unique_id_l, f.unique_id_r, s.match_probability, "
            "log2(s.match_probability / (1 - s.match_probability)) AS match_weight, "
            "f.gamma_name, f.gamma_dob, f.gamma_gender, f.gamma_nationality "
            f"FROM palermo_pair_features AS f JOIN palermo_pair_scores AS s USING ({keys})"
        )
        con.unregister("palermo_pair_scores")
        con.execute("DROP TABLE palermo_pair_features")
        return int(con.sql(f"SELECT count(*) FROM {into}").fetchall()[0][0])


def fit_classifier(*, features: np.ndarray, labels: np.ndarray, seed: int = 11) -> Any:
    """Fit the gradient-boosted classifier (scikit-learn is needed only here)."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dependency
        raise ClassifierError("training the pair classifier needs scikit-learn") from exc
    model = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.1, max_leaf_nodes=63, random_state=seed
    )
    model.fit(features, labels)
    return model


def export_classifier(model: Any, *, metadata: dict) -> dict:
    """The JSON document of a fitted scikit-learn classifier's trees (no pickle)."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():  # pragma: no cover - no categorical features are declared
            raise ClassifierError("categorical splits cannot be exported")
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": nodes["num_threshold"].tolist(),
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(int).tolist(),
                "leaf": nodes["is_leaf"].astype(int).tolist(),
                "value": nodes["value"].tolist(),
            }
        )
    return {
        "palermo": {
            "classifier_format": CLASSIFIER_FORMAT,
            "features": list(FEATURES),
            "candidate_floor": CANDIDATE_FLOOR,
            "model_format": MODEL_FORMAT,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **metadata,
        },
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "trees": trees,
    }


def save_classifier(document: dict, path: Path) -> None:
    """Write a classifier document as JSON, one tree per line, through a temporary file moved
    into place: an interrupted save never leaves a half-written classifier."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps(document["palermo"], indent=1)
    trees = ",\n".join(json.dumps(t, separators=(",", ":")) for t in document["trees"])
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(
        f'{{"palermo": {meta},\n"baseline": {document["baseline"]!r},\n"trees": [\n{trees}\n]}}\n',
        encoding="utf-8",
    )
    os.replace(partial, path)


def load_classifier(path: Path | str) -> PairClassifier:
    """Read a classifier saved by :func:`save_classifier`; :class:`ClassifierError` if unusable.

    Every tree is checked (lengths, child indices, feature numbers) so a damaged file is
    refused rather than walked out of bounds.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ClassifierError(f"cannot read the pair classifier {path}: {exc}") from exc
    meta = document.get("palermo") if isinstance(document, dict) else None
    if not isinstance(meta, dict) or meta.get("classifier_format") != CLASSIFIER_FORMAT:
        found = meta.get("classifier_format") if isinstance(meta, dict) else "no Palermo metadata"
        raise ClassifierError(
            f"the pair classifier {path} has format {found!r}; this Palermo needs {CLASSIFIER_FORMAT!r}"
        )
    if meta.get("model_format") != MODEL_FORMAT:
        raise ClassifierError(
            f"the pair classifier {path} was trained on {meta.get('model_format')!r} comparison levels; "
            f"this Palermo's are {MODEL_FORMAT!r}: retrain it with `palermo link train-classifier`"
        )
    try:
        trees = tuple(_tree(t) for t in document["trees"])
        baseline = float(document["baseline"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ClassifierError(f"the pair classifier {path} is malformed: {exc}") from exc
    if not trees or not math.isfinite(baseline):
        raise ClassifierError(f"the pair classifier {path} has no trees")
    return PairClassifier(baseline=baseline, trees=trees, metadata=meta)


def _tree(data: dict) -> _Tree:
    tree = _Tree(
        feature=np.asarray(data["feature"], dtype=np.int64),
        threshold=np.asarray(data["threshold"], dtype=np.float64),
        left=np.asarray(data["left"], dtype=np.int64),
        right=np.asarray(data["right"], dtype=np.int64),
        missing_left=np.asarray(data["missing_left"], dtype=bool),
        leaf=np.asarray(data["leaf"], dtype=bool),
        value=np.asarray(data["value"], dtype=np.float64),
    )
    n = len(tree.leaf)
    if n == 0 or any(len(a) != n for a in (tree.feature, tree.threshold, tree.left, tree.right,
                                           tree.missing_left, tree.value)):  # fmt: skip
        raise ValueError("a tree's arrays differ in length")
    inner = ~tree.leaf
    parent = np.arange(n)[inner]
    left, right = tree.left[inner], tree.right[inner]
    # a child always comes after its parent (as scikit-learn writes them), so every walk ends
    if ((left <= parent) | (left >= n) | (right <= parent) | (right >= n)).any():
        raise ValueError("a tree's child index is out of range")
    if ((tree.feature[inner] < 0) | (tree.feature[inner] >= len(FEATURES))).any():
        raise ValueError("a tree splits on an unknown feature")
    if not np.isfinite(tree.value[tree.leaf]).all():
        raise ValueError("a tree's leaf value is not finite")
    return tree


def train_classifier(
    *,
    output: Path,
    fs_model: Path | str | None = None,
    sizes: Sequence[int] = TRAINING_SIZES,
    seed: int = 11,
    names: str = "calibrated",
    progress: Callable[[str], None] = lambda _: None,
) -> PairClassifier:
    """Train the classifier on synthetic records of each size (seeds ``seed``, ``seed + 1``…).

    The candidate pairs of each set are found and compared by the Fellegi–Sunter model
    ``fs_model`` (the packaged one when None), exactly as when linking, and labelled with the
    generator's truth. Saves the classifier to ``output`` and returns it.
    """
    # imported here: linking imports this module
    from palermo.linkage.backends import open_backend
    from palermo.linkage.linking import clean_table
    from palermo.linkage.model import load_model
    from palermo.synth.people import generate_people

    start = time.perf_counter()
    saved = load_model(path=fs_model)
    blocks_x, blocks_y = [], []
    described = []
    for i, size in enumerate(sizes):
        records = generate_people(n_records=size, seed=seed + i, names=names)
        person = {r["record_id"]: r["person_id"] for r in records}
        table = clean_table(records)
        del records
        engine = open_backend(name="duckdb")
        try:
            people = engine.register(table=table, name="people_clean")
            linker = Linker(
                people, saved.settings_for(dialect="duckdb", n_records=size), log_level=logging.WARNING
            )
            pred = linker.inference.predict(threshold_match_probability=CANDIDATE_FLOOR, warning_mode="never")
            raw = engine.db_api.duckdb_con.sql(
                feature_sql(pairs=pred.physical_name, people=people.physical_name)
            ).to_arrow_table()
        finally:
            engine.close()
        left, right = raw.column("unique_id_l").to_pylist(), raw.column("unique_id_r").to_pylist()
        blocks_y.append(np.fromiter((person[a] == person[b] for a, b in zip(left, right, strict=True)), bool))
        blocks_x.append(feature_matrix(raw, n_records=size))
        described.append(f"{size} records, seed {seed + i}")
        progress(
            f"{size:,} records (seed {seed + i}): {raw.num_rows:,} candidate pairs, "
            f"{int(blocks_y[-1].sum()):,} of them one person ({time.perf_counter() - start:.1f} s)"
        )
    features, labels = np.vstack(blocks_x), np.concatenate(blocks_y)
    if labels.all() or not labels.any():
        raise ClassifierError("the training pairs are all of one kind; train on more records")
    model = fit_classifier(features=features, labels=labels, seed=seed)
    document = export_classifier(
        model,
        metadata={
            "training_data": f"palermo.synth.people, {names} names: " + "; ".join(described),
            "training_pairs": int(len(labels)),
            "fs_model": saved.metadata.get("training_data", ""),
            "fs_model_trained_at": saved.metadata.get("trained_at", ""),
            "fs_model_fingerprint": saved.fingerprint,
        },
    )
    save_classifier(document, output)
    progress(f"Fitted {len(document['trees'])} trees on {len(labels):,} pairs; saved to {output} "
             f"({time.perf_counter() - start:.1f} s)")  # fmt: skip
    return load_classifier(output)
