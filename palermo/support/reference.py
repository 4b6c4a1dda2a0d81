"""Provider reference data (``support/data/providers.yaml``): contracts, each provider's dated kind
and contract, nations, areas, services and dated capacity, every dated value with its sources.

``reference_check()`` validates the file: every value cited (an unverified source says why), dates
in strictly increasing order, known codes (services, kinds of place, nations), an existing
eligibility rule (law data) and contract for each provider. ``reference_load()`` writes it into the
database for the organisations that exist (loading twice changes nothing); figures marked
``demo: true`` are loaded only when asked (``palermo demo``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from palermo.law.schema import Source, check_dates_in_order, describe_validation_error
from palermo.support import codes

PROVIDERS_FILE = Path(__file__).resolve().parent / "data" / "providers.yaml"
Nation = Literal["england", "wales", "scotland", "northern_ireland"]


class _Cited(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unverified_says_why(self):
        for i, s in enumerate(self.sources):
            if not s.verified and not (s.note or "").strip():
                raise ValueError(f"sources.{i}: an unverified source must say why in 'note'")
        return self

    def citation(self) -> str:
        return "; ".join(s.citation + (f" (not verified: {s.note})" if not s.verified else "") for s in self.sources)

    def verified(self) -> bool:
        return all(s.verified for s in self.sources)


class ContractIn(_Cited):
    code: str = Field(pattern=r"^[a-z0-9_]{2,40}$")
    title: str = Field(min_length=3)
    funder: str = ""
    prime: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    nations: list[Nation] = Field(min_length=1)


class TermIn(_Cited):
    from_: dt.date = Field(alias="from")
    kind: Literal["prime_contractor", "subcontractor", "local_authority", "other"]
    contract: str | None = None


class CapacityIn(_Cited):
    from_: dt.date = Field(alias="from")
    places: dict[str, int] = Field(min_length=1)
    demo: bool = False

    @field_validator("places")
    @classmethod
    def _known_kinds(cls, v: dict[str, int]) -> dict[str, int]:
        bad = sorted(set(v) - set(codes.codes("placement_kinds")))
        if bad:
            raise ValueError(f"unknown kind of place: {', '.join(bad)}")
        if any(n < 0 for n in v.values()):
            raise ValueError("a number of places cannot be negative")
        return v


class ProviderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: str
    eligibility_rule: str
    nations: list[Nation] = Field(min_length=1)
    areas: list[str] = Field(default_factory=list)
    services: list[str] = Field(min_length=1)
    low_capacity_threshold: int = Field(2, ge=0, le=1000)
    terms: list[TermIn] = Field(min_length=1)
    capacity: list[CapacityIn] = Field(default_factory=list)

    @field_validator("services")
    @classmethod
    def _known_services(cls, v: list[str]) -> list[str]:
        bad = sorted(set(v) - set(codes.codes("services")))
        if bad:
            raise ValueError(f"unknown service: {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProviderIn:
        check_dates_in_order(self.terms, label="terms")
        check_dates_in_order(self.capacity, label="capacity")
        return self


class ReferenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contracts: list[ContractIn] = Field(default_factory=list)
    providers: list[ProviderIn] = Field(min_length=1)


class ReferenceError_(ValueError):
    """The reference file is invalid; the message names the field."""


def reference_read(path: Path = PROVIDERS_FILE) -> ReferenceFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceError_(f"{path}: not valid YAML: {exc}") from exc
    try:
        return ReferenceFile.model_validate(raw)
    except ValidationError as exc:
        raise ReferenceError_(f"{path}: {describe_validation_error(exc)}") from exc


@cache
def reference() -> ReferenceFile:
    return reference_read()


def reference_check(path: Path = PROVIDERS_FILE) -> list[str]:
    """Every problem with the reference file (empty when it is good)."""
    from palermo.law.eligibility import eligibility_rule_ids

    try:
        ref = reference_read(path)
    except ReferenceError_ as exc:
        return [str(exc)]
    problems = []
    contracts = {c.code for c in ref.contracts}
    rules = set(eligibility_rule_ids())
    seen = set()
    for p in ref.providers:
        if p.organisation in seen:
            problems.append(f"{path}: provider {p.organisation} appears twice")
        seen.add(p.organisation)
        if p.eligibility_rule not in rules:
            problems.append(f"{path}: {p.organisation}: eligibility_rule {p.eligibility_rule} is not a support eligibility rule")
        for t in p.terms:
            if t.contract and t.contract not in contracts:
                problems.append(f"{path}: {p.organisation}: term from {t.from_} names unknown contract {t.contract}")
            if t.kind in {"prime_contractor", "subcontractor"} and not t.contract:
                problems.append(f"{path}: {p.organisation}: a {t.kind} term from {t.from_} needs a contract")
    return problems


@transaction.atomic
def reference_load(*, demo: bool = False) -> dict[str, int]:
    """Write the reference data for every organisation that exists. Idempotent: rows are keyed by
    (provider, date) and updated in place. ``demo`` also loads the figures made up for the demo."""
    from palermo.accounts.models import Organisation
    from palermo.support.models import Capacity, Contract, ProviderProfile, ProviderTerm

    problems = reference_check()
    if problems:
        raise ReferenceError_("; ".join(problems))
    ref = reference()
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[p.organisation for p in ref.providers]
                                                          + [c.prime for c in ref.contracts])}
    counts = {"contracts": 0, "providers": 0, "terms": 0, "capacity": 0}
    contracts = {}
    for c in ref.contracts:
        if c.prime not in orgs:
            continue
        contracts[c.code], _ = Contract.objects.update_or_create(code=c.code, defaults={
            "title": c.title, "funder": c.funder, "prime": orgs[c.prime], "starts_on": c.starts_on,
            "ends_on": c.ends_on, "nations": c.nations, "source": c.citation()})
        counts["contracts"] += 1
    for p in ref.providers:
        org = orgs.get(p.organisation)
        if org is None:
            continue
        profile, _ = ProviderProfile.objects.update_or_create(organisation=org, defaults={
            "eligibility_rule": p.eligibility_rule, "nations": p.nations, "areas": p.areas, "services": p.services,
            "low_capacity_threshold": p.low_capacity_threshold})
        counts["providers"] += 1
        for t in p.terms:
            if t.contract and t.contract not in contracts:
                continue
            ProviderTerm.objects.update_or_create(provider=profile, starts_on=t.from_, defaults={
                "kind": t.kind, "contract": contracts.get(t.contract) if t.contract else None, "source": t.citation()})
            counts["terms"] += 1
        for cap in p.capacity:
            if cap.demo and not demo:
                continue
            for kind, places in cap.places.items():
                Capacity.objects.update_or_create(provider=profile, kind=kind, starts_on=cap.from_, defaults={
                    "places": places, "source": cap.citation(), "verified": cap.verified(), "demo": cap.demo})
                counts["capacity"] += 1
    return counts
