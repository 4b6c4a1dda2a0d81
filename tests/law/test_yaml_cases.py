"""Every YAML case next to the law data passes (after OpenFisca's YAML tests)."""

import pytest

from palermo.law.cases import all_cases, case_failures

CASES = all_cases()


def test_there_are_at_least_sixty_cases():
    """The issue asks for at least 60 cases."""
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[n for n, _ in CASES])
def test_case(case):
    """The engine gives exactly the expected offences, near misses, nations and penalties."""
    assert case_failures(case) == []


def test_every_offence_is_exercised_by_a_case():
    """Each offence appears in at least one case as applying."""
    from palermo.law.offences import offence_list

    applied = {oid for _, c in CASES for oid in c.offences}
    assert {o.id for o in offence_list()} <= applied
