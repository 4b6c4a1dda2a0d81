"""Shared schema for the law as data: sources, dated values, and readable validation errors.

Every file under ``law/data/`` follows one convention (after OpenFisca's parameter files): a value
that can change over time is a list of ``{from: DATE, value: …, sources: [...]}`` in strictly
increasing date order, and ``null`` repeals from that date. Every value cites at least one source;
a source we could not check says ``verified: false`` rather than pretending (style.md; seed note).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

T = TypeVar("T")


class LawDataError(Exception):
    """A data file is invalid: the message names the file and the field."""


class Source(BaseModel):
    """Where a value comes from. ``citation`` is human readable ("seed note §5.1",
    "Modern Slavery Act 2015 s49"); ``url`` points at the public text where there is one."""

    model_config = ConfigDict(extra="forbid")

    citation: str = Field(min_length=3)
    url: str | None = None
    verified: bool = True
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://")):
            raise ValueError("url must start with https:// or http://")
        return v


class Dated(BaseModel, Generic[T]):
    """One value, in force from a date until the next value's date (``null`` repeals)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: dt.date = Field(alias="from")
    value: T | None = None
    sources: list[Source] = Field(min_length=1)


def check_dates_in_order(values: Sequence[Any], *, label: str = "values") -> None:
    """Raise ValueError unless the ``from_`` dates strictly increase (a value without a
    successor runs on; two values on one date would make the law ambiguous)."""
    dates = [v.from_ for v in values]
    for earlier, later in zip(dates, dates[1:], strict=False):
        if later <= earlier:
            raise ValueError(f"{label} must be in strictly increasing date order: {later} follows {earlier}")


def value_at(values: Sequence[Dated[T]], on: dt.date) -> Dated[T] | None:
    """The dated entry in force on ``on`` (None before the first entry)."""
    current = None
    for v in values:
        if v.from_ <= on:
            current = v
    return current


def last_day(values: Sequence[Dated[Any]], entry: Dated[Any]) -> dt.date | None:
    """The last day ``entry`` was in force, if a later entry replaced it."""
    idx = list(values).index(entry)
    if idx + 1 < len(values):
        return values[idx + 1].from_ - dt.timedelta(days=1)
    return None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: ``field.path: message``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}" for err in exc.errors()
    )


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, raising LawDataError naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LawDataError(f"{path}: not valid YAML: {exc}") from exc
