"""Support test data, built through the real services. Names are synthetic."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from palermo.support import services
from palermo.support.models import Capacity, ProviderProfile
from palermo.support.reference import reference_load
from palermo.support.schemas import PlacementIn


def providers_ready(places: dict[str, dict[str, int]] | None = None, *, since: dt.date = dt.date(2011, 7, 1)) -> None:
    """The providers' reference data (no demo figures), and the places given here from ``since``
    (default: the Salvation Army 2 women-only, 2 men-only, 1 mixed; the Poppy Project's cited
    figures)."""
    reference_load(demo=False)
    places = {"SALVARMY": {"women_only": 2, "men_only": 2, "mixed": 1}} if places is None else places
    for code, kinds in places.items():
        profile = ProviderProfile.objects.get(organisation__code=code)
        for kind, n in kinds.items():
            Capacity.objects.update_or_create(provider=profile, kind=kind, starts_on=since,
                                              defaults={"places": n, "source": "test figure"})


def awaiting_case(world, *, rg_on: dt.date | None = None, **overrides):
    """An adult with a positive reasonable grounds decision (recovery period), not placed."""
    received = overrides.pop("received_on", None) or (timezone.localdate() - dt.timedelta(days=3))
    case = world.case(received_on=received.isoformat(), **overrides)
    world.rg(case, on=rg_on or received)
    case.refresh_from_db()
    return case


def place(world, case, *, provider: str = "SALVARMY", kind: str = "women_only", start_on: dt.date | None = None,
          actor=None):
    return services.placement_create(actor=actor or world.support, case=case, data=PlacementIn(
        provider=provider, kind=kind, start_on=start_on or case.rg_decided_on))


def support_people(world):
    """A person awaiting a place and a person placed with the Salvation Army (for page walks)."""
    providers_ready()
    waiting = awaiting_case(world, person={**_person("Ottoline", "Marchbanks")})
    placed = place(world, awaiting_case(world, person={**_person("Philippa", "Grenshaw")}))
    return waiting, placed


def _person(given: str, family: str) -> dict:
    return {"given_name": given, "family_name": family, "date_of_birth": "1991-04-05", "dob_precision": "exact",
            "gender": "female", "nationalities": ["Vietnam"], "languages": ["vie"], "interpreter_needed": True}
