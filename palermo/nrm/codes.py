"""Coded lists (exploitation types, indicators, flags, reasons), loaded from data/codes.yaml
and validated at import: every list must cite a source and every code have a label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

CODES_FILE = Path(__file__).resolve().parent / "data" / "codes.yaml"


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # What a caseworker reads: plain words, never a citation or an internal code (the label
    # must not contain "seed note", tests/web/test_plain_words.py); the citation goes in source.
    label: str = Field(min_length=2)
    source: str | None = None  # shown behind a "Source" disclosure, never in the label
    htcds: str | None = None
    applies_to: list[str] | None = None
    disabled_on: str | None = None
    suggests: dict[str, list[str]] | None = None  # Palermo elements this code may evidence
    children_only: bool = False  # e.g. "no means element needed" applies only to a child


class CodeList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=5)
    codes: dict[str, Code] = Field(min_length=1)


@cache
def code_lists() -> dict[str, CodeList]:
    raw = yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))
    return {name: CodeList.model_validate(body) for name, body in raw.items()}


def codes(list_name: str) -> dict[str, Code]:
    return code_lists()[list_name].codes


def choices(list_name: str) -> list[tuple[str, str]]:
    return [(k, v.label) for k, v in codes(list_name).items() if not v.disabled_on]


def unknown_codes(list_name: str, values) -> list[str]:
    known = codes(list_name)
    return [v for v in values if v not in known]
