"""The person-linkage model: Splink settings, training, and the saved JSON model.

The model is Fellegi–Sunter, as implemented by Splink: each candidate pair is compared on
four things, each comparison has levels from "agrees exactly" to "disagrees", and each level
carries an m probability (how often true matches fall there) and a u probability (how often
random non-matches do). Their ratio is the evidence a level contributes.

Comparisons (on the columns made by :mod:`palermo.linkage.cleaning`):

* **name**, with given/family order ignored: exact on the sorted name tokens (with a term-
  frequency adjustment, so *Nguyen Van Anh* counts for less than a rare name), both parts
  Jaro-Winkler ≥ 0.92, both parts phonetically equal, both parts Jaro-Winkler ≥ 0.8, one part
  equal, else. Each fuzzy level accepts the parts in either order, inside the same level as
  the direct order: a separate "swapped" level gets u ≈ 0 from random sampling and then an
  absurd weight (recipes §2, pitfall 3).
* **date of birth**: exact (never for a 1 January placeholder), day and month swapped, the
  same birthday with the year ±1–2 (disputed age), a placeholder with the same year, a
  placeholder one year apart, a placeholder two years apart (separate levels: EM finds the
  second far weaker, about neutral), any dates within two years, else.
* **gender** and **nationality** (ISO alpha-3, with a term-frequency adjustment).

Candidate pairs come from blocking rules chosen for recall (:data:`BLOCKING_RULES`): any one
of them suffices. Training: λ from a deterministic rule, u by random sampling, m by EM on
two blocks (same date of birth; same rare name, with λ fixed; recipes §2, pitfall 2).

The saved model is JSON: ``{"palermo": {metadata}, "splink": {Splink settings}}``. λ depends
on the size of the data (the chance that two random records match falls as 1/N), so it is
stored with the number of training records and rescaled for each job (:func:`prior_for`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import splink
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

#: The version of the model's structure (comparisons, levels, blocking). A saved model whose
#: version differs is refused, because its m and u would be attached to the wrong levels.
MODEL_FORMAT = "palermo-people-2"

#: The model shipped with Palermo, trained on synthetic data by ``palermo link train``.
DEFAULT_MODEL = "palermo.linkage.data", "model.json"

logger = logging.getLogger(__name__)


class ModelError(ValueError):
    """A model file that cannot be used (missing, not JSON, or another format version)."""


def _jw(a: str, b: str, dialect: str) -> str:
    fn = "jaro_winkler_similarity" if dialect == "duckdb" else "jaro_winkler"
    return f"{fn}({a}, {b})"


def _either_order(dialect: str, test) -> str:
    """SQL: ``test`` holds for both name parts, compared directly or with the parts swapped."""
    direct = f"({test('given_l', 'given_r')} AND {test('family_l', 'family_r')})"
    swapped = f"({test('given_l', 'family_r')} AND {test('family_l', 'given_r')})"
    return f"({direct} OR {swapped})"


def _name_comparison(dialect: str) -> dict[str, Any]:
    def jw_at(threshold: float):
        return lambda a, b: f"{_jw(a, b, dialect)} >= {threshold}"

    def ph(a: str, b: str) -> str:
        # given_l -> given_ph_l: the phonetic key of the same part and side
        return f"{a[:-2]}_ph{a[-2:]} = {b[:-2]}_ph{b[-2:]}"

    one_part = (
        '(family_l = family_r OR given_l = given_r '
        'OR family_l = given_r OR given_l = family_r)'
    )
    return {
        "output_column_name": "name",
        "comparison_description": "Given and family name, in either order",
        "comparison_levels": [
            {"sql_condition": 'name_key_l IS NULL OR name_key_r IS NULL', "is_null_level": True},
            {
                "sql_condition": 'name_key_l = name_key_r',
                "label_for_charts": "Same name (either order)",
                "tf_adjustment_column": "name_key",
                "tf_adjustment_weight": 1.0,
            },
            {
                "sql_condition": _either_order(dialect, jw_at(0.92)),
                "label_for_charts": "Both parts Jaro-Winkler >= 0.92",
            },
            {"sql_condition": _either_order(dialect, ph), "label_for_charts": "Both parts sound alike"},
            {
                "sql_condition": _either_order(dialect, jw_at(0.8)),
                "label_for_charts": "Both parts Jaro-Winkler >= 0.8",
            },
            {"sql_condition": one_part, "label_for_charts": "One part the same"},
            {"sql_condition": "ELSE", "label_for_charts": "All other"},
        ],
    }


def _dob_comparison(dialect: str) -> dict[str, Any]:
    no_placeholder = 'NOT dob_placeholder_l AND NOT dob_placeholder_r'
    some_placeholder = '(dob_placeholder_l OR dob_placeholder_r)'
    year_gap = 'abs(dob_year_l - dob_year_r)'
    return {
        "output_column_name": "dob",
        "comparison_description": "Date of birth, 1 January read as a year only",
        "comparison_levels": [
            {"sql_condition": 'dob_l IS NULL OR dob_r IS NULL', "is_null_level": True},
            {
                "sql_condition": f'dob_l = dob_r AND {no_placeholder}',
                "label_for_charts": "Exact date",
            },
            {
                "sql_condition": (
                    f'{no_placeholder} AND dob_year_l = dob_year_r '
                    'AND dob_day_l = dob_month_r AND dob_month_l = dob_day_r'
                ),
                "label_for_charts": "Day and month swapped",
            },
            {
                "sql_condition": (
                    f'{no_placeholder} AND dob_month_l = dob_month_r '
                    f'AND dob_day_l = dob_day_r AND {year_gap} <= 2'
                ),
                "label_for_charts": "Same birthday, year within 2 (disputed age)",
            },
            {
                "sql_condition": f'{some_placeholder} AND dob_year_l = dob_year_r',
                "label_for_charts": "Placeholder 1 January, same year",
            },
            {
                "sql_condition": f"{some_placeholder} AND {year_gap} <= 1",
                "label_for_charts": "Placeholder 1 January, year within 1",
            },
            {
                "sql_condition": f"{some_placeholder} AND {year_gap} <= 2",
                "label_for_charts": "Placeholder 1 January, year 2 apart",
            },
            {"sql_condition": f"{year_gap} <= 2", "label_for_charts": "Other dates within 2 years"},
            {"sql_condition": "ELSE", "label_for_charts": "All other"},
        ],
    }


#: Candidate pairs: a pair is compared if it satisfies any one rule. Chosen for recall: each
#: error the model handles leaves at least one rule satisfied (names in either order, a typo
#: in one part with the date intact, typos that keep the sound, both names garbled but the
#: date and nationality intact).
BLOCKING_RULES = (
    block_on("name_key"),
    block_on("given", "dob"),
    block_on("family", "dob"),
    block_on("given_ph", "family_ph"),
    "l.given_ph = r.family_ph AND l.family_ph = r.given_ph",
    "l.dob = r.dob AND l.nationality = r.nationality AND NOT l.dob_placeholder",
    # a typo in one name and a disputed year of birth: same birthday (not a placeholder)
    "l.given = r.given AND l.dob_month = r.dob_month AND l.dob_day = r.dob_day AND NOT l.dob_placeholder",
    "l.family = r.family AND l.dob_month = r.dob_month AND l.dob_day = r.dob_day AND NOT l.dob_placeholder",
    # names swapped with a typo in one of them
    "l.given = r.family AND l.dob = r.dob",
    # a typo late in the family name, date missing or wrong
    "l.given = r.given AND substr(l.family, 1, 3) = substr(r.family, 1, 3)",
)


def build_settings(*, dialect: str = "duckdb", link_type: str = "dedupe_only", prior: float = 1e-4) -> dict:
    """Return the untrained Splink settings dictionary of the model, for ``dialect``."""
    creator = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[
            _name_comparison(dialect),
            _dob_comparison(dialect),
            cl.ExactMatch("gender"),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        additional_columns_to_retain=["name_freq"],
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )
    return creator.create_settings_dict(dialect)


@dataclass(frozen=True)
class SavedModel:
    """A trained model: Splink settings with m/u, and Palermo's metadata about it."""

    settings: dict
    metadata: dict

    @property
    def training_records(self) -> int:
        return int(self.metadata.get("training_records") or 0)

    @property
    def fingerprint(self) -> str:
        """A short digest of the trained settings (m, u, λ, levels): two files with the same
        parameters have the same fingerprint, whatever their names or training dates."""
        canonical = json.dumps(self.settings, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def settings_for(self, *, dialect: str, n_records: int, link_type: str = "dedupe_only") -> dict:
        """Return the settings ready for a job on ``n_records`` records with ``dialect``.

        SQL is rebuilt for the dialect (Spark names its string functions differently) with the
        trained m and u copied level by level, and λ rescaled with :func:`prior_for`.
        """
        fresh = build_settings(dialect=dialect, link_type=link_type)
        for comp_new, comp_old in zip(fresh["comparisons"], self.settings["comparisons"], strict=True):
            for lev_new, lev_old in zip(
                comp_new["comparison_levels"], comp_old["comparison_levels"], strict=True
            ):
                for key in ("m_probability", "u_probability"):
                    if key in lev_old:
                        lev_new[key] = lev_old[key]
        fresh["probability_two_random_records_match"] = prior_for(
            trained_prior=self.settings["probability_two_random_records_match"],
            training_records=self.training_records,
            n_records=n_records,
        )
        return fresh


def prior_for(*, trained_prior: float, training_records: int, n_records: int) -> float:
    """Rescale λ, the probability that two random records match, to a data set of ``n_records``.

    Each person has a roughly constant number of records, so matching pairs grow like N while
    all pairs grow like N²: λ falls as 1/N. Using a λ trained on 50k records for 1M records
    would overstate every match probability twentyfold.
    """
    if training_records < 2 or n_records < 2:
        return trained_prior
    return min(0.5, trained_prior * (training_records - 1) / (n_records - 1))


def save_model(*, settings: dict, path: Path, training_records: int, training_data: str) -> dict:
    """Write a trained model as JSON with its format version and training date; return it."""
    document = {
        "palermo": {
            "model_format": MODEL_FORMAT,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_records": training_records,
            "training_data": training_data,
            "splink_version": splink.__version__,
        },
        "splink": settings,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return document


def load_model(*, path: Path | str | None = None) -> SavedModel:
    """Read a model saved by :func:`save_model` (the packaged model when ``path`` is None).

    Raises :class:`ModelError` when the file is missing, unreadable or of another format.
    """
    try:
        if path is None:
            text = resources.files(DEFAULT_MODEL[0]).joinpath(DEFAULT_MODEL[1]).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the linkage model {path or 'packaged model'}: {exc}") from exc
    meta = document.get("palermo") if isinstance(document, dict) else None
    if not meta or meta.get("model_format") != MODEL_FORMAT:
        found = meta.get("model_format") if meta else "no Palermo metadata"
        raise ModelError(f"the model {path} has format {found!r}; this Palermo needs {MODEL_FORMAT!r}")
    if _level_labels(document["splink"]) != _level_labels(build_settings()):
        raise ModelError(
            f"the model {path or 'packaged model'} was trained for other comparison levels than this "
            "Palermo's; retrain it with `palermo link train`"
        )
    return SavedModel(settings=document["splink"], metadata=meta)


def _level_labels(settings: dict) -> list[list[str]]:
    """The comparisons' level labels (null levels left out, their label is dialect SQL)."""
    try:
        return [
            [
                lev.get("label_for_charts", "")
                for lev in comp["comparison_levels"]
                if not lev.get("is_null_level")
            ]
            for comp in settings["comparisons"]
        ]
    except (KeyError, TypeError) as exc:
        raise ModelError(f"the model has no readable comparisons: {exc}") from exc
