"""Linking person records: clean, block, score with the trained model, cluster.

This is the library that the file mode, the benchmark and the database integration share:

* :func:`link_records` — deduplicate one list of records into clusters (file mode);
* :func:`score_new_records` — score new referrals against known people, returning candidate
  pairs for a caseworker to confirm or reject;
* :func:`train_model` — estimate the model's parameters and save it as JSON.

Records are plain mappings with the file-mode fields (``record_id``, ``given_name``,
``family_name``, ``date_of_birth``, ``gender``, ``nationality``); other keys are ignored.

Match probabilities above about 0.95 are links; the band below that, down to 0.5, is for human
review rather than automatic linking (recipes §2, pitfall 4): connected components chain
common names together when the threshold is low.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from splink import Linker, block_on

from palermo.linkage.backends import Backend, open_backend
from palermo.linkage.classifier import CANDIDATE_FLOOR, PairClassifier, load_classifier
from palermo.linkage.cleaning import CLEAN_COLUMNS, clean_record
from palermo.linkage.clustering import ASSIGN_FLOOR, ASSIGN_THRESHOLD, DEFAULT_METHOD, FullDate, cluster_links
from palermo.linkage.clustering import METHODS as CLUSTERING_METHODS
from palermo.linkage.model import SavedModel, build_settings, load_model, save_model

#: Default probability at or above which two records are linked into one cluster.
DEFAULT_THRESHOLD = 0.9

Progress = Callable[[str], None]

_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given", pa.string()),
        ("family", pa.string()),
        ("given_ph", pa.string()),
        ("family_ph", pa.string()),
        ("name_key", pa.string()),
        ("dob", pa.string()),
        ("dob_year", pa.int64()),
        ("dob_month", pa.int64()),
        ("dob_day", pa.int64()),
        ("dob_placeholder", pa.bool_()),
        ("gender", pa.string()),
        ("nationality", pa.string()),
        ("name_freq", pa.int64()),
    ]
)


def _quiet(_: str) -> None:
    pass


def clean_table(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Clean raw records into the column table the model compares (see :mod:`.cleaning`).

    ``name_freq`` (how many records share the name) is added for the rare-name EM block.
    Raises :class:`~palermo.linkage.cleaning.BadDate` on a malformed date of birth.
    """
    columns: dict[str, list] = {name: [] for name in CLEAN_COLUMNS}
    for rec in records:
        row = clean_record(
            record_id=str(rec["record_id"]),
            given_name=rec.get("given_name"),
            family_name=rec.get("family_name"),
            date_of_birth=rec.get("date_of_birth"),
            gender=rec.get("gender"),
            nationality=rec.get("nationality"),
        )
        for name in CLEAN_COLUMNS:
            columns[name].append(row[name])
    freq = Counter(columns["name_key"])
    columns["name_freq"] = [freq[k] if k else None for k in columns["name_key"]]
    return pa.table(columns, schema=_SCHEMA)


@dataclass
class LinkResult:
    """The outcome of a linkage job.

    ``clusters`` has one row per input record, in input order: ``record_id``, ``cluster_id``
    (the smallest record id in the cluster) and ``match_probability`` (the highest probability
    of a link joining the record to its cluster; 1.0 for a record alone in its cluster).
    ``pairs`` holds the scored candidate pairs at or above the pairs threshold, when asked for.
    """

    clusters: pa.Table
    pairs: pa.Table | None
    stats: dict = field(default_factory=dict)


def _timed(progress: Progress, stats: dict, key: str, message: str, start: float) -> float:
    now = time.perf_counter()
    stats[f"{key}_seconds"] = round(now - start, 2)
    progress(f"{message} ({now - start:.1f} s)")
    return now


_PAIR_COLUMNS = (
    "unique_id_l AS record_id_l, unique_id_r AS record_id_r, match_probability, match_weight, "
    "gamma_name, gamma_dob, gamma_gender, gamma_nationality"
)


