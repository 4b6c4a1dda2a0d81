"""Fixtures for the children's tests: the world of tests/factories.py plus a second member of
Hillingdon's children's services (the named person) and one of Cardiff's."""

from __future__ import annotations

import pytest

from palermo.accounts import roles as R
from tests.factories import make_user


@pytest.fixture
def kids(world):
    world.keyworker = make_user("t.keyworker", R.CHILDRENS_SERVICES, world.orgs["HILLINGDON"])
    world.cardiff = make_user("t.children.cardiff", R.CHILDRENS_SERVICES, world.orgs["CARDIFF"])
    for user in (world.children, world.keyworker, world.cardiff, world.decider, world.decider2, world.reviewer,
                 world.responder, world.decider_ieca):
        user.email = f"{user.username}@palermo.invalid"
        user.save(update_fields=["email"])
    return world
