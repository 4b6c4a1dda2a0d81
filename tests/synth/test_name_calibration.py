"""The calibrated name model draws names as often as the published figures say.

Targets and sources: palermo/synth/data/name_calibration.yaml. The tolerance is the file's own
(relative error of each top-n share and of the effective number of names); draws are seeded.
"""

import random
from collections import Counter

import pytest
from pydantic import ValidationError

from palermo.synth.calibration import KINDS, Target, calibration, name_list
from palermo.synth.names import POOLS
from palermo.synth.people import generate_people
from tests.linkage.people_measures import share_sharing_a_name, share_undated

DRAWS = 200_000


def test_file_is_valid_and_covers_every_nationality():
    cal = calibration()
    assert {p.iso3 for p in POOLS} <= set(cal.nationalities)
    for _, target in cal.targets_with_place():
        assert target.sources and all(cal.sources[s].citation for s in target.sources)


def test_bad_target_is_refused():
    with pytest.raises(ValidationError, match="grow with n"):
        Target(top={1: 0.2, 10: 0.1}, distinct=100, sources=["x"])
    with pytest.raises(ValidationError, match="needs"):
        Target(distinct=100, sources=["x"])


@pytest.mark.parametrize("iso3", sorted({p.iso3 for p in POOLS}))
def test_draws_match_the_targets(iso3):
    cal = calibration()
    tol = cal.tolerance
    for kind in KINDS:
        target, _ = cal.target(iso3, kind)
        names = name_list(iso3, kind)
        rng = random.Random(f"{iso3}-{kind}")
        counts = Counter(names.draw(rng) for _ in range(DRAWS))
        ranked = [c for _, c in counts.most_common()]
        for n, share in target.top.items():
            drawn = sum(ranked[:n]) / DRAWS
            assert abs(drawn - share) <= tol.top_share_relative * share, (iso3, kind, n, drawn, share)
        if target.effective_number:
            repeat = sum(c * (c - 1) for c in ranked) / (DRAWS * (DRAWS - 1))  # unbiased Σ p²
            drawn = 1 / repeat
            assert abs(drawn - target.effective_number) <= tol.effective_number_relative * target.effective_number
        assert len(names.names) == min(target.distinct, cal.max_distinct) == len(set(names.names))


def test_generator_uses_the_calibrated_lists_and_shares_fewer_names():
    people: dict = {}
    calibrated = generate_people(n_records=20000, seed=3, names="calibrated", people_out=people)
    british = [p for p in people.values() if p.nationality == "GBR"]
    assert british and all(p.family in set(name_list("GBR", "family").names) for p in british)
    caseload = generate_people(n_records=20000, seed=3)

    assert share_sharing_a_name(calibrated) < share_sharing_a_name(caseload)
    # same error model: the share of records without a full date of birth is about the same
    assert abs(share_undated(calibrated) - share_undated(caseload)) < 0.02


def test_bad_name_model_is_refused():
    with pytest.raises(ValueError, match="names must be"):
        generate_people(n_records=10, names="nope")
    with pytest.raises(ValueError, match="wide_names"):
        generate_people(n_records=10, names="calibrated", wide_names=True)