def link_records(
    *,
    records: Iterable[Mapping[str, Any]] | pa.Table,
    model: SavedModel | Path | str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    pairs_threshold: float | None = None,
    backend: str = "duckdb",
    threads: int | None = None,
    progress: Progress = _quiet,
    clustering: str = DEFAULT_METHOD,
    assign_threshold: float | None = ASSIGN_THRESHOLD,
    classifier: PairClassifier | Path | str | None = None,
) -> LinkResult:
    """Deduplicate ``records`` into clusters of the same person.

    ``records`` may be raw mappings or a table already made by :func:`clean_table`. ``model``
    is a loaded model, a path to one, or None for the packaged model. Pairs scoring at least
    ``threshold`` are linked. With ``clustering="constrained"`` (the default) links are taken
    from the most probable down and never join two records whose full dates of birth cannot
    belong to one person (:mod:`.clustering`); ``"components"`` gives the plain connected
    components of the links. With constrained clustering, ``assign_threshold`` (default 0.5;
    None to switch it off) then places each cluster that holds no full date of birth with the
    cluster it most probably belongs to, when that is at least this probable among all the
    clusters it could join (:func:`.clustering.assign_dateless`). With ``pairs_threshold`` the
    scored pairs at or above it are returned too (e.g. 0.5 for a review queue). With
    ``classifier`` (a loaded :class:`.classifier.PairClassifier` or a path to one; DuckDB only)
    the model's candidate pairs are re-scored by it before clustering, and every probability
    returned is the classifier's.
    """
    if clustering not in CLUSTERING_METHODS:
        raise ValueError(f"unknown clustering {clustering!r}; use one of {', '.join(CLUSTERING_METHODS)}")
    if clustering != "constrained":
        assign_threshold = None
    if assign_threshold is not None and not 0 < assign_threshold <= 1:
        raise ValueError(f"the assign threshold must be above 0 and at most 1, not {assign_threshold}")
    stats: dict = {}
    start = time.perf_counter()
    table = records if isinstance(records, pa.Table) else clean_table(records)
    n = table.num_rows
    stats["records"] = n
    start = _timed(progress, stats, "clean", f"Cleaned {n:,} records", start)
    saved = model if isinstance(model, SavedModel) else load_model(path=model)
    if classifier is not None:
        if backend != "duckdb":
            raise ValueError("the pair classifier runs on DuckDB only; leave out the classifier or use --backend duckdb")
        if not isinstance(classifier, PairClassifier):
            classifier = load_classifier(classifier)
        classifier.check_model(saved)
    engine = open_backend(name=backend, threads=threads)
    try:
        people = engine.register(table=table, name="people_clean")
        linker = Linker(
            people, saved.settings_for(dialect=engine.dialect, n_records=n), log_level=logging.WARNING
        )
        link_floor = min(threshold, ASSIGN_FLOOR) if assign_threshold is not None else threshold
        floor = min(link_floor, pairs_threshold) if pairs_threshold is not None else link_floor
        fs_floor = CANDIDATE_FLOOR if classifier is not None else floor
        predictions = linker.inference.predict(threshold_match_probability=fs_floor, warning_mode="never")
        pred = predictions.physical_name
        n_pairs = _scalar(linker, f"SELECT count(*) AS n FROM {pred}")
        stats["pairs_scored_above_floor"] = n_pairs
        start = _timed(
            progress, stats, "predict", f"Scored candidate pairs: {n_pairs:,} at or above {fs_floor}", start
        )
        if classifier is not None:
            classifier.rescore(
                con=engine.db_api.duckdb_con, pairs=pred, people=people.physical_name, n_records=n,
                into="palermo_pairs_classified",
            )  # fmt: skip
            pred = "palermo_pairs_classified"
            stats["classifier"] = classifier.metadata.get("trained_at", "")
            start = _timed(
                progress, stats, "classify", f"Re-scored {n_pairs:,} pairs with the pair classifier", start
            )
        links = _fetch(
            engine,
            linker,
            f"SELECT unique_id_l, unique_id_r, match_probability FROM {pred} "
            f"WHERE match_probability >= {link_floor} "
            "ORDER BY match_probability DESC, unique_id_l, unique_id_r",
        )
        ids = table.column("unique_id").to_pylist()
        index = {rid: i for i, rid in enumerate(ids)}
        found = cluster_links(
            n_records=n,
            links=zip(
                [index[r] for r in links.column("unique_id_l").to_pylist()],
                [index[r] for r in links.column("unique_id_r").to_pylist()],
                links.column("match_probability").to_pylist(),
                strict=True,
            ),
            dates=_full_dates(table),
            method=clustering,
            threshold=threshold,
            assign_threshold=assign_threshold,
            years=table.column("dob_year").to_pylist(),
        )
        del links, index
        labels = found.labels(ids)
        out = pa.table(
            {"record_id": ids, "cluster_id": labels, "match_probability": found.best_probability},
            schema=pa.schema(
                [("record_id", pa.string()), ("cluster_id", pa.string()), ("match_probability", pa.float64())]
            ),
        )
        stats["clusters"] = len(set(labels))
        stats["clustering"] = clustering
        stats["assigned_without_full_date"] = found.assigned
        pairs = None
        if pairs_threshold is not None:
            pairs = _fetch(
                engine,
                linker,
                f"SELECT {_PAIR_COLUMNS} FROM {pred} WHERE match_probability >= {pairs_threshold} "
                "ORDER BY match_probability DESC, record_id_l, record_id_r",
            )
        _timed(
            progress,
            stats,
            "cluster",
            f"Clustered into {stats['clusters']:,} people at {threshold} ({clustering})",
            start,
        )
        return LinkResult(clusters=out, pairs=pairs, stats=stats)
    finally:
        engine.close()


