"""Input shapes for support, shared by the API and the pages. Every string is bounded and a
code; the services check the codes against their lists."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from palermo.core.text import SingleLine

Code = SingleLine(60)


class PlacementIn(BaseModel):
    """Place a person with the provider the caseworker chose (an organisation code), in a kind of
    place, from ``start_on``. ``trafficked_into_uk`` and ``willing_to_cooperate`` are the answers
    to facts Palermo cannot read from the case (None: not known)."""

    model_config = ConfigDict(extra="forbid")

    provider: Code
    kind: Code
    start_on: dt.date
    trafficked_into_uk: bool | None = None
    willing_to_cooperate: bool | None = None


class PlacementEndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    end_on: dt.date
    exit_reason: Code


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: Code
    delivered_on: dt.date


class WaitingListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    joined_on: dt.date | None = None
