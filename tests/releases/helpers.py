"""Synthetic case facts and cases for the release tests (no real person anywhere)."""

from __future__ import annotations

import datetime as dt

from palermo.releases.dataset import CaseFacts, nationality_group


def facts(n: int, *, start: int = 0, year: int = 2010, nationality: str = "GBR", status: str = "identified",
          child: bool = False, gender: str = "female", types=("labour",), kind: str = "police_force",
          authority: str = "UKHTC", rg: str | None = "positive", cg: str | None = "positive",
          person_start: int | None = None) -> list[CaseFacts]:
    on = dt.date(year, 6, 1)
    out = []
    for i in range(start, start + n):
        out.append(CaseFacts(
            case_id=i + 1, person_id=(person_start or 0) + i + 1, received_on=on, nation="england", child=child,
            age_at_exploitation="child" if child else "adult", exploitation_types=list(types),
            nationalities=[nationality] if nationality else [], nationality_group=nationality_group(
                [nationality] if nationality else [], on), gender=gender, first_responder_kind=kind,
            authority=authority, status=status, first_rg_on=on + dt.timedelta(days=3),
            rg_positive_on=on + dt.timedelta(days=3) if rg == "positive" else None,
            first_cg_on=on + dt.timedelta(days=60) if cg else None, rg_outcome=rg, cg_outcome=cg))
    return out
