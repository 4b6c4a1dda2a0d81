"""The dated, cited parameters the children's records use (``law/data/policy/children/``).

Nothing here is a literal in code: the age of majority, the grading levels and their labels, the
time bands of the missing-from-care statistic and the smallest group a figure may rest on each
come from a parameter file with its source, read on the date that matters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from palermo.law.parameters import ParameterValue, parameter_at


def age_of_majority(on: dt.date) -> ParameterValue:
    """The age from which a person is an adult on ``on`` (18: Children Act 1989 s105(1))."""
    return parameter_at("children.age_of_majority", on)


def is_child_at(age: int, on: dt.date) -> bool:
    return age < age_of_majority(on).value


@dataclass(frozen=True)
class Level:
    level: int
    label: str | None  # only the levels the source names have a label (seed note §6: 4 and 5)

    @property
    def text(self) -> str:
        return f"Level {self.level} ({self.label})" if self.label else f"Level {self.level}"


def grading_scale(on: dt.date) -> tuple[list[Level], str]:
    """The grading levels in force on ``on`` and the parameter version."""
    p = parameter_at("children.trafficking_likelihood_levels", on)
    return [Level(int(v["level"]), v.get("label")) for v in p.value], p.version


def level_text(level: int, on: dt.date) -> str:
    levels, _ = grading_scale(on)
    return next((lv.text for lv in levels if lv.level == level), f"Level {level}")


@dataclass(frozen=True)
class Band:
    hours: int
    label: str


def missing_time_bands(on: dt.date) -> tuple[list[Band], str]:
    """The bands (24 hours, a week) of the time from placement to first missing episode."""
    p = parameter_at("children.missing_time_bands", on)
    return sorted((Band(int(b["hours"]), str(b["label"])) for b in p.value), key=lambda b: b.hours), p.version


def statistics_minimum_count(on: dt.date) -> tuple[int, str]:
    p = parameter_at("children.statistics_minimum_count", on)
    return int(p.value), p.version
