"""Name pools per nationality for ``palermo synth``: Faker's locales where one has the
country's names in Latin script (as UK agencies record them), otherwise the hand-made pools of
``palermo.synth.names`` (Albanian, Eritrean, Sudanese, Indian, Afghan, Iranian), which Faker
lacks or has only in another script. Every generated person is a random combination: no one
real. Pools are read once from the providers' own lists, weights included where the locale
gives them (the common names come up as often as the locale says)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from palermo.synth.names import POOLS

#: ISO 3166-1 alpha-3 → Faker locale (Latin-script names).
#: Vietnamese, Chinese and Nigerian names come from the hand-made pools, which are larger than
#: those locales' lists and carry the middle names and spelling variants linkage needs.
FAKER_LOCALES = {
    "GBR": "en_GB", "ROU": "ro_RO", "POL": "pl_PL",
    # nationalities that make up "other" in a profile
    "LTU": "lt_LT", "CZE": "cs_CZ", "SVK": "sk_SK", "HUN": "hu_HU", "LVA": "lv_LV",
    "HRV": "hr_HR", "TUR": "tr_TR", "GHA": "tw_GH", "BRA": "pt_BR", "PAK": "en_PK",
}
HANDMADE = {p.iso3: p for p in POOLS if p.iso3 not in FAKER_LOCALES}
OTHER = ("LTU", "CZE", "SVK", "HUN", "LVA", "HRV", "TUR", "GHA", "BRA", "PAK")
NATIONALITIES = tuple(sorted(set(FAKER_LOCALES) | set(HANDMADE)))
FAMILY_FIRST = {"VNM", "CHN"}


@dataclass(frozen=True)
class Pool:
    """Names of one nationality and their probabilities (each list's weights sum to 1)."""

    iso3: str
    male: tuple[str, ...]
    male_p: np.ndarray
    female: tuple[str, ...]
    female_p: np.ndarray
    family: tuple[str, ...]
    family_p: np.ndarray
    family_first: bool


def _weighted(values) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(values, dict):
        names, weights = tuple(values), np.array([float(w) for w in values.values()])
    else:
        names = tuple(dict.fromkeys(values))  # drop repeats, keep order
        weights = np.ones(len(names))
    return names, weights / weights.sum()


def _faker_pool(iso3: str) -> Pool:
    from faker import Faker

    provider = next(p for p in Faker(FAKER_LOCALES[iso3]).get_providers() if "person" in type(p).__module__)
    first = getattr(provider, "first_names", ())
    male = getattr(provider, "first_names_male", None) or first
    female = getattr(provider, "first_names_female", None) or first
    family = getattr(provider, "last_names", ())
    if len(family) < 5:  # locales with male and female forms of family names (Polish, Czech…)
        family = tuple(getattr(provider, "last_names_male", None) or getattr(provider, "male_last_names", None)
                       or getattr(provider, "unisex_last_names", ()))
    (m, mp), (f, fp), (fa, fap) = _weighted(male), _weighted(female), _weighted(family)
    return Pool(iso3, m, mp, f, fp, fa, fap, iso3 in FAMILY_FIRST)


def _handmade_pool(iso3: str) -> Pool:
    p = HANDMADE[iso3]
    m = _weighted(p.given_male + p.long_tail("male"))
    f = _weighted(p.given_female + p.long_tail("female"))
    if p.family_weights:
        fam = _weighted(dict(zip(p.family, p.family_weights, strict=True)) | dict.fromkeys(p.long_tail("family"), 0.2))
    else:
        fam = _weighted(p.family + p.long_tail("family"))
    return Pool(iso3, *m, *f, *fam, p.family_first)


@cache
def pool(iso3: str) -> Pool:
    return _faker_pool(iso3) if iso3 in FAKER_LOCALES else _handmade_pool(iso3)
