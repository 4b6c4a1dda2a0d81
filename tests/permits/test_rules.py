"""The residence permit rules as law data: what is in force on each date (before the permits,
the 2009 permit, the 2023 scheme), a permit's dates (properties over every date), and the
explained check of an application. Pure functions: no database."""

from __future__ import annotations

import calendar
import datetime as dt
import shutil

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.law.checks import law_data_check
from palermo.law.parameters import POLICY_DIR, ParameterError, parameter_history
from palermo.law.permits import (
    PARAM_ELIGIBILITY,
    PARAM_MONTHS,
    PARAM_REMINDER,
    add_months,
    permit_dates,
    permit_eligibility_explain,
    permit_parameter_problems,
    permit_rules_at,
)

START = dt.date(2009, 4, 1)
VTS = dt.date(2023, 1, 30)
dates_in_force = st.dates(min_value=START, max_value=dt.date(2060, 12, 31))


# --- the rules across dates -----------------------------------------------------------------


def test_there_was_no_permit_before_april_2009():
    with pytest.raises(ParameterError, match="no value in force on 2009-03-31"):
        permit_rules_at(dt.date(2009, 3, 31))


def test_the_2009_permit_is_for_identified_victims_co_operating_or_on_personal_circumstances_for_a_renewable_year():
    rules = permit_rules_at(START)
    assert rules.grounds == ("cooperation_with_investigation", "personal_circumstances")
    assert (rules.months, rules.renewable, rules.reminder_days) == (12, True, 60)
    assert rules.version == "support.residence_permit_eligibility@2009-04-01"
    citations = " ".join(s.citation for s in rules.eligibility.sources)
    assert "seed note §5.2" in citations and "seed note §10" in citations


def test_the_2023_rules_take_effect_on_30_january_2023_with_their_own_grounds():
    before, after = permit_rules_at(VTS - dt.timedelta(days=1)), permit_rules_at(VTS)
    assert "personal_circumstances" in before.grounds and "recovery_from_harm" not in before.grounds
    assert after.grounds == ("recovery_from_harm", "seeking_compensation", "cooperation_with_investigation")
    assert after.version == "support.residence_permit_eligibility@2023-01-30"
    assert after.months_param.version == "support.residence_permit_months@2023-01-30"
    assert "Temporary permission to stay" in after.scheme


def test_later_rules_that_cannot_be_checked_here_say_so():
    """Every source outside the seed note that was not read is marked, with a note saying why."""
    for pid in (PARAM_ELIGIBILITY, PARAM_MONTHS, PARAM_REMINDER):
        for value in parameter_history(pid):
            for source in value.sources:
                if not source.citation.startswith(("seed note", "Palermo issue", "Home Office, Nationality")):
                    if not source.verified:
                        assert source.note, (pid, source.citation)
    vts = parameter_history(PARAM_ELIGIBILITY)[-1]
    assert any(not s.verified and "Nationality and Borders Act 2022" in s.citation for s in vts.sources)


@settings(max_examples=200, deadline=None)
@given(on=dates_in_force)
def test_the_rules_of_a_date_are_the_last_values_that_took_effect_on_or_before_it(on):
    rules = permit_rules_at(on)
    assert rules.eligibility.effective_from <= on
    assert rules.eligibility.effective_to is None or on <= rules.eligibility.effective_to
    assert ("recovery_from_harm" in rules.grounds) == (on >= VTS)


# --- a permit's dates -------------------------------------------------------------------------


@pytest.mark.parametrize("start,months,expected", [
    (dt.date(2024, 2, 29), 12, dt.date(2025, 3, 1)),   # no 29 February 2025: never earlier, so 1 March
    (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),  # a leap year again
    (dt.date(2023, 2, 28), 12, dt.date(2024, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 3, 1)),    # no 31 February
    (dt.date(2024, 3, 31), 12, dt.date(2025, 3, 31)),
    (dt.date(2009, 4, 1), 12, dt.date(2010, 4, 1)),
    (dt.date(2024, 12, 31), 12, dt.date(2025, 12, 31)),
    (dt.date(2024, 11, 30), 3, dt.date(2025, 3, 1)),  # 30 February does not exist: 1 March 2025
])
def test_add_months_at_month_ends_and_in_leap_years(start, months, expected):
    assert add_months(start, months) == expected


@settings(max_examples=500, deadline=None)
@given(start=st.dates(min_value=dt.date(2009, 1, 1), max_value=dt.date(2100, 1, 1)), months=st.integers(1, 120))
def test_add_months_is_never_earlier_than_the_months_and_at_most_the_first_of_the_month_after(start, months):
    end = add_months(start, months)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        assert end == dt.date(year, month, start.day)
    else:  # the same day does not exist: the first day of the next month, never the last of this one
        assert end == dt.date(year, month, last) + dt.timedelta(days=1)
    assert end > start
    assert (end - start).days >= 28 * months


@settings(max_examples=300, deadline=None)
@given(granted=dates_in_force, lag=st.integers(0, 400))
def test_expiry_is_the_start_plus_the_months_in_force_on_the_day_of_the_grant_and_the_reminder_exactly_60_days_before(
        granted, lag):
    start = granted - dt.timedelta(days=lag)  # a renewal starts when the permit it renews expires
    dates = permit_dates(starts_on=start, granted_on=granted)
    rules = permit_rules_at(granted)
    assert dates.months == rules.months
    assert dates.expires_on == add_months(start, rules.months)
    assert dates.expires_on >= add_months(start, rules.months)  # never earlier
    assert dates.reminder_on == dates.expires_on - dt.timedelta(days=60)
    assert (dates.months_version, dates.reminder_version) == (rules.months_param.version, rules.reminder_param.version)


