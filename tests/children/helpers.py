"""Helpers for the children's tests: child cases built through the real services, and the
synthetic names that must never reach an e-mail or an export."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from palermo.children import services
from palermo.children.schemas import MissingIn, NamedPersonIn, PlacementIn, ReturnIn

CHILD_GIVEN, CHILD_FAMILY = "Wenqiao", "Zhoubrightwater"  # synthetic markers


def child_payload(la: str = "HILLINGDON", under_18: str = "yes", **person) -> dict:
    return {
        "under_18": under_18, "age_at_exploitation": "child", "consent": "not_required", "local_authority": la,
        "person": {"given_name": CHILD_GIVEN, "family_name": CHILD_FAMILY, "date_of_birth": None,
                   "dob_precision": "unknown", "claimed_age": 15, "gender": "female", "nationalities": ["CHN"],
                   "languages": ["zho"], "interpreter_needed": True, **person},
    }


def child_case(world, la: str = "HILLINGDON", under_18: str = "yes", actor=None, **person):
    return world.case(actor=actor, **child_payload(la=la, under_18=under_18, **person))


def at(days_ago: float = 0, hours_ago: float = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago, hours=hours_ago)


def name(world, case, user, on=None):
    return services.named_person_appoint(actor=world.children, case=case, data=NamedPersonIn(
        username=user.username, appointed_on=on or case.referral.received_on))


def place(world, case, started=None, setting="Skyview House", kind="childrens_home"):
    return services.placement_start(actor=world.children, case=case, data=PlacementIn(
        new_setting_name=setting, new_setting_kind=kind, started_at=started or at(days_ago=2)))


def report(world, case, went=None, actor=None, key="", **extra):
    return services.missing_episode_report(actor=actor or world.children, case=case, data=MissingIn(
        went_missing_at=went or at(hours_ago=3), missing_from="placement", request_key=key, **extra))


def bring_back(world, case, episode, when=None):
    return services.missing_episode_return(actor=world.children, case=case, episode_id=episode.pk, data=ReturnIn(
        returned_at=when or at(hours_ago=1), found_where="found_by_police", return_condition="Synthetic: tired, unhurt."))
