"""Measuring linkage against the truth: pairwise precision, recall and F1 of clusters.

A clustering is judged on pairs of records: a pair is *predicted* when both records are in
the same cluster, and *true* when both belong to the same person. Counting happens on group
sizes (``n`` records in a group make ``n(n-1)/2`` pairs), so a million records is instant.

Also here is the simplest baseline any linkage must beat: records with the same normalised
name (diacritics folded, case and punctuation ignored, given and family name in the order
written) and the same date of birth are the same person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from palermo.linkage.cleaning import fold


@dataclass(frozen=True)
class PairwiseScores:
    """Pairwise precision, recall and F1, with the counts they come from."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted_pairs: int
    true_pairs: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(*, cluster_of: Mapping[str, str], truth_of: Mapping[str, str]) -> PairwiseScores:
    """Score the clustering ``cluster_of`` (record id → cluster) against ``truth_of`` (→ person)."""
    predicted = sum(_pairs(n) for n in Counter(cluster_of.values()).values())
    true = sum(_pairs(n) for n in Counter(truth_of.values()).values())
    both = sum(_pairs(n) for n in Counter((cluster_of[r], truth_of[r]) for r in cluster_of).values())
    precision = both / predicted if predicted else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(
        precision=precision,
        recall=recall,
        f1=f1,
        true_positives=both,
        predicted_pairs=predicted,
        true_pairs=true,
    )


def exact_match_clusters(records: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Baseline: cluster records on (folded given name, folded family name, date of birth).

    Records without a date of birth or name stay alone: matching on name only would merge
    every *Nguyen Van Anh*.
    """
    out: dict[str, str] = {}
    for rec in records:
        given, family, dob = (
            fold(rec.get("given_name") or ""),
            fold(rec.get("family_name") or ""),
            rec.get("date_of_birth"),
        )
        rid = str(rec["record_id"])
        out[rid] = f"{given}|{family}|{dob}" if (given or family) and dob else f"alone:{rid}"
    return out
