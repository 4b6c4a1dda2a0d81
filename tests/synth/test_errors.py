"""Recording errors: every recorded name is a valid name, no error without its rate, and each
error does what it says (hypothesis over seeds, records and rates)."""

from __future__ import annotations

import copy
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.people.names import name_problem
from palermo.synth.bulk import recorded_identity
from palermo.synth.namepools import pool
from palermo.synth.plan import plan_make
from palermo.synth.profile import ERROR_KINDS, Profile, profile_load

N = 400


@cache
def _plan(seed: int):
    return plan_make(profile_load("uk-2023"), N, seed)


def _with_rates(plan, rates: dict[str, float]):
    data = copy.deepcopy(plan.profile.data)
    data["errors"] = rates
    out = copy.copy(plan)
    out.profile = Profile(id="uk-2023", data=data)
    return out


def _truth(plan, i):
    p = pool(plan.nationalities[plan.nationality[i]])
    given = (p.female if plan.sex[i] == 0 else p.male)[plan.given_idx[i]]
    return given, p.family[plan.family_idx[i]], str(plan.dob[i])


rates = st.fixed_dictionaries({k: st.floats(0, 1) for k in ERROR_KINDS})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2), i=st.integers(0, N - 1), rates=rates)
def test_recorded_names_are_valid_names(seed, i, rates):
    given, family, dob, precision = recorded_identity(_with_rates(_plan(seed), rates), i)
    assert name_problem(given) is None and name_problem(family) is None
    assert given and family
    assert (dob is None) == (precision == "unknown")
    assert precision != "estimated" or dob.endswith("-01-01")  # a placeholder birthday is 1 January


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2), i=st.integers(0, N - 1))
def test_no_rates_no_errors(seed, i):
    plan = _with_rates(_plan(seed), dict.fromkeys(ERROR_KINDS, 0.0))
    given, family, dob, precision = recorded_identity(plan, i)
    assert (given, family, dob, precision) == (*_truth(plan, i), "exact")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2), i=st.integers(0, N - 1))
def test_each_error_at_rate_one(seed, i):
    plan = _plan(seed)
    true_given, true_family, true_dob = _truth(plan, i)
    only = lambda kind: _with_rates(plan, {kind: 1.0})  # noqa: E731
    assert recorded_identity(only("placeholder_dob"), i)[2:] == (f"{true_dob[:4]}-01-01", "estimated")
    assert recorded_identity(only("missing_dob"), i)[2:] == (None, "unknown")
    family_first = pool(plan.nationalities[plan.nationality[i]]).family_first
    swapped = recorded_identity(only("swap_names_family_first" if family_first else "swap_names_other"), i)
    assert swapped[:2] == (true_family, true_given)
    typo = recorded_identity(only("typo"), i)
    assert typo[0] == true_given or typo[1] == true_family  # one name changed at most
