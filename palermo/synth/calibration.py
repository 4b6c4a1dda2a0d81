"""Calibrated name frequencies for ``generate_people(names="calibrated")``.

``data/name_calibration.yaml`` gives, per nationality and list (male and female given names,
family names), published figures: the share of people the *n* most common names cover, the
number of distinct names and/or the effective number of names (1 / Σ p²), each with its source.
This module validates that file, fits a Zipf–Mandelbrot law p(r) ∝ (r + q)^-s over the distinct
names to those figures (both s and q when there are two or more figures, s alone with q = 0
when there is one), and fills the ranks with names: first the locale's own common names
(Faker's lists where :mod:`palermo.synth.namepools` uses them, otherwise the hand-made pools of
:mod:`palermo.synth.names`, most common first), then names composed from the beginnings and
endings of those names. Every person is still a random combination: no one real.
"""

from __future__ import annotations

import random
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "name_calibration.yaml"
KINDS = ("given_male", "given_female", "family")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citation: str = Field(min_length=10)
    verified: bool
    note: str = ""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    top: dict[int, float] = {}
    effective_number: float | None = None
    distinct: int = Field(gt=1)
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self):
        if not self.top and self.effective_number is None:
            raise ValueError("a target needs `top` shares or an `effective_number`")
        shares = [self.top[n] for n in sorted(self.top)]
        if any(not 0 < s < 1 for s in shares) or shares != sorted(shares):
            raise ValueError(f"`top` shares must be in (0, 1) and grow with n: {self.top}")
        if any(n < 1 or n >= self.distinct for n in self.top):
            raise ValueError(f"`top` ranks must be between 1 and distinct − 1: {self.top}")
        return self


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    top_share_relative: float = Field(gt=0, lt=1)
    effective_number_relative: float = Field(gt=0, lt=1)


class Calibration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tolerance: Tolerance
    max_distinct: int = Field(gt=100)
    sources: dict[str, Source]
    defaults: dict[str, Target]
    nationalities: dict[str, dict[str, Target]]

    @model_validator(mode="after")
    def _check(self):
        if set(self.defaults) != set(KINDS):
            raise ValueError(f"`defaults` must give {KINDS}")
        for iso3, lists in self.nationalities.items():
            if set(lists) - set(KINDS):
                raise ValueError(f"{iso3}: unknown lists {sorted(set(lists) - set(KINDS))}")
        for where, target in self.targets_with_place():
            missing = set(target.sources) - set(self.sources)
            if missing:
                raise ValueError(f"{where}: unknown sources {sorted(missing)}")
        return self

    def targets_with_place(self):
        for kind, t in self.defaults.items():
            yield f"defaults.{kind}", t
        for iso3, lists in self.nationalities.items():
            for kind, t in lists.items():
                yield f"{iso3}.{kind}", t

    def target(self, iso3: str, kind: str) -> tuple[Target, bool]:
        """The target of one list and whether it is the assumed default."""
        own = self.nationalities.get(iso3, {}).get(kind)
        return (own, False) if own is not None else (self.defaults[kind], True)


@cache
def calibration() -> Calibration:
    raw = yaml.safe_load(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return Calibration.model_validate(raw)


def zipf_mandelbrot(s: float, q: float, k: int) -> np.ndarray:
    w = (np.arange(1, k + 1, dtype=float) + q) ** -s
    return w / w.sum()


def _misfit(p: np.ndarray, top: dict[int, float], effective: float | None) -> float:
    c = np.cumsum(p)
    err = sum(((c[n - 1] - v) / v) ** 2 for n, v in top.items())
    if effective:
        err += float(np.log((1.0 / float(p @ p)) / effective) ** 2)
    return err


@cache
def fit(top: tuple[tuple[int, float], ...], effective: float | None, k: int) -> tuple[float, float]:
    """(s, q) of the Zipf–Mandelbrot law over ``k`` names closest to the figures (relative error)."""
    from scipy.optimize import minimize, minimize_scalar

    targets = dict(top)
    if len(targets) + (effective is not None) < 2:  # one figure: fit s alone (Zipf, q = 0)
        res = minimize_scalar(lambda s: _misfit(zipf_mandelbrot(s, 0.0, k), targets, effective),
                              bounds=(0.05, 4.0), method="bounded")
        return float(res.x), 0.0

    def objective(x):
        s, log_q = x
        return _misfit(zipf_mandelbrot(s, np.expm1(log_q), k), targets, effective)

    grid = [(objective((s, lq)), s, lq) for s in np.linspace(0.3, 3.0, 10) for lq in np.linspace(0.0, 7.0, 10)]
    _, s0, lq0 = min(grid)
    res = minimize(objective, (s0, lq0), method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-10})
    s, log_q = res.x
    return float(s), float(max(np.expm1(log_q), 0.0))


