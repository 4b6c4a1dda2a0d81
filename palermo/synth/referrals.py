"""Synthetic referrals CSV files of any size, written as a stream (a 1 GB file never sits in
memory), for the import's memory and crash tests and its benchmark.

Every row is valid for a first responder at one designated organisation (the demo's
``responder`` at MET): an adult who consents, referred between 2016 and 2024, with a synthetic
name from ``palermo.synth.names``. No two rows are duplicates (the date of birth and the date
received move with the row number). Narratives span several lines inside quotes and hold commas
and quotes, so the parser's quoting is exercised on every row. With ``invalid_last`` the last
row has an unknown nation, so the whole file is checked and then refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from palermo.synth.names import POOLS

COLUMNS = ["received_on", "nation", "exploitation_types", "indicators", "under_18", "consent",
           "given_name", "family_name", "date_of_birth", "gender", "nationalities", "narrative"]
_WORDS = ("worked", "long", "hours", "debt", "travel", "house", "passport", "kept", "paid", "nothing", "moved",
          "farm", "car", "wash", "nail", "bar", "cannabis", "factory", "recruited", "online", "promised", "job")
_NATIONS = ("england", "wales", "scotland", "northern_ireland")


def _narrative(rng: random.Random, chars: int) -> str:
    words, size = ["Synthetic:"], 10
    while size < chars:
        w = rng.choice(_WORDS)
        if rng.random() < 0.03:
            w += ",\r\nthen"
        elif rng.random() < 0.02:
            w = f'"{w}"'
        words.append(w)
        size += len(w) + 1
    return " ".join(words)[:chars]


def referral_row(i: int, rng: random.Random, *, narrative_chars: int) -> list[str]:
    pool = POOLS[i % len(POOLS)]
    female = i % 2 == 0
    given = rng.choice(pool.given_female if female else pool.given_male)
    family = rng.choice(pool.family)
    received = dt.date(2016, 1, 1) + dt.timedelta(days=(i // 15_000) % 3_000)
    dob = dt.date(1950, 1, 1) + dt.timedelta(days=i % 15_000)
    return [received.isoformat(), _NATIONS[i % 4], "labour", "debt_bondage", "no", "given", given, family,
            dob.isoformat(), "female" if female else "male", pool.iso3, _narrative(rng, narrative_chars)]


def write_referrals_csv(*, path: Path, target_bytes: int | None = None, rows: int | None = None,
                        narrative_chars: int = 800, invalid_last: bool = False, seed: int = 0) -> int:
    """Write rows until ``rows`` are written or the file reaches ``target_bytes``; return how
    many rows were written."""
    if (target_bytes is None) == (rows is None):
        raise ValueError("give either rows or target_bytes")
    rng = random.Random(seed)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        while (rows is not None and n < rows) or (target_bytes is not None and fh.tell() < target_bytes):
            w.writerow(referral_row(n, rng, narrative_chars=narrative_chars))
            n += 1
        if invalid_last:
            bad = referral_row(n, rng, narrative_chars=narrative_chars)
            bad[1] = "atlantis"
            w.writerow(bad)
            n += 1
    return n