def test_the_length_is_read_on_the_day_of_the_grant_not_the_day_it_starts(monkeypatch):
    """A renewal granted under new rules takes the new length, even though it starts earlier."""
    import palermo.law.permits as permits

    real = permits.parameter_at

    def fake(pid, on, **kw):
        value = real(pid, on, **kw)
        if pid == PARAM_MONTHS and on >= VTS:
            from dataclasses import replace
            return replace(value, value=30)
        return value

    monkeypatch.setattr(permits, "parameter_at", fake)
    dates = permit_dates(starts_on=dt.date(2023, 1, 1), granted_on=VTS)
    assert dates.months == 30 and dates.expires_on == dt.date(2025, 7, 1)


# --- the explained check --------------------------------------------------------------------


def _steps(answer):
    return {(s.test, s.outcome) for s in answer.steps}


def test_an_identified_victim_co_operating_with_a_referenced_investigation_meets_the_2009_rules():
    answer = permit_eligibility_explain({
        "date": "2010-06-01", "identified_on": "2010-05-20", "grounds": ["cooperation_with_investigation"],
        "investigation_reference_recorded": True})
    assert answer.outcome == "met"
    assert answer.summary.startswith("On what is recorded, the rules in force allow a permit")
    assert answer.reasons[-1] == "This is information for the decision maker, not the decision."
    assert answer.dates_if_granted.expires_on == dt.date(2011, 6, 1)
    assert any("seed note §5.2" in s.citation for s in answer.citations)


def test_without_an_identification_the_check_is_not_met_and_says_why():
    answer = permit_eligibility_explain({"date": "2010-06-01", "grounds": ["personal_circumstances"]})
    assert answer.outcome == "not_met"
    assert ("identified as a victim (a positive conclusive grounds decision)", "not_met") in _steps(answer)


def test_personal_circumstances_are_a_ground_before_2023_and_not_after():
    facts = {"identified_on": "2022-01-10", "grounds": ["personal_circumstances"]}
    assert permit_eligibility_explain({**facts, "date": "2023-01-29"}).outcome == "met"
    after = permit_eligibility_explain({**facts, "date": "2023-01-30"})
    assert after.outcome == "not_met"
    assert any("not a ground of the rules in force" in s.result for s in after.steps)


def test_co_operation_without_an_investigation_reference_cannot_be_told():
    answer = permit_eligibility_explain({"date": "2024-03-01", "identified_on": "2024-02-01",
                                         "grounds": ["cooperation_with_investigation"]})
    assert answer.outcome == "cannot_tell"
    assert any("no investigation reference" in s.result for s in answer.steps)


def test_a_renewal_applied_for_after_the_permit_expired_is_not_met():
    facts = {"identified_on": "2020-01-10", "grounds": ["personal_circumstances"],
             "renewal_of_expiry": "2021-02-01"}
    assert permit_eligibility_explain({**facts, "date": "2021-02-01"}).outcome == "met"
    late = permit_eligibility_explain({**facts, "date": "2021-02-02"})
    assert late.outcome == "not_met" and any("expired on 1 February 2021" in s.result for s in late.steps)
    # a renewal continues from the day the permit expires
    assert permit_eligibility_explain({**facts, "date": "2021-01-15"}).dates_if_granted.starts_on == dt.date(2021, 2, 1)


def test_before_the_permits_began_the_check_says_there_was_no_permit():
    answer = permit_eligibility_explain({"date": "2008-07-02", "identified_on": "2008-07-01"})
    assert answer.outcome == "not_met" and answer.rules is None
    assert "began on 1 April 2009" in answer.steps[0].result


# --- the data check refuses a bad permit rule -------------------------------------------------


def _copy(tmp_path):
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    return root


def _edit(root, name, change):
    path = root / "support" / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_the_shipped_permit_rules_pass_the_check():
    assert permit_parameter_problems() == []
    assert law_data_check(run_cases=False)[1] == []


def test_the_check_refuses_an_uncited_permit_rule(tmp_path):
    root = _copy(tmp_path)
    _edit(root, "residence_permit_renewal_reminder_days.yaml", lambda d: d["values"][0].update(sources=[]))
    _counts, problems = law_data_check(policy_dir=root, run_cases=False)
    assert any("residence_permit_renewal_reminder_days.yaml: values.0.sources" in p for p in problems)


def test_the_check_refuses_an_unknown_ground_and_a_length_that_is_not_months(tmp_path):
    root = _copy(tmp_path)
    _edit(root, "residence_permit_eligibility.yaml", lambda d: d["values"][1]["value"]["grounds"].append("good_behaviour"))
    _edit(root, "residence_permit_months.yaml", lambda d: d["values"][0].update(value="one year"))
    problems = permit_parameter_problems(root)
    assert any(p.startswith(f"{PARAM_ELIGIBILITY}: values.1 (from 2023-01-30): grounds.3") for p in problems)
    assert any(p.startswith(f"{PARAM_MONTHS}: values.0") for p in problems)
    assert law_data_check(policy_dir=root, run_cases=False)[1]
