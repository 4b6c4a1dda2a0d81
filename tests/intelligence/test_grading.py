"""Grading schemes as dated law data: a report is graded under the scheme in force on its date."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.law.grading import grading_errors, grading_parameter_problems, grading_scheme_at

SWITCH = dt.date(2016, 1, 1)


def test_the_5x5x5_scheme_is_in_force_in_the_seed_notes_era_and_3x5x2_after():
    """The UKHTC's era (seed note §8) grades 5x5x5; from the switch date 3x5x2."""
    assert grading_scheme_at(dt.date(2008, 7, 2)).scheme.scheme == "5x5x5"
    assert grading_scheme_at(SWITCH - dt.timedelta(days=1)).scheme.scheme == "5x5x5"
    assert grading_scheme_at(SWITCH).scheme.scheme == "3x5x2"


@pytest.mark.parametrize("day, grading, field", [
    (dt.date(2008, 1, 1), ("A", "1", "P"), "handling_code"),  # P is a 3x5x2 code
    (dt.date(2008, 1, 1), ("F", "1", "1"), "source_evaluation"),
    (dt.date(2017, 1, 1), ("E", "1", "P"), "source_evaluation"),  # E (untested) is 5x5x5 only
    (dt.date(2017, 1, 1), ("A", "1", "4"), "handling_code"),
    (dt.date(2017, 1, 1), ("A", "6", "P"), "intelligence_assessment"),
])
def test_a_grade_of_the_other_scheme_is_refused_by_field(day, grading, field):
    s, i, h = grading
    errors = grading_errors(day=day, source_evaluation=s, intelligence_assessment=i, handling_code=h)
    assert field in errors and set(errors) == {field}


def test_a_conditional_handling_code_needs_its_conditions():
    assert "handling_conditions" in grading_errors(day=dt.date(2020, 1, 1), source_evaluation="A",
                                                   intelligence_assessment="1", handling_code="C")
    assert not grading_errors(day=dt.date(2020, 1, 1), source_evaluation="A", intelligence_assessment="1",
                              handling_code="C", handling_conditions="Only for Operation X")
    assert "reported_on" in grading_errors(day=dt.date(1999, 1, 1), source_evaluation="A",
                                           intelligence_assessment="1", handling_code="1")


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), data=st.data())
def test_every_grade_of_the_scheme_of_the_day_is_accepted_and_nothing_else(day, data):
    """Property: the codes of the scheme in force are exactly the codes accepted on that day."""
    s = grading_scheme_at(day).scheme
    src = data.draw(st.sampled_from(["A", "B", "C", "D", "E", "F"]))
    ia = data.draw(st.sampled_from(["1", "2", "3", "4", "5", "6"]))
    h = data.draw(st.sampled_from(["1", "2", "3", "4", "5", "P", "C"]))
    errors = grading_errors(day=day, source_evaluation=src, intelligence_assessment=ia, handling_code=h,
                            handling_conditions="conditions")
    assert ("source_evaluation" in errors) == (src not in [g.code for g in s.source_evaluation])
    assert ("intelligence_assessment" in errors) == (ia not in [g.code for g in s.intelligence_assessment])
    assert ("handling_code" in errors) == (h not in [g.code for g in s.handling_codes])


def test_law_check_refuses_a_scheme_whose_size_does_not_match_its_name(tmp_path):
    (tmp_path / "intelligence").mkdir()
    (tmp_path / "intelligence" / "grading_scheme.yaml").write_text("""description: A broken grading scheme file
unit: grading_scheme
values:
  - from: 2000-01-01
    value:
      scheme: "3x5x2"
      source_evaluation: [{code: A, label: Reliable}, {code: B, label: Untested}]
      intelligence_assessment: [{code: "1", label: One one}, {code: "2", label: Two two}]
      handling_codes: [{code: P, label: Permitted, dissemination: law_enforcement}, {code: C, label: Conditions, dissemination: originator_and_named}]
    sources: [{citation: "test only"}]
""")
    problems = grading_parameter_problems(tmp_path)
    assert problems and "needs [3, 5, 2]" in problems[0]
