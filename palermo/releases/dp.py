"""Differentially private counts with OpenDP 0.16 (the Context API, public key sets).

One release is one table: the NRM cases of one dataset (the referrals received in a calendar
year) counted by one dimension, every key of a **public** key set released (an empty category
too, as a noisy count), so the release never says which categories exist in the data. Keys come
from code lists and organisation lists, never from the cases (``Margin(invariant="keys")`` would
release them, and is not used).

**Privacy unit: a person.** One person may be referred more than once in a year, and a referral
may have several exploitation types, so each person's rows are first cut to at most
``contributions`` rows (their earliest referrals), and OpenDP is told so
(``dp.unit_of(contributions=…)``): it scales the noise to what one person can change. Counts
are ``dp.len(signed=True)`` with integer (discrete) Laplace noise; a noisy count may be negative
and is published as it is (rounding it up to zero would bias the totals).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from palermo.accounts.models import Organisation
from palermo.nrm import codes, workflow
from palermo.nrm.models import NATION_CHOICES
from palermo.releases.dataset import AGE_GROUPS, NATIONALITY_GROUPS, CaseFacts


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    contributions: int  # rows one person may add to the table, after cutting

    def keys(self) -> list[tuple[str, str]]:
        """The public key set: (key, label), from code lists and organisations, never the data."""
        if self.key == "status":
            return list(workflow.STATUS_CHOICES)
        if self.key == "exploitation_type":
            return codes.choices("exploitation_types")
        if self.key == "nationality_group":
            return list(NATIONALITY_GROUPS)
        if self.key == "age_group":
            return list(AGE_GROUPS)
        if self.key == "nation":
            return list(NATION_CHOICES)
        if self.key == "competent_authority":
            return list(Organisation.objects.filter(kind="competent_authority").order_by("code").values_list("code", "name"))
        raise KeyError(self.key)

    def values(self, f: CaseFacts) -> list[str]:
        """The key(s) a case counts under."""
        if self.key == "exploitation_type":
            return list(f.exploitation_types)
        return [{"status": f.status, "nationality_group": f.nationality_group,
                 "age_group": "child" if f.child else "adult", "nation": f.nation,
                 "competent_authority": f.authority}[self.key]]


DIMENSIONS = {d.key: d for d in [
    Dimension("status", "Status of the case", 2),
    Dimension("exploitation_type", "Type of exploitation", 4),
    Dimension("nationality_group", "Nationality group", 2),
    Dimension("age_group", "Child or adult", 2),
    Dimension("nation", "UK nation of the referral", 2),
    Dimension("competent_authority", "Competent authority", 2),
]}


@dataclass(frozen=True)
class NoisyTable:
    rows: list[dict]  # [{"key", "label", "count"}] in the order of the public key set
    scale: float
    accuracy: float  # half-width of the 95% interval of each count
    mechanism: str


def rows_per_person(facts: list[CaseFacts], dim: Dimension) -> list[str]:
    """Each case's key(s), at most ``dim.contributions`` per person (their earliest referrals
    first; a case without a person is a person of its own)."""
    taken: dict[object, int] = defaultdict(int)
    out: list[str] = []
    for f in sorted(facts, key=lambda f: (f.received_on, f.case_id)):
        who = ("p", f.person_id) if f.person_id is not None else ("c", f.case_id)
        for value in dim.values(f):
            if taken[who] < dim.contributions:
                taken[who] += 1
                out.append(value)
    return out


def noisy_counts(facts: list[CaseFacts], dim: Dimension, *, epsilon: float, max_rows: int = 10_000_000) -> NoisyTable:
    """The count of cases by ``dim``'s public keys, with epsilon-differential privacy for each
    person in ``facts``."""
    import opendp.prelude as dp
    import polars as pl

    dp.enable_features("contrib")
    keys = dim.keys()
    values = rows_per_person(facts, dim)
    frame = pl.DataFrame({"key": pl.Series(values, dtype=pl.String)})
    # The scale that spends exactly epsilon: one person changes at most ``contributions``
    # counts by one each (L1 sensitivity), so scale = contributions / epsilon.
    scale = dim.contributions / epsilon
    # The measurement is made directly (OpenDP's own constructor), not through a Context query:
    # a Context's release() searches for a global scale even when the scale is given (about a
    # thousand constructions, ~5 s of CPU a table); here it is made once and its privacy loss
    # for one person checked against the budget before anything is released.
    domain = dp.with_margin(dp.lazyframe_domain([dp.series_domain("key", dp.atom_domain(T=dp.String))]),
                            dp.polars.Margin(by=[], max_length=max_rows))
    counts = pl.LazyFrame(schema=frame.collect_schema()).group_by("key").agg(dp.len(scale=scale, signed=True))
    key_set = pl.LazyFrame({"key": pl.Series([k for k, _ in keys], dtype=pl.String)})
    plan = key_set.join(counts, how="left", on=["key"], nulls_equal=True)  # as OpenDP's with_keys
    measurement = dp.m.make_private_lazyframe(domain, dp.symmetric_distance(), dp.max_divergence(), lazyframe=plan)
    loss = measurement.map(dim.contributions)
    if loss > epsilon:  # never, by the scale above; checked so a change of library cannot overspend
        raise ValueError(f"{dim.key}: the release would spend epsilon {loss}, over its budget {epsilon}")
    released = {row["key"]: int(row["len"]) for row in measurement(frame.lazy()).collect().to_dicts()}
    return NoisyTable(
        rows=[{"key": k, "label": str(label), "count": released[k]} for k, label in keys],
        scale=scale, accuracy=float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=0.05)),
        mechanism="Integer Laplace")