def score_new_records(
    *,
    new_records: Iterable[Mapping[str, Any]],
    known_records: Iterable[Mapping[str, Any]],
    model_path: Path | str | None = None,
    threshold: float = 0.5,
    within_new: bool = True,
    backend: str = "duckdb",
) -> list[dict]:
    """Score new referrals against known records with a saved model; return candidate pairs.

    Each result is ``{"new_record_id", "known_record_id", "match_probability",
    "match_weight"}``, highest probability first, for pairs at or above ``threshold``. With
    ``within_new`` pairs of two new records are included too (the same person referred twice
    in one batch), with ``known_record_id`` holding the other new record's id. Known-known
    pairs are never scored: they were decided before. Record ids must be unique within each
    list; the same id in both lists is allowed (they are told apart by their source).
    """
    new_table = clean_table(new_records)
    known_table = clean_table(known_records)
    saved = load_model(path=model_path)
    results: list[dict] = []
    if new_table.num_rows == 0:
        return results
    engine = open_backend(name=backend)
    try:
        if known_table.num_rows:
            known = engine.register(table=known_table, name="known_people")
            new = engine.register(table=new_table, name="new_people")
            settings = saved.settings_for(
                dialect=engine.dialect,
                n_records=known_table.num_rows + new_table.num_rows,
                link_type="link_only",
            )
            linker = Linker([known, new], settings, log_level=logging.WARNING)
            pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            sql = (
                "SELECT source_dataset_l, unique_id_l, source_dataset_r, unique_id_r, match_probability, "
                f"match_weight FROM {pred.physical_name}"
            )
            for row in _fetch(engine, linker, sql).to_pylist():
                if row["source_dataset_l"] == "new_people":
                    new_id, known_id = row["unique_id_l"], row["unique_id_r"]
                else:
                    new_id, known_id = row["unique_id_r"], row["unique_id_l"]
                results.append(_pair(new_id, known_id, row))
        if within_new and new_table.num_rows > 1:
            new_only = engine.register(table=new_table, name="new_people_alone")
            settings = saved.settings_for(
                dialect=engine.dialect, n_records=known_table.num_rows + new_table.num_rows
            )
            linker = Linker(new_only, settings, log_level=logging.WARNING)
            pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            sql = (
                f"SELECT unique_id_l, unique_id_r, match_probability, match_weight FROM {pred.physical_name}"
            )
            for row in _fetch(engine, linker, sql).to_pylist():
                results.append(_pair(row["unique_id_r"], row["unique_id_l"], row))
    finally:
        engine.close()
    results.sort(key=lambda r: (-r["match_probability"], r["new_record_id"], r["known_record_id"]))
    return results


