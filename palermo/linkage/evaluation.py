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

from palermo.linkage.cleaning import fold, nationality_iso3, normalise_gender, parse_dob


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


def pairwise_scores_by_stratum(
    *, cluster_of: Mapping[str, str], truth_of: Mapping[str, str], stratum_of: Mapping[str, str]
) -> dict[str, PairwiseScores]:
    """Pairwise scores split by the kind of pair: ``stratum_of`` gives each record a kind (e.g.
    ``"full"``, ``"placeholder"``, ``"missing"`` date of birth) and a pair's stratum is its two
    kinds joined in sorted order (``"full+missing"``). Pairs are enumerated within clusters and
    within people, so this suits clusterings whose clusters are not huge."""

    def pairs_of(groups_of: Mapping[str, str]) -> Counter:
        groups: dict[str, list[str]] = {}
        for rid, g in groups_of.items():
            groups.setdefault(g, []).append(rid)
        out: Counter = Counter()
        for members in groups.values():
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    out["+".join(sorted((stratum_of[members[a]], stratum_of[members[b]])))] += 1
        return out

    predicted, true = pairs_of(cluster_of), pairs_of(truth_of)
    both = pairs_of({rid: f"{cluster_of[rid]}\x00{truth_of[rid]}" for rid in cluster_of})
    scores = {}
    for key in sorted(set(predicted) | set(true)):
        tp, pp, tt = both[key], predicted[key], true[key]
        precision = tp / pp if pp else 1.0
        recall = tp / tt if tt else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[key] = PairwiseScores(precision, recall, f1, tp, pp, tt)
    return scores


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


def oracle_ceiling(
    *,
    records: Iterable[Mapping[str, str]],
    people: Mapping[str, object],
    guess_up_to: Iterable[int | None] = (1, 2, 3, None),
    visible_policy: bool = True,
) -> dict[str, PairwiseScores]:
    """An upper bound on pairwise F1 for *any* linkage of these records: an oracle's clusters.

    The oracle is far better informed than any linkage method. It knows every record's true
    person name (no typing errors, transliterations or swaps), links every record that has a
    full date of birth to its person perfectly, and is left only with what the data cannot
    say: which person a record with **no full date of birth** (missing, or a 1 January
    placeholder) belongs to. For such a record the candidates are the people with the same
    true name whose gender, nationality and year of birth (within one year of a placeholder)
    agree with what the record shows; the record's own person is always among them.

    * one candidate: the oracle links the record to its person;
    * several: with policy ``guess_up_to=K`` it links the record to the candidate with the
      most records when there are at most ``K`` candidates (``None``: always), and leaves it
      alone otherwise (a guess costs precision when it is wrong).

    ``people`` maps ``person_id`` to the person's true attributes
    (:class:`palermo.synth.people.TruePerson`: ``given``, ``family``, ``gender``,
    ``nationality`` as ISO alpha-3, ``date_of_birth``). Returns the scores of each policy,
    keyed ``"guess<=K"`` or ``"guess always"``; the best of them is the ceiling.

    It knows one more thing no method can: whether the record's own person has other records.
    With ``visible_policy`` the scores of a fairer oracle are added as ``"one person seen"``:
    perfect names and perfectly linked full dates still, but it sees only the people who have
    *other* records and links a record to the one it sees when there is exactly one — wrongly
    when the record is of a person seen nowhere else who shares that name. That is closer to
    what a linkage method could reach; the ceiling is the best of the other policies.
    """
    records = list(records)
    n_records = Counter(str(r["person_id"]) for r in records)
    by_name: dict[tuple[str, str], list[str]] = {}
    for pid, person in people.items():
        if pid in n_records:
            by_name.setdefault((person.given, person.family), []).append(pid)
    truth_of = {str(r["record_id"]): str(r["person_id"]) for r in records}
    # for each record without a full date: its candidate people, own person first
    open_records: dict[str, list[str]] = {}
    for rec in records:
        dob = parse_dob(rec.get("date_of_birth"))
        if dob is not None and not dob.placeholder:
            continue
        own = str(rec["person_id"])
        person = people[own]
        gender = normalise_gender(rec.get("gender"))
        nationality = nationality_iso3(rec.get("nationality"))
        candidates = [own]
        for pid in by_name[(person.given, person.family)]:
            other = people[pid]
            if pid == own:
                continue
            if gender is not None and other.gender != gender:
                continue
            if nationality is not None and other.nationality != nationality:
                continue
            if dob is not None and abs(other.date_of_birth.year - dob.year) > 1:
                continue
            candidates.append(pid)
        open_records[str(rec["record_id"])] = candidates
    out: dict[str, PairwiseScores] = {}
    for limit in guess_up_to:
        cluster_of = dict(truth_of)
        for rid, candidates in open_records.items():
            if len(candidates) == 1:
                continue
            if limit is not None and len(candidates) > limit:
                cluster_of[rid] = f"alone:{rid}"
                continue
            own = candidates[0]
            # the most records (not counting this one), then the smallest id: blind to the truth
            cluster_of[rid] = min(candidates, key=lambda pid: (-(n_records[pid] - (pid == own)), pid))
        key = "guess always" if limit is None else f"guess<={limit}"
        out[key] = pairwise_scores(cluster_of=cluster_of, truth_of=truth_of)
    if visible_policy:
        # what a method could do with perfect names but without the truth: it sees the people
        # who have *other* records; it links to the one it sees when it sees exactly one, and
        # cannot tell a record of a person seen nowhere else from a repeat of that one person
        cluster_of = dict(truth_of)
        for rid, candidates in open_records.items():
            own = candidates[0]
            visible = [pid for pid in candidates if n_records[pid] - (pid == own) > 0]
            cluster_of[rid] = visible[0] if len(visible) == 1 else f"alone:{rid}"
        out["one person seen"] = pairwise_scores(cluster_of=cluster_of, truth_of=truth_of)
    return out
