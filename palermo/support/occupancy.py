"""Places, occupancy and free capacity on a day: counts only, never a person.

A place of a kind is occupied on day D by every placement of that kind at that provider with
``start_on <= D`` and no ``end_on`` or ``end_on > D`` (the day a person leaves, their place is
free that night). The capacity on D is the latest figure for the kind from on or before D. A
provider is *low* when fewer places than its ``low_capacity_threshold`` are free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from palermo.support import codes
from palermo.support.models import Capacity, Placement, ProviderProfile


@dataclass
class PlaceCount:
    kind: str
    capacity: int
    occupied: int
    since: dt.date | None = None
    source: str = ""
    verified: bool = True
    demo: bool = False

    @property
    def label(self) -> str:
        return codes.labels("placement_kinds").get(self.kind, self.kind)

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)

    @property
    def over(self) -> bool:
        return self.occupied > self.capacity

    def to_json(self) -> dict:
        return {"kind": self.kind, "label": self.label, "capacity": self.capacity, "occupied": self.occupied,
                "free": self.free, "since": self.since, "source": self.source, "verified": self.verified,
                "demo": self.demo}


def capacity_on(profile: ProviderProfile, on: dt.date) -> dict[str, Capacity]:
    """The figure in force on ``on`` for each kind the provider has one for."""
    found: dict[str, Capacity] = {}
    for cap in sorted(profile.capacity.all(), key=lambda c: c.starts_on):
        if cap.starts_on <= on:
            found[cap.kind] = cap
    return found


def occupied_filter(on: dt.date) -> Q:
    return Q(start_on__lte=on) & (Q(end_on__isnull=True) | Q(end_on__gt=on))


def occupied_on(provider_id: int, on: dt.date) -> Counter:
    rows = (Placement.objects.filter(occupied_filter(on), provider_id=provider_id)
            .values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return Counter(dict(rows))


def places_for(profile: ProviderProfile, on: dt.date) -> list[PlaceCount]:
    """Every kind with a figure on ``on`` (or a person in it), with capacity and occupancy."""
    caps = capacity_on(profile, on)
    used = occupied_on(profile.organisation_id, on)
    order = list(codes.codes("placement_kinds"))
    out = []
    for kind in sorted(set(caps) | set(used), key=lambda k: order.index(k) if k in order else len(order)):
        cap = caps.get(kind)
        out.append(PlaceCount(kind, cap.places if cap else 0, used.get(kind, 0), cap.starts_on if cap else None,
                              cap.source if cap else "", cap.verified if cap else True, cap.demo if cap else False))
    return out


@dataclass
class ProviderOccupancy:
    profile: ProviderProfile
    places: list[PlaceCount] = field(default_factory=list)
    kind: str = ""
    contract: str = ""

    @property
    def organisation(self):
        return self.profile.organisation

    @property
    def capacity(self) -> int:
        return sum(p.capacity for p in self.places)

    @property
    def occupied(self) -> int:
        return sum(p.occupied for p in self.places)

    @property
    def free(self) -> int:
        return sum(p.free for p in self.places)

    @property
    def low(self) -> bool:
        """Fewer free places than the provider's warning level (only where it has places)."""
        return self.capacity > 0 and self.free < self.profile.low_capacity_threshold

    def to_json(self) -> dict:
        return {"provider": self.organisation.code, "provider_name": self.organisation.name, "kind": self.kind,
                "contract": self.contract, "nations": self.profile.nations, "areas": self.profile.areas,
                "services": self.profile.services, "capacity": self.capacity, "occupied": self.occupied,
                "free": self.free, "low": self.low, "low_capacity_threshold": self.profile.low_capacity_threshold,
                "places": [p.to_json() for p in self.places]}


def occupancy(*, on: dt.date, nation: str | None = None, provider: str | None = None) -> list[ProviderOccupancy]:
    """Every provider (those working in ``nation``, or just ``provider``) with its places on ``on``."""
    from palermo.support.matching import term_on

    qs = ProviderProfile.objects.select_related("organisation").prefetch_related("terms__contract", "capacity")
    if provider:
        qs = qs.filter(organisation__code=provider)
    out = []
    for profile in qs:
        if nation and nation not in profile.nations:
            continue
        term = term_on(profile, on)
        out.append(ProviderOccupancy(profile, places_for(profile, on),
                                     term.get_kind_display() if term else "",
                                     term.contract.title if term and term.contract else ""))
    return out
