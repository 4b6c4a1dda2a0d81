"""The principal-offence rule (seed note §4, fn 35): a person found guilty of several offences is
counted under the offence with the heaviest penalty imposed; with the same disposal, the one whose
statutory maximum is the most severe; Palermo's tie-breaks then make the choice deterministic."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.justice.reference import (
    LIFE_MONTHS,
    ChargeFacts,
    current_rule,
    principal_offence,
    severity_of_text,
    statutory_severity,
)
from palermo.law.offences import offence_list

OFFENCES = [(o.id, o.first_in_force) for o in offence_list()]
RULE = current_rule()[0]
RANK = {d.code: i for i, d in enumerate(RULE.disposals)}


@st.composite
def charges(draw):
    oid, start = draw(st.sampled_from(OFFENCES))
    guilty = draw(st.booleans())
    disposal = draw(st.sampled_from(list(RANK))) if guilty else ""
    on = start + dt.timedelta(days=draw(st.integers(0, 3000)))
    return ChargeFacts(oid, on, guilty, disposal,
                       draw(st.none() | st.integers(1, 200)) if guilty else None,
                       draw(st.none() | st.integers(1, 50_000)) if guilty else None,
                       on + dt.timedelta(days=draw(st.integers(30, 900))) if guilty else None)


def _sev(c):
    return statutory_severity(c.offence_id, c.offence_on)


@given(st.lists(charges(), max_size=8), st.randoms())
def test_the_principal_offence_found_guilty_follows_the_rule_in_any_order(cs, rnd):
    """It is a charge the person was found guilty of; none has a heavier disposal; none with the
    same disposal has a more severe statutory maximum; and the order of recording never matters."""
    chosen = principal_offence(cs, basis="found_guilty")
    guilty = [c for c in cs if c.guilty]
    if not guilty:
        assert chosen is None
        return
    assert chosen in guilty
    for c in guilty:
        assert RANK[c.disposal] >= RANK[chosen.disposal]
        if c.disposal == chosen.disposal:
            assert _sev(c) <= _sev(chosen)
    shuffled = list(cs)
    rnd.shuffle(shuffled)
    assert principal_offence(shuffled, basis="found_guilty") == chosen


@given(st.lists(charges(), min_size=1, max_size=8), st.randoms())
def test_the_principal_offence_proceeded_against_has_the_most_severe_maximum(cs, rnd):
    chosen = principal_offence(cs, basis="proceeded_against")
    assert chosen in cs
    assert all(_sev(c) <= _sev(chosen) for c in cs)
    assert min(c.offence_id for c in cs if _sev(c) == _sev(chosen)) == chosen.offence_id
    shuffled = list(cs)
    rnd.shuffle(shuffled)
    assert principal_offence(shuffled, basis="proceeded_against") == chosen


@given(st.lists(charges(), max_size=6), charges())
def test_a_charge_not_found_guilty_never_changes_the_principal_offence_found_guilty(cs, extra):
    acquitted = ChargeFacts(extra.offence_id, extra.offence_on)
    assert principal_offence([*cs, acquitted], basis="found_guilty") == principal_offence(cs, basis="found_guilty")


def test_worked_examples():
    """By hand: custody beats a heavier-maximum fine; with the same disposal the 14-year maximum
    beats the £1,000 fine; with everything equal the longer term, then the offence id."""
    d = dt.date(2010, 6, 1)
    fine_s57 = ChargeFacts("SOA2003_s57", d, True, "fine", fine_pounds=5000)
    custody_s53a = ChargeFacts("SOA2003_s53A", d, True, "suspended_sentence", custody_months=1)
    assert principal_offence([fine_s57, custody_s53a], basis="found_guilty") == custody_s53a
    fine_s53a = ChargeFacts("SOA2003_s53A", d, True, "fine", fine_pounds=900)
    assert principal_offence([fine_s53a, fine_s57], basis="found_guilty") == fine_s57
    a = ChargeFacts("SOA2003_s57", d, True, "immediate_custody", custody_months=36)
    b = ChargeFacts("SOA2003_s58", d, True, "immediate_custody", custody_months=48)
    assert principal_offence([a, b], basis="found_guilty") == b
    b36 = ChargeFacts("SOA2003_s58", d, True, "immediate_custody", custody_months=36)
    assert principal_offence([b36, a], basis="found_guilty") == a
    assert principal_offence([b36, a], basis="proceeded_against") == a
    assert principal_offence([fine_s53a, a], basis="proceeded_against") == a


def test_every_offence_in_the_law_data_has_a_readable_statutory_maximum():
    """A new penalty wording in an offence file fails here rather than ranking as nothing."""
    for o in offence_list():
        for entry in o.max_penalty:
            if entry.value is not None:
                assert statutory_severity(o.id, entry.from_).custody_months >= 0
    assert severity_of_text("life imprisonment").custody_months == LIFE_MONTHS
    assert severity_of_text("10 years' imprisonment; life imprisonment where …").custody_months == LIFE_MONTHS
    assert severity_of_text("a fine of £1,000 (level 3)").fine_cap_pounds == 1000
    assert severity_of_text("14 years' imprisonment, a fine, or both") > severity_of_text("a fine of £1,000")
    with pytest.raises(ValueError):
        severity_of_text("a stern word")


def test_law_check_refuses_a_rule_that_leaves_a_tie_or_an_uncited_value(tmp_path):
    """``palermo law check`` reads the justice files through their schema: keys that do not end in
    the offence id (a tie could remain) and a value without a source are refused by name."""
    from palermo.justice.reference import justice_parameter_problems
    from palermo.law.parameters import all_parameters

    folder = tmp_path / "justice"
    folder.mkdir()
    (folder / "principal_offence.yaml").write_text(
        "description: A rule with a tie left open.\nunit: principal_offence_rule\nvalues:\n"
        "  - from: 2004-01-01\n    value:\n      found_guilty: [disposal, statutory_maximum]\n"
        "      proceeded_against: [statutory_maximum, offence_id]\n"
        "      disposals: [{code: fine, label: Fine}, {code: absolute_discharge, label: Absolute discharge}]\n"
        "    sources: [{citation: seed note §4}]\n", encoding="utf-8")
    problems = justice_parameter_problems(tmp_path)
    assert any("must end with offence_id" in p for p in problems), problems
    (folder / "principal_offence.yaml").write_text(
        "description: A rule without a source.\nunit: principal_offence_rule\nvalues:\n"
        "  - from: 2004-01-01\n    value: {}\n    sources: []\n", encoding="utf-8")
    all_parameters.cache_clear()
    assert any("sources" in p for p in justice_parameter_problems(tmp_path))