def _head(iso3: str, kind: str) -> list[str]:
    """The locale's own names, most common first (weights where the list gives them)."""
    from palermo.synth.namepools import pool

    p = pool(iso3)
    names, probs = {"given_male": (p.male, p.male_p), "given_female": (p.female, p.female_p),
                    "family": (p.family, p.family_p)}[kind]
    order = sorted(range(len(names)), key=lambda i: -probs[i])  # stable: ties keep the list's order
    ranked = [names[i] for i in order]
    if np.ptp(probs) == 0:  # an unweighted (often alphabetical) list: the hand-made pool's order first
        from palermo.synth.names import POOLS

        handmade = next((p for p in POOLS if p.iso3 == iso3), None)
        if handmade is not None:
            own = {"given_male": handmade.given_male, "given_female": handmade.given_female,
                   "family": handmade.family}[kind]
            ranked = list(dict.fromkeys([*own, *ranked]))
    return ranked


def _composed(seeds: list[str], exclude: set[str], n: int, salt: str) -> list[str]:
    """``n`` new names, each the beginning of one name and the ending of another.

    When the seed names run out (a short list of short names: Chinese, Vietnamese), the names
    composed so far become seeds too, for up to four rounds."""
    rng = random.Random(zlib.crc32(salt.encode()))
    pool = [w for w in seeds if " " not in w and len(w) >= 2]
    longest = max(len(w) for w in pool) + 2
    out: list[str] = []
    seen = set(exclude)
    for _ in range(4):
        prefixes = sorted({w[:k] for w in pool for k in (1, 2, 3, 4) if len(w) > k})
        suffixes = sorted({w[k:].lower() for w in pool for k in (1, 2, 3, 4) if len(w) > k})
        rng.shuffle(prefixes)
        rng.shuffle(suffixes)
        # walk the prefix × suffix grid diagonally, so that every prefix is used early
        for d in range(len(suffixes)):
            for i, pre in enumerate(prefixes):
                name = pre + suffixes[(i + d) % len(suffixes)]
                if 3 <= len(name) <= longest and name not in seen:
                    seen.add(name)
                    out.append(name)
                    if len(out) == n:
                        return out
        pool = pool + out
    raise ValueError(f"cannot compose {n} names for {salt} from {len(seeds)} seed names")


@dataclass(frozen=True)
class NameList:
    """One calibrated list: names by rank and cumulative weights for drawing."""

    iso3: str
    kind: str
    names: tuple[str, ...]
    probs: np.ndarray
    cum: tuple[float, ...]
    s: float
    q: float
    assumed: bool

    def draw(self, rng: random.Random) -> str:
        return self.names[bisect_right(self.cum, rng.random() * self.cum[-1])]


@cache
def name_list(iso3: str, kind: str) -> NameList:
    cal = calibration()
    target, assumed = cal.target(iso3, kind)
    k = min(target.distinct, cal.max_distinct)
    s, q = fit(tuple(sorted(target.top.items())), target.effective_number, k)
    head = list(dict.fromkeys(_head(iso3, kind)))[:k]
    names = head + _composed(head, set(head), k - len(head), f"{iso3}-{kind}") if k > len(head) else head
    probs = zipf_mandelbrot(s, q, k)
    return NameList(iso3, kind, tuple(names), probs, tuple(accumulate(probs.tolist())), s, q, assumed)