def _pair(new_id: str, known_id: str, row: dict) -> dict:
    return {
        "new_record_id": new_id,
        "known_record_id": known_id,
        "match_probability": row["match_probability"],
        "match_weight": row["match_weight"],
    }


def train_model(
    *,
    records: Iterable[Mapping[str, Any]] | pa.Table,
    output: Path,
    training_data: str,
    seed: int = 1,
    max_pairs: float = 2e6,
    backend: str = "duckdb",
    progress: Progress = _quiet,
) -> SavedModel:
    """Estimate the model's parameters from unlabelled ``records`` and save it to ``output``.

    * λ, the probability that two random records match, from exact name and date of birth,
      assumed to find half the true matches;
    * u for every level by random sampling of pairs (almost all random pairs are non-matches);
    * m by expectation maximisation on two blocks: the same (non-placeholder) date of birth,
      which trains the name, gender and nationality levels; and the same rare name (at most 3
      records with it) with λ held fixed, which trains the date-of-birth levels. A same-name
      block on common names would be dominated by different people and mislead EM.

    ``training_data`` describes the records in the saved metadata (no personal data).
    """
    start = time.perf_counter()
    table = records if isinstance(records, pa.Table) else clean_table(records)
    n = table.num_rows
    progress(f"Cleaned {n:,} training records ({time.perf_counter() - start:.1f} s)")
    engine: Backend = open_backend(name=backend)
    try:
        people = engine.register(table=table, name="people_clean")
        linker = Linker(people, build_settings(dialect=engine.dialect), log_level=logging.WARNING)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_key", "dob")], recall=0.5
        )
        progress("Estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        progress("Estimating m by EM on pairs with the same date of birth")
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.dob = r.dob AND NOT l.dob_placeholder"
        )
        progress("Estimating m by EM on pairs with the same rare name")
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.name_key = r.name_key AND l.name_freq <= 3", fix_probability_two_random_records_match=True
        )
        settings = linker.misc.save_model_to_json()
    finally:
        engine.close()
    save_model(settings=settings, path=output, training_records=n, training_data=training_data)
    progress(f"Saved the model to {output} ({time.perf_counter() - start:.1f} s)")
    return load_model(path=output)


def _full_dates(table: pa.Table) -> list[FullDate]:
    """Each record's full date of birth as (year, month, day); None if missing or a placeholder."""
    return [
        (y, m, d) if y is not None and not ph else None
        for y, m, d, ph in zip(
            table.column("dob_year").to_pylist(),
            table.column("dob_month").to_pylist(),
            table.column("dob_day").to_pylist(),
            table.column("dob_placeholder").to_pylist(),
            strict=True,
        )
    ]


def _fetch(engine: Backend, linker: Linker, sql: str) -> pa.Table:
    """Run ``sql`` on the job's database and return the result as an Arrow table."""
    if engine.name == "duckdb":
        return engine.db_api.duckdb_con.sql(sql).to_arrow_table()
    return pa.Table.from_pylist([r.asDict() for r in engine.session.sql(sql).collect()])


def _scalar(linker: Linker, sql: str) -> int:
    rows = linker.misc.query_sql(sql).as_record_list()
    return int(next(iter(rows[0].values())))
