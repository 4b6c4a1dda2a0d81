"""A labelled synthetic set of person records with the errors seen in repeated referrals.

The same person is referred more than once (police, then a local authority, then an NGO), and
each referral records them a little differently. :func:`generate_people` draws people from a
realistic mix of nationalities (:mod:`palermo.synth.names`) and writes one to several records
for each, with these errors, each at a known rate (:class:`ErrorRates`):

* transliteration variants (``Nguyễn`` / ``Nguyen``, ``Zhang`` / ``Chang``, ``Mohammed`` /
  ``Mohamed``) and diacritics kept or dropped;
* given and family names swapped (far more often for Chinese and Vietnamese names);
* typing errors (one letter substituted, dropped, doubled or transposed);
* day and month of birth swapped; 1 January used as a placeholder birthday; a disputed age
  (year of birth ±1–2); date of birth missing;
* gender missing or wrong; nationality written as a name, demonym or ISO code, or missing.

Each record carries ``person_id``, the truth, which the linkage never reads: benchmarks and
tests use it to measure precision and recall. Randomness comes only from the ``seed``, so a
given ``(n_records, seed, rates)`` always gives the same records.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from unidecode import unidecode

from palermo.synth.calibration import name_list
from palermo.synth.names import POOLS, SPELLING_VARIANTS, NamePool

#: The name models of :func:`generate_people`.
NAME_MODELS = ("caseload", "calibrated")

#: The columns of the file-mode input, then the truth column.
INPUT_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "recorded_on",
    "source",
)
TRUTH_COLUMN = "person_id"

SOURCES = ("police", "local_authority", "ngo", "home_office", "health", "border_force")


@dataclass(frozen=True)
class ErrorRates:
    """Probability of each error, per record (per person for ``age_assessed``)."""

    variant: float = 0.35
    drop_diacritics: float = 0.5
    swap_names_family_first: float = 0.2
    swap_names_other: float = 0.04
    typo: float = 0.15
    second_typo: float = 0.03
    day_month_swap: float = 0.04
    placeholder_dob: float = 0.05
    disputed_age: float = 0.06
    missing_dob: float = 0.05
    age_assessed: float = 0.06
    missing_gender: float = 0.05
    wrong_gender: float = 0.01
    missing_nationality: float = 0.04
    wrong_nationality: float = 0.01


#: Records per person: most people are referred once, some several times.
RECORDS_PER_PERSON = ((1, 0.50), (2, 0.25), (3, 0.14), (4, 0.07), (5, 0.04))

_KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


@dataclass(frozen=True)
class _Person:
    person_id: str
    pool: NamePool
    given: str
    family: str
    dob: date
    gender: str
    age_assessed: bool


def _typo(rng: random.Random, name: str) -> str:
    """Make one typing error in ``name``: substitute, drop, double or transpose a letter."""
    if len(name) < 3:
        return name
    i = rng.randrange(1, len(name))  # keep the first letter, as most real typos do
    ch = name[i]
    op = rng.random()
    if op < 0.35 and ch.lower() in _KEYBOARD_NEIGHBOURS:
        repl = rng.choice(_KEYBOARD_NEIGHBOURS[ch.lower()])
        return name[:i] + repl + name[i + 1 :]
    if op < 0.6:
        return name[:i] + name[i + 1 :]
    if op < 0.8:
        return name[:i] + ch + name[i:]
    if i < len(name) - 1:
        return name[:i] + name[i + 1] + ch + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _variant(rng: random.Random, name: str, rates: ErrorRates) -> str:
    """Spell ``name`` as another agency might: a transliteration variant, diacritics dropped."""
    parts = []
    for token in name.split():
        if token in SPELLING_VARIANTS and rng.random() < rates.variant:
            token = rng.choice(SPELLING_VARIANTS[token])
        parts.append(token)
    out = " ".join(parts)
    if out != unidecode(out) and rng.random() < rates.drop_diacritics:
        out = unidecode(out)
    return out


def _draw_person(
    rng: random.Random, person_id: str, rates: ErrorRates, today: date, wide_names: bool = False,
    names: str = "caseload",
) -> _Person:
    pool = rng.choices(POOLS, weights=[p.weight for p in POOLS])[0]
    gender = "F" if rng.random() < 0.45 else "M"
    if names == "calibrated":
        given = name_list(pool.iso3, "given_female" if gender == "F" else "given_male").draw(rng)
        middles = pool.middle_female if gender == "F" else pool.middle_male
        if middles:
            given = f"{rng.choice(middles)} {given}"
        family = name_list(pool.iso3, "family").draw(rng)
        return _finish_person(rng, person_id, pool, given, family, gender, rates, today)
    given_list = pool.given_female if gender == "F" else pool.given_male
    tail_of = _wide_tail if wide_names else _long_tail
    tail_share = max(pool.tail_share, WIDE_TAIL_SHARE) if wide_names else pool.tail_share
    given_tail = tail_of(pool, "female" if gender == "F" else "male")
    if given_tail and rng.random() < tail_share:
        given = rng.choice(given_tail)
    else:
        given = rng.choice(given_list)
    middles = pool.middle_female if gender == "F" else pool.middle_male
    if middles:
        given = f"{rng.choice(middles)} {given}"
    family_tail = tail_of(pool, "family")
    if family_tail and rng.random() < tail_share:
        family = rng.choice(family_tail)
    elif pool.family_weights:
        family = rng.choices(pool.family, weights=pool.family_weights)[0]
    else:
        family = rng.choice(pool.family)
    return _finish_person(rng, person_id, pool, given, family, gender, rates, today)


def _finish_person(rng, person_id, pool, given, family, gender, rates, today) -> _Person:
    age_days = rng.randint(14 * 365, 60 * 365)
    dob = today - timedelta(days=age_days)
    return _Person(
        person_id=person_id,
        pool=pool,
        given=given,
        family=family,
        dob=dob,
        gender=gender,
        age_assessed=rng.random() < rates.age_assessed,
    )


@dataclass(frozen=True)
class TruePerson:
    """What is really true of a generated person, before any recording error."""

    given: str
    family: str
    gender: str
    nationality: str
    date_of_birth: date


_TAILS: dict[tuple[str, str], tuple[str, ...]] = {}


#: ``wide_names``: endings added to every tail name (and, where a pool has no given-name tail,
#: to its common given names), and the least share of people drawn from the tails.
WIDE_ENDINGS = ("", "a", "e", "i", "o", "an", "el", "ov", "er", "is")
WIDE_TAIL_SHARE = 0.4


def _wide_tail(pool: NamePool, kind: str) -> tuple[str, ...]:
    """Ten times the rare-name tail, for a sensitivity test of how much name diversity matters."""
    key = (pool.iso3, f"wide-{kind}")
    if key not in _TAILS:
        base = _long_tail(pool, kind)
        if not base and kind != "family":
            base = pool.given_female if kind == "female" else pool.given_male
        _TAILS[key] = tuple(name + ending for name in base for ending in WIDE_ENDINGS)
    return _TAILS[key]


def _long_tail(pool: NamePool, kind: str) -> tuple[str, ...]:
    key = (pool.iso3, kind)
    if key not in _TAILS:
        _TAILS[key] = pool.long_tail(kind)
    return _TAILS[key]


def _record_dob(rng: random.Random, person: _Person, rates: ErrorRates) -> str:
    dob = person.dob
    if person.age_assessed:
        # only an estimated year was ever known: recorded as 1 January, year often disputed
        return f"{dob.year + rng.choice((0, 0, 0, -1, 1))}-01-01"
    r = rng.random()
    if r < rates.missing_dob:
        return ""
    r -= rates.missing_dob
    if r < rates.placeholder_dob:
        return f"{dob.year + rng.choice((0, 0, -1, 1))}-01-01"
    r -= rates.placeholder_dob
    if r < rates.disputed_age:
        year = dob.year + rng.choice((-2, -1, 1, 2))
        try:
            return date(year, dob.month, dob.day).isoformat()
        except ValueError:  # 29 February
            return date(year, dob.month, 28).isoformat()
    r -= rates.disputed_age
    if r < rates.day_month_swap and dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month).isoformat()
    return dob.isoformat()


def _record(rng: random.Random, person: _Person, record_id: str, rates: ErrorRates) -> dict:
    given = _variant(rng, person.given, rates)
    family = _variant(rng, person.family, rates)
    for _ in range(2 if rng.random() < rates.second_typo else 1 if rng.random() < rates.typo else 0):
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    swap = rates.swap_names_family_first if person.pool.family_first else rates.swap_names_other
    if rng.random() < swap:
        given, family = family, given
    gender = person.gender
    if rng.random() < rates.missing_gender:
        gender = rng.choice(("", "unknown"))
    elif rng.random() < rates.wrong_gender:
        gender = "M" if gender == "F" else "F"
    else:
        gender = rng.choice((gender, gender, "Male" if gender == "M" else "Female"))
    if rng.random() < rates.missing_nationality:
        nationality = ""
    elif rng.random() < rates.wrong_nationality:
        nationality = rng.choice(rng.choice(POOLS).spellings)
    else:
        nationality = rng.choice(person.pool.spellings)
    recorded_on = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
    return {
        "record_id": record_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": _record_dob(rng, person, rates),
        "gender": gender,
        "nationality": nationality,
        "recorded_on": recorded_on.isoformat(),
        "source": rng.choice(SOURCES),
        TRUTH_COLUMN: person.person_id,
    }


def generate_people(
    *,
    n_records: int,
    seed: int = 0,
    rates: ErrorRates | None = None,
    today: date = date(2025, 6, 30),
    people_out: dict | None = None,
    wide_names: bool = False,
    names: str = "caseload",
) -> list[dict]:
    """Return ``n_records`` synthetic person records, labelled with ``person_id``.

    Records of the same person are scattered (shuffled) and have ids ``R0000001``…; the
    set is fully determined by its arguments. With ``people_out`` (a dict), each person's true
    attributes are put in it by ``person_id`` as a :class:`TruePerson` (for the information
    ceiling of :func:`palermo.linkage.evaluation.oracle_ceiling`); the records are the same.

    ``wide_names`` is a sensitivity setting, not a calibrated population: every nationality
    draws at least 40% of given and family names from a rare-name tail ten times as long
    (so far fewer people share a full name). The errors and their rates are unchanged.

    ``names`` chooses the name frequencies: ``"caseload"`` (the hand-made pools of
    :mod:`palermo.synth.names`, which share names far more than a general population does) or
    ``"calibrated"`` (each nationality's given and family names drawn with frequencies fitted
    to published figures, :mod:`palermo.synth.calibration`; the nationality mix, middle names
    and the errors and their rates are the same).
    """
    if names not in NAME_MODELS:
        raise ValueError(f"names must be one of {NAME_MODELS}, not {names!r}")
    if names == "calibrated" and wide_names:
        raise ValueError("wide_names is a setting of the caseload pools, not of the calibrated names")
    rng = random.Random(seed)
    rates = rates or ErrorRates()
    sizes, weights = zip(*RECORDS_PER_PERSON, strict=True)
    records: list[dict] = []
    person_no = 0
    while len(records) < n_records:
        person_no += 1
        person = _draw_person(rng, f"P{person_no:07d}", rates, today, wide_names, names)
        if people_out is not None:
            people_out[person.person_id] = TruePerson(
                given=person.given,
                family=person.family,
                gender=person.gender,
                nationality=person.pool.iso3,
                date_of_birth=person.dob,
            )
        k = min(rng.choices(sizes, weights=weights)[0], n_records - len(records))
        records.extend(_record(rng, person, "", rates) for _ in range(k))
    rng.shuffle(records)
    for i, rec in enumerate(records, start=1):
        rec["record_id"] = f"R{i:07d}"
    return records


def write_people_csv(*, records: list[dict], path: Path, with_truth: bool = True) -> None:
    """Write records as the file-mode input CSV (with the ``person_id`` truth column if asked)."""
    columns = [*INPUT_COLUMNS, TRUTH_COLUMN] if with_truth else list(INPUT_COLUMNS)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
