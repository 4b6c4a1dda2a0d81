"""The synthetic-data profiles are data with their sources, checked like the law data."""

from __future__ import annotations

import copy

import pytest
import yaml

from palermo.synth.profile import PROFILES_DIR, profile_names, profile_problems, profiles_check


def _data(name: str) -> dict:
    return yaml.safe_load((PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def test_every_profile_is_valid_and_cited():
    """Both profiles the issue names exist and pass the schema check."""
    assert {"seed-2011", "uk-2023"} <= set(profile_names())
    assert profiles_check() == {name: [] for name in profile_names()}


@pytest.mark.parametrize("name", ["seed-2011", "uk-2023"])
def test_a_figure_without_a_citation_is_refused(name):
    """A marginal whose sources are removed, or an unverified source with no note, is refused."""
    data = _data(name)
    bad = copy.deepcopy(data)
    bad["marginals"]["gender"]["sources"] = []
    assert any("marginals.gender: no sources" in p for p in profile_problems(bad, name=name))
    bad = copy.deepcopy(data)
    bad["marginals"]["nation"]["sources"] = [{"citation": "a guess", "verified": False}]
    assert any("needs a note" in p for p in profile_problems(bad, name=name))


def test_counts_that_do_not_add_up_are_refused():
    """Each marginal's counts must add up to the total referrals; outcome shares to 1."""
    data = _data("uk-2023")
    data["marginals"]["gender"]["values"]["male"] += 1
    data["outcomes"]["all"]["referred"] += 0.01
    problems = profile_problems(data, name="uk-2023")
    assert any("marginals.gender: counts add up to 17005" in p for p in problems)
    assert any("outcomes.all: shares add up to" in p for p in problems)


def test_unknown_codes_are_refused():
    data = _data("seed-2011")
    data["marginals"]["nationality"]["values"]["XXX"] = data["marginals"]["nationality"]["values"].pop("other")
    data["marginals"]["exploitation_type"]["values"]["piracy"] = data["marginals"]["exploitation_type"]["values"].pop("unknown")
    problems = profile_problems(data, name="seed-2011")
    assert any("nationality: unknown values XXX" in p for p in problems)
    assert any("exploitation_type: unknown values piracy" in p for p in problems)


def test_uk_2023_cites_the_home_office_publication():
    data = _data("uk-2023")
    assert data["total_referrals"]["value"] == 17004 and data["total_referrals"]["exact"] is True
    url = data["total_referrals"]["sources"][0]["url"]
    assert url.startswith("https://www.gov.uk/government/statistics/modern-slavery-nrm-and-dtn-statistics-end-of-year-summary-2023")
