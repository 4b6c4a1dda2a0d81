"""Scoring one new person against everyone already known, fast enough to run on each referral.

Scoring a referral with :func:`palermo.linkage.linking.score_new_records` against all people
costs two things every time: decrypting and cleaning every known person, and setting up Splink
(about 0.3 s, even when nothing matches). This module removes both from the common case:

* **Cleaned-people cache** (:class:`KnownPeople`): each known person's cleaned columns are kept
  in memory, keyed by person id, with a fingerprint made of columns that are *not* encrypted
  (the HMAC blind indexes of name and date of birth, gender and nationalities). Each scoring
  reads those fingerprints (no decryption), and decrypts and cleans again only the people that
  are new or whose fingerprint changed, and forgets people that are gone. So the cache is right
  across processes and after any edit, without signals. Plaintext is held in memory only.
* **Blocking in Python**: the model's blocking rules (:data:`palermo.linkage.model.BLOCKING_RULES`)
  are mirrored as dictionary look-ups, which pick out the known people that Splink *could*
  compare with the new one. Usually there are none and Splink is not started at all; otherwise
  Splink scores only those few, with the model's λ set for the whole population and the term
  frequencies (name, nationality) of the whole population registered, so the probabilities are
  exactly those of scoring against everyone (``tests/linkage/test_db_scoring.py`` checks that).

"Known people" are people with an NRM case: a Duty to Notify report is made when an adult did
*not* consent to a referral, and is not linked.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
from splink import Linker

from palermo.linkage.backends import open_backend
from palermo.linkage.cleaning import clean_record
from palermo.linkage.linking import _SCHEMA, _fetch
from palermo.linkage.model import MODEL_FORMAT, SavedModel, load_model, prior_for

logger = logging.getLogger(__name__)

_FINGERPRINT_FIELDS = ("pk", "full_name_bi", "family_name_bi", "dob_bi", "gender", "nationalities")


def known_people_queryset():
    """People with at least one NRM case, whose identity a retention rule has not removed (a
    person without a name or date of birth cannot be compared, and must not be proposed again)."""
    from palermo.nrm.models import Referral
    from palermo.people.models import Person

    with_case = Referral.objects.filter(case__isnull=False, person__isnull=False).values("person_id")
    return Person.objects.filter(pk__in=with_case, anonymised_on__isnull=True)


def person_record(person) -> dict:
    """A person as a linkage record (file-mode fields). Decrypts: keep it in memory only."""
    return {
        "record_id": str(person.pk),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "gender": person.gender,
        "nationality": (person.nationalities or [None])[0],
    }


def clean_person(person) -> dict:
    rec = person_record(person)
    return clean_record(
        record_id=rec["record_id"], given_name=rec["given_name"], family_name=rec["family_name"],
        date_of_birth=rec["date_of_birth"], gender=rec["gender"], nationality=rec["nationality"],
    )  # fmt: skip


def decrypt_people(pks: Iterable[int] | None = None, *, chunk: int = 2000) -> dict[int, dict]:
    """Decrypt and clean people (all known people when ``pks`` is None): {pk: cleaned row}."""
    qs = known_people_queryset().only("pk", "given_name", "family_name", "date_of_birth", "gender", "nationalities")
    if pks is not None:
        pks = list(pks)
        out: dict[int, dict] = {}
        for i in range(0, len(pks), chunk):
            out.update({p.pk: clean_person(p) for p in qs.filter(pk__in=pks[i : i + chunk])})
        return out
    return {p.pk: clean_person(p) for p in qs.order_by().iterator(chunk_size=chunk)}


# --- blocking in Python ----------------------------------------------------------------------


def _not_placeholder(row: dict) -> bool:
    return row["dob"] is not None and not row["dob_placeholder"]


def index_keys(row: dict) -> list[tuple]:
    """The look-up keys a known person is filed under, one per blocking rule (None parts skip)."""
    g, f, d = row["given"], row["family"], row["dob"]
    keys = [
        ("name", row["name_key"]),
        ("given_dob", g, d),
        ("family_dob", f, d),
        ("ph", row["given_ph"], row["family_ph"]),
        ("dob_nat", d, row["nationality"]) if _not_placeholder(row) else None,
        ("given_bday", g, row["dob_month"], row["dob_day"]) if _not_placeholder(row) else None,
        ("family_bday", f, row["dob_month"], row["dob_day"]) if _not_placeholder(row) else None,
        ("given_fam3", g, f[:3] if f else None),
    ]
    return [k for k in keys if k is not None and all(part is not None for part in k[1:])]


def query_keys(row: dict) -> list[tuple]:
    """The keys to look up for a new person: its own keys plus the swapped-name rules
    (``l.given_ph = r.family_ph AND l.family_ph = r.given_ph``; ``l.given = r.family AND
    l.dob = r.dob``, in both directions)."""
    g, f, d = row["given"], row["family"], row["dob"]
    extra = [
        ("ph", row["family_ph"], row["given_ph"]),
        ("family_dob", g, d),  # new.given = known.family
        ("given_dob", f, d),  # new.family = known.given
    ]
    return index_keys(row) + [k for k in extra if all(part is not None for part in k[1:])]


# --- the cache -----------------------------------------------------------------------------


@dataclass
class KnownPeople:
    """Cleaned known people, their blocking index and the population's term frequencies."""

    rows: dict[int, dict] = field(default_factory=dict)
    fingerprints: dict[int, tuple] = field(default_factory=dict)
    index: dict[tuple, set[int]] = field(default_factory=lambda: defaultdict(set))
    name_freq: Counter = field(default_factory=Counter)
    nationality_freq: Counter = field(default_factory=Counter)
    decrypted_last_refresh: int = 0

    def _add(self, pk: int, row: dict) -> None:
        self.rows[pk] = row
        for key in index_keys(row):
            self.index[key].add(pk)
        if row["name_key"]:
            self.name_freq[row["name_key"]] += 1
        if row["nationality"]:
            self.nationality_freq[row["nationality"]] += 1

    def _remove(self, pk: int) -> None:
        row = self.rows.pop(pk, None)
        self.fingerprints.pop(pk, None)
        if row is None:
            return
        for key in index_keys(row):
            bucket = self.index.get(key)
            if bucket is not None:
                bucket.discard(pk)
                if not bucket:
                    del self.index[key]
        for counter, value in ((self.name_freq, row["name_key"]), (self.nationality_freq, row["nationality"])):
            if value:
                counter[value] -= 1
                if counter[value] <= 0:
                    del counter[value]

    def refresh(self) -> None:
        """Bring the cache up to date with the database, decrypting only what changed."""
        current = {
            values[0]: tuple(str(v) for v in values[1:])
            for values in known_people_queryset().order_by().values_list(*_FINGERPRINT_FIELDS).iterator(chunk_size=5000)
        }
        for pk in [pk for pk in self.rows if pk not in current]:
            self._remove(pk)
        stale = [pk for pk, fp in current.items() if self.fingerprints.get(pk) != fp]
        for pk in stale:
            self._remove(pk)
        if stale:
            fresh = decrypt_people(None if not self.rows else stale)
            for pk in stale:
                if pk in fresh:
                    self._add(pk, fresh[pk])
                    self.fingerprints[pk] = current[pk]
        self.decrypted_last_refresh = len(stale)

    def candidates_for(self, row: dict, *, exclude: int | None = None) -> set[int]:
        found: set[int] = set()
        for key in query_keys(row):
            found |= self.index.get(key, set())
        found.discard(exclude)
        return found

    def clear(self) -> None:
        self.rows.clear()
        self.fingerprints.clear()
        self.index.clear()
        self.name_freq.clear()
        self.nationality_freq.clear()


