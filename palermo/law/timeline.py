"""The history of the law: when each offence came into force, changed and was repealed, by nation.

Built from the offence files alone, so the offence page ("a page per offence with its history")
and ``palermo law timeline`` always agree with what the engine uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from palermo.law.offences import Offence, offence_get, offence_list
from palermo.law.schema import Source
from palermo.law.vocab import CONDITION_LABELS, NATION_LABELS, NATIONS, RULE_LABELS


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    offence_id: str
    title: str
    nations: tuple[str, ...]
    kind: str  # in_force | repealed | territorial | conditions | penalty
    detail: str
    sources: tuple[Source, ...]

    @property
    def unverified(self) -> bool:
        return any(not s.verified for s in self.sources)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "offence_id": self.offence_id,
            "title": self.title,
            "nations": list(self.nations),
            "kind": self.kind,
            "detail": self.detail,
            "sources": [s.model_dump(exclude_none=True) for s in self.sources],
        }


def _events(offence: Offence) -> list[TimelineEvent]:
    out = []
    for nation, values in offence.in_force.items():
        for v in values:
            kind = "in_force" if v.value else "repealed"
            detail = f"{'comes into force' if v.value else 'repealed'} in {NATION_LABELS[nation]}"
            out.append(
                TimelineEvent(v.from_, offence.id, offence.title, (nation,), kind, detail, tuple(v.sources))
            )
    for i, v in enumerate(offence.territorial):
        if i == 0:
            continue  # the first rules are part of coming into force
        rules = sorted({r.rule for r in v.value or []})
        scoped = sorted({n for r in v.value or [] for n in (r.nations or offence.nations)})
        detail = "territorial reach now: " + "; ".join(RULE_LABELS[r] for r in rules)
        out.append(
            TimelineEvent(
                v.from_, offence.id, offence.title, tuple(scoped), "territorial", detail, tuple(v.sources)
            )
        )
    for v in offence.conditions:
        conds = v.value or []
        if conds:
            detail = "conditions: " + "; ".join(
                f"{CONDITION_LABELS[c.condition]} ({', '.join(NATION_LABELS[n] for n in (c.nations or offence.nations))})"
                for c in conds
            )
        else:
            detail = "conditions removed"
        scoped = tuple(sorted({n for c in conds for n in (c.nations or offence.nations)})) or offence.nations
        out.append(
            TimelineEvent(v.from_, offence.id, offence.title, scoped, "conditions", detail, tuple(v.sources))
        )
    for i, v in enumerate(offence.max_penalty):
        if i == 0:
            detail = f"maximum penalty: {v.value.text() if v.value else 'not stated'}"
        else:
            detail = f"maximum penalty changed: {v.value.text() if v.value else 'not stated'}"
        out.append(
            TimelineEvent(
                v.from_, offence.id, offence.title, offence.nations, "penalty", detail, tuple(v.sources)
            )
        )
    return out


def offence_history(offence_id: str) -> list[TimelineEvent]:
    """Every dated change to one offence, oldest first."""
    return sorted(_events(offence_get(offence_id)), key=lambda e: (e.date, e.kind))


def timeline(
    *, nation: str | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> list[TimelineEvent]:
    """Every dated change to every offence, optionally for one nation and between two dates."""
    if nation is not None and nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}; use one of {', '.join(NATIONS)}")
    events = [e for o in offence_list() for e in _events(o)]
    if nation:
        events = [e for e in events if nation in e.nations]
    if start:
        events = [e for e in events if e.date >= start]
    if end:
        events = [e for e in events if e.date <= end]
    order = {"in_force": 0, "territorial": 1, "conditions": 2, "penalty": 3, "repealed": 4}
    return sorted(events, key=lambda e: (e.date, order[e.kind], e.offence_id))


def offences_in_force(*, on: dt.date, nation: str | None = None) -> dict[str, list[str]]:
    """The offence ids in force on ``on``, per nation."""
    nations = [nation] if nation else list(NATIONS)
    return {n: [o.id for o in offence_list() if o.status_on(n, on) == "in_force"] for n in nations}
