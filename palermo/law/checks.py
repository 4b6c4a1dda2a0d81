"""Validate every law data file: what CI and ``palermo law check`` run.

Refuses a value without a citation, dates out of order, support eligibility terms that break their
schema (:mod:`palermo.law.eligibility`), a residence-permit rule whose value does not fit its schema
(an unknown ground, a length that is not a number of months), an unknown id in a cross-reference
(``replaced_by``, ``see_also``, a test case's expectations), a YAML test case the engine fails, and
a retention rule that breaks its schema or a record kind without one (:mod:`palermo.law.retention`).
Each problem names the file and the field.
"""

from __future__ import annotations

from pathlib import Path

from palermo.law.cases import CASES_DIR, all_cases, case_failures
from palermo.law.definitions import DEFINITIONS_DIR, all_definitions
from palermo.law.eligibility import eligibility_check
from palermo.law.grading import grading_parameter_problems
from palermo.law.offences import OFFENCES_DIR, all_offences
from palermo.law.parameters import POLICY_DIR, ParameterError, load_parameter_file, parameter_files
from palermo.law.permits import permit_parameter_problems
from palermo.law.retention import RETENTION_DIR, retention_check
from palermo.law.schema import LawDataError


def law_data_check(
    *,
    policy_dir: Path = POLICY_DIR,
    offences_dir: Path = OFFENCES_DIR,
    definitions_dir: Path = DEFINITIONS_DIR,
    cases_dir: Path = CASES_DIR,
    retention_dir: Path = RETENTION_DIR,
    run_cases: bool = True,
) -> tuple[dict[str, int], list[str]]:
    """Check everything; return counts of what was checked and the list of problems (empty if none)."""
    problems: list[str] = []
    counts = {"parameters": 0, "support eligibility rules": 0, "retention rules": 0, "offences": 0,
              "definitions": 0, "cases": 0}
    for path in parameter_files(policy_dir):
        try:
            load_parameter_file(path, root=policy_dir)
            counts["parameters"] += 1
        except ParameterError as exc:
            problems.append(str(exc))
    if not problems:
        counts["support eligibility rules"], eligibility_problems = eligibility_check(policy_dir)
        problems += eligibility_problems
        problems += permit_parameter_problems(policy_dir)
        problems += grading_parameter_problems(policy_dir)
        from palermo.justice.reference import justice_parameter_problems

        problems += justice_parameter_problems(policy_dir)
    counts["retention rules"], retention_problems = retention_check(retention_dir)
    problems += retention_problems
    try:
        offences = all_offences(offences_dir)
        counts["offences"] = len(offences)
    except LawDataError as exc:
        problems.append(str(exc))
        return counts, problems
    try:
        counts["definitions"] = len(all_definitions(definitions_dir, frozenset(offences)))
    except LawDataError as exc:
        problems.append(str(exc))
    if offences_dir == OFFENCES_DIR:  # cases run against the shipped offences only
        try:
            cases = all_cases(cases_dir)
            counts["cases"] = len(cases)
            if run_cases:
                for name, case in cases:
                    for failure in case_failures(case):
                        problems.append(f"{cases_dir}/{name}: {failure}")
        except LawDataError as exc:
            problems.append(str(exc))
    return counts, problems