_CACHE = KnownPeople()
_LOCK = threading.Lock()


def known_people() -> KnownPeople:
    """The process-wide cache, refreshed against the database."""
    with _LOCK:
        _CACHE.refresh()
        return _CACHE


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


# --- scoring -------------------------------------------------------------------------------


_MODEL: SavedModel | None = None


def saved_model() -> SavedModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = load_model()
    return _MODEL


def model_version(model: SavedModel | None = None) -> str:
    meta = (model or saved_model()).metadata
    return f"{meta.get('model_format', MODEL_FORMAT)}@{meta.get('trained_at', 'unknown')}"


def _tf_table(values: Iterable[str | None], counter: Counter, column: str) -> pa.Table:
    total = sum(counter.values()) or 1
    wanted = sorted({v for v in values if v})
    return pa.table(
        {column: wanted, f"tf_{column}": [counter[v] / total for v in wanted]},
        schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
    )


def _table(rows: list[dict], name_freq: Counter) -> pa.Table:
    return pa.Table.from_pylist(
        [{**r, "name_freq": name_freq.get(r["name_key"]) if r["name_key"] else None} for r in rows], schema=_SCHEMA
    )


#: {id(model): (model, settings)}. The model is kept with its settings: once a model is freed,
#: another one (say, a different ``--model`` file) may get its id.
_SETTINGS_CACHE: dict[int, tuple[SavedModel, dict]] = {}


