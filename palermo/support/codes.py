"""Coded lists for support (services, kinds of place, exit reasons, waiting-list reasons), loaded
from data/codes.yaml and validated at import: every list cites a source, every code has a label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

CODES_FILE = Path(__file__).resolve().parent / "data" / "codes.yaml"


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=2)
    disabled_on: str | None = None
    for_sex: list[str] | None = None  # placement kinds: who the place suits (None: anyone)
    bed: bool | None = None  # placement kinds: a bed space, or an outreach place


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


def labels(list_name: str) -> dict[str, str]:
    return {k: v.label for k, v in codes(list_name).items()}


def kind_suits(kind: str, sex: str) -> bool:
    """Whether a place of ``kind`` suits a person of ``sex`` (a woman: women-only or mixed; a
    man: men-only or mixed; anyone else or not known: mixed; outreach suits everyone)."""
    code = codes("placement_kinds").get(kind)
    return code is not None and (code.for_sex is None or sex in code.for_sex)
