"""``palermo link run``: link everyone in the database in one batch and propose possible matches.

Every known person (a person with an NRM case) is decrypted in memory, cleaned and linked with
:func:`palermo.linkage.linking.link_records`. Pairs at or above the review threshold that no one
has decided yet become *pending* candidates for a caseworker. Pending candidates that an
earlier model scored and this run did not propose again are rescored with this run's model
(:mod:`palermo.linkage.rescoring`: withdrawn below the threshold, never deleted). Nothing is
confirmed automatically and no person is merged. The run is audited with counts only.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from palermo.core.audit import audit_record
from palermo.linkage import incremental, rescoring
from palermo.linkage.linking import DEFAULT_THRESHOLD, link_records
from palermo.linkage.model import load_model
from palermo.linkage.models import CONFIRMED, PENDING, STATUS_CHOICES, LinkCandidate
from palermo.linkage.selectors import components
from palermo.linkage.services import review_threshold, store_candidates

#: Pairs scored down to this probability are kept for the match-weight chart (not proposed).
CHART_FLOOR = 0.01


def _quiet(_: str) -> None:
    pass


def size_distribution(groups: list[list[int]]) -> dict[int, int]:
    """{cluster size: how many clusters} for clusters of two or more people."""
    return dict(sorted(Counter(len(g) for g in groups if len(g) > 1).items()))


def weight_histogram(weights: list[float], marked: list[bool], width: float = 2.0) -> list[dict]:
    """Bins of ``width`` match-weight units: {"lo", "hi", "count", "proposed"} (``marked`` pairs
    are those at or above the review threshold)."""
    if not weights:
        return []
    bins: dict[int, list[int]] = {}
    for w, m in zip(weights, marked, strict=True):
        k = math.floor(w / width)
        b = bins.setdefault(k, [0, 0])
        b[0] += 1
        b[1] += int(m)
    lo, hi = min(bins), max(bins)
    return [
        {"lo": k * width, "hi": (k + 1) * width, "count": bins.get(k, [0, 0])[0], "proposed": bins.get(k, [0, 0])[1]}
        for k in range(lo, hi + 1)
    ]


def link_run(
    *, actor=None, link_threshold: float = DEFAULT_THRESHOLD, threshold: float | None = None,
    model_path: Path | None = None, progress: Callable[[str], None] = _quiet,
) -> dict:
    """Link every known person; store new pending candidates; rescore the pending candidates of
    an earlier model that this run did not propose; return the report's figures."""
    start = time.perf_counter()
    threshold = review_threshold() if threshold is None else threshold
    model = load_model(path=model_path)
    version = incremental.model_version(model)
    cache = incremental.known_people()
    with incremental._LOCK:
        rows = list(cache.rows.values())
        name_freq = Counter(cache.name_freq)
    progress(f"Decrypted and cleaned {len(rows):,} people in memory ({cache.decrypted_last_refresh:,} not cached)")
    pairs_out: list[dict] = []
    if len(rows) >= 2:
        result = link_records(
            records=incremental._table(rows, name_freq), model=model, threshold=link_threshold,
            pairs_threshold=min(CHART_FLOOR, threshold), progress=progress,
        )  # fmt: skip
        pairs_out = result.pairs.to_pylist() if result.pairs is not None else []
    proposed = [p for p in pairs_out if p["match_probability"] >= threshold]
    pairs = [(int(p["record_id_l"]), int(p["record_id_r"]), p["match_probability"], p["match_weight"]) for p in proposed]
    rescore_start = time.perf_counter()
    plan = rescoring.rescore_plan(model=model, threshold=threshold, exclude_pairs=[(a, b) for a, b, _, _ in pairs])
    # Every write of the run happens here, in one transaction with its audit event: stopped at
    # any point before the commit, the run leaves nothing behind and can simply be run again.
    progress(f"Writing {len(pairs):,} proposed pairs and {len(plan.scores):,} rescored in one transaction")
    with transaction.atomic():
        counts = store_candidates(
            pairs=pairs, found_by="batch", model_version=version,
            progress=lambda done, total: progress(f"Stored {done:,} of {total:,} new possible matches (not committed yet)"),
        )  # fmt: skip
        rescored = rescoring.rescore_apply(plan=plan, actor=actor, started=rescore_start)
        status_counts = Counter(LinkCandidate.objects.values_list("status", flat=True))
        confirmed_edges = list(LinkCandidate.objects.filter(status=CONFIRMED).values_list("person_a_id", "person_b_id"))
        open_edges = list(
            LinkCandidate.objects.filter(status__in=[CONFIRMED, PENDING]).values_list("person_a_id", "person_b_id")
        )
        stats = {
            "people": len(rows),
            "pairs_scored": len(pairs_out),
            "pairs_at_review_threshold": len(proposed),
            "pairs_at_link_threshold": sum(1 for p in pairs_out if p["match_probability"] >= link_threshold),
            "candidates_created": counts["created"],
            "candidates_rescored": counts["updated"],
            "candidates_reinstated": counts["reinstated"],
            "already_decided": counts["already_decided"],
            "stale_rescored": rescored,
            "candidates_by_status": {s: status_counts.get(s, 0) for s, _ in STATUS_CHOICES},
            "confirmed_cluster_sizes": size_distribution(components(confirmed_edges)),
            "proposed_cluster_sizes": size_distribution(components(open_edges)),
            "review_threshold": threshold,
            "link_threshold": link_threshold,
            "chart_floor": min(CHART_FLOOR, threshold),
            "model_version": version,
            "seconds": round(time.perf_counter() - start, 2),
        }
        audit_record(actor=actor, action="link.batch_run", object_type="linkage.linkcandidate",
                     detail={k: v for k, v in stats.items() if k not in {"confirmed_cluster_sizes", "proposed_cluster_sizes"}}
                     | {"confirmed_clusters": sum(stats["confirmed_cluster_sizes"].values()),
                        "proposed_clusters": sum(stats["proposed_cluster_sizes"].values())})
    progress("Written")
    stats["weight_histogram"] = weight_histogram(
        [p["match_weight"] for p in pairs_out], [p["match_probability"] >= threshold for p in pairs_out]
    )
    return stats