def _settings(model: SavedModel, population: int) -> dict:
    """The link-only settings for ``model`` (built once per model), with λ for ``population``."""
    key = id(model)
    if key not in _SETTINGS_CACHE or _SETTINGS_CACHE[key][0] is not model:
        _SETTINGS_CACHE.clear()
        _SETTINGS_CACHE[key] = model, model.settings_for(dialect="duckdb", n_records=model.training_records or 2,
                                                         link_type="link_only")
    settings = copy.deepcopy(_SETTINGS_CACHE[key][1])
    settings["probability_two_random_records_match"] = prior_for(
        trained_prior=model.settings["probability_two_random_records_match"],
        training_records=model.training_records, n_records=population,
    )  # fmt: skip
    return settings


def score_rows(
    *, new_row: dict, known_rows: list[dict], population: int, name_freq: Counter, nationality_freq: Counter,
    threshold: float, model: SavedModel | None = None,
) -> list[dict]:
    """Score one cleaned row against cleaned known rows with Splink, as if against a population
    of ``population`` people with the given term frequencies. Returns
    ``{"known_record_id", "match_probability", "match_weight"}`` at or above ``threshold``."""
    out = [
        {"known_record_id": r["known_record_id"], "match_probability": r["match_probability"],
         "match_weight": r["match_weight"]}
        for r in _predict(new_rows=[new_row], known_rows=known_rows, population=population, name_freq=name_freq,
                          nationality_freq=nationality_freq, threshold=threshold, model=model)
    ]  # fmt: skip
    out.sort(key=lambda d: (-d["match_probability"], d["known_record_id"]))
    return out


#: Pairs per Splink job in :func:`score_pairs` (the pairs are listed in the job's SQL).
PAIRS_PER_JOB = 500


def score_pairs(
    *, pairs: list[tuple[int, int]], rows: dict[int, dict], population: int, name_freq: Counter,
    nationality_freq: Counter, model: SavedModel | None = None,
) -> dict[tuple[int, int], tuple[float, float]]:
    """Score exactly these ``(person_id, person_id)`` pairs, whatever their probability:
    ``{pair: (match_probability, match_weight)}``. ``rows`` holds the cleaned rows by id.

    The Splink job is :func:`score_rows`'s (same settings, λ for ``population``, the same term
    frequencies), so each pair gets the probability a fresh scoring would give it; only the
    blocking rules are replaced by the list of pairs, so a pair is scored even if the people's
    details no longer meet a blocking rule (a pair's probability never depends on the rule that
    found it).
    """
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(0, len(pairs), PAIRS_PER_JOB):
        chunk = [(int(a), int(b)) for a, b in pairs[i : i + PAIRS_PER_JOB]]
        wanted = set(chunk)
        keys = ", ".join(f"'{a}-{b}', '{b}-{a}'" for a, b in chunk)
        rule = {"blocking_rule": f"l.unique_id || '-' || r.unique_id IN ({keys})", "sql_dialect": "duckdb"}
        scored = _predict(
            new_rows=[rows[a] for a in sorted({a for a, _ in chunk})],
            known_rows=[rows[b] for b in sorted({b for _, b in chunk})],
            population=population, name_freq=name_freq, nationality_freq=nationality_freq, threshold=None,
            model=model, blocking_rules=[rule],
        )  # fmt: skip
        for r in scored:
            pair = (int(r["new_record_id"]), int(r["known_record_id"]))
            if pair in wanted:
                out[pair] = (r["match_probability"], r["match_weight"])
    return out


