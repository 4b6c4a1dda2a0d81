"""Coded reasons for permit decisions (``data/codes.yaml``), validated at import with the same
schema as the NRM's coded lists: every list cites a source, every code has a label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from palermo.nrm.codes import Code, CodeList

CODES_FILE = Path(__file__).resolve().parent / "data" / "codes.yaml"


@cache
def code_lists() -> dict[str, CodeList]:
    raw = yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))
    return {name: CodeList.model_validate(body) for name, body in raw.items()}


def codes(list_name: str = "decision_reasons") -> dict[str, Code]:
    return code_lists()[list_name].codes


def reason_choices(outcome: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the reasons in use that fit ``outcome`` (all of them when None)."""
    return [(k, c.label) for k, c in codes().items()
            if not c.disabled_on and (outcome is None or not c.applies_to or outcome in c.applies_to)]


def reason_labels(values) -> list[str]:
    known = codes()
    return [known[v].label if v in known else v for v in values]