def _predict(
    *, new_rows: list[dict], known_rows: list[dict], population: int, name_freq: Counter, nationality_freq: Counter,
    threshold: float | None, model: SavedModel | None = None, blocking_rules: list | None = None,
) -> list[dict]:
    """One Splink job linking ``new_rows`` to ``known_rows`` (link only): every scored pair as
    ``{"new_record_id", "known_record_id", "match_probability", "match_weight"}``."""
    if not known_rows or not new_rows:
        return []
    model = model or saved_model()
    engine = open_backend(name="duckdb", threads=1)
    try:
        known = engine.register(table=_table(known_rows, name_freq), name="known_people")
        new = engine.register(table=_table(new_rows, name_freq), name="new_people")
        settings = _settings(model, population)
        if blocking_rules is not None:
            settings["blocking_rules_to_generate_predictions"] = blocking_rules
        # The settings are the saved model's, validated when it was trained and by the tests;
        # validating them again costs about 0.1 s of SQL parsing on every referral.
        linker = Linker([known, new], settings, log_level=logging.WARNING, validate_settings=False)
        rows = [*new_rows, *known_rows]
        for column, counter in (("name_key", name_freq), ("nationality", nationality_freq)):
            tf = engine.db_api.register(_tf_table((r[column] for r in rows), counter, column), table_name=f"tf_{column}_lookup")
            linker.table_management.register_term_frequency_lookup(tf, column)
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        sql = (
            "SELECT source_dataset_l, unique_id_l, unique_id_r, match_probability, match_weight "
            f"FROM {pred.physical_name}"
        )
        out = []
        for r in _fetch(engine, linker, sql).to_pylist():
            known_l = r["source_dataset_l"] == "known_people"
            out.append({"new_record_id": r["unique_id_r"] if known_l else r["unique_id_l"],
                        "known_record_id": r["unique_id_l"] if known_l else r["unique_id_r"],
                        "match_probability": r["match_probability"], "match_weight": r["match_weight"]})
        return out
    finally:
        engine.close()


@dataclass
class ScoreResult:
    pairs: list[dict]  # {"person_id", "match_probability", "match_weight"}
    known: int  # people in the population (the new one included)
    blocked: int  # known people that the blocking rules paired with the new one
    decrypted: int  # people decrypted for this scoring (cache misses)


def score_person(*, person_id: int, threshold: float) -> ScoreResult:
    """Score a person already in the database against every other known person."""
    cache = known_people()
    with _LOCK:
        row = cache.rows.get(person_id)
        if row is None:  # not a known person (no NRM case): score nothing
            return ScoreResult([], len(cache.rows), 0, cache.decrypted_last_refresh)
        ids = sorted(cache.candidates_for(row, exclude=person_id))
        known_rows = [cache.rows[i] for i in ids]
        population = len(cache.rows)
        name_freq, nat_freq = Counter(cache.name_freq), Counter(cache.nationality_freq)
        decrypted = cache.decrypted_last_refresh
    pairs = score_rows(
        new_row=row, known_rows=known_rows, population=population, name_freq=name_freq,
        nationality_freq=nat_freq, threshold=threshold,
    )  # fmt: skip
    return ScoreResult(
        [{"person_id": int(p["known_record_id"]), "match_probability": p["match_probability"],
          "match_weight": p["match_weight"]} for p in pairs],
        population, len(ids), decrypted,
    )  # fmt: skip
