"""``ApiToken.find`` reads the token, its user and the user's roles in one hand-written statement
(issue 12: the ORM compiled two queries on every API request). It must answer what the ORM's
queries answer: the same token and user, field by field, the same roles (memberships in a
disabled organisation left out), and nothing for a revoked token, an inactive user or an
unknown token."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import ApiToken, Membership, Organisation, User, _token_hash

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _orm_roles(user) -> dict:
    return User.objects.get(pk=user.pk)._role_orgs()


def test_the_token_and_its_user_are_those_the_orm_reads(world):
    token, raw = ApiToken.issue(world.decider)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=5))
    found = ApiToken.find(raw)
    orm = ApiToken.objects.select_related("user").get(key_hash=_token_hash(raw))
    assert _fields(found) == _fields(orm)
    assert isinstance(found.last_used_at, dt.datetime) and found.last_used_at.tzinfo is not None
    with CaptureQueriesContext(connection) as q:
        user = found.user  # read with the token
    assert len(q) == 0
    assert _fields(user) == _fields(orm.user)
    assert user.check_password("wrong") is False and user.is_active
    # a model object like any other: a save updates its row
    found.last_used_at = None
    found.save(update_fields=["last_used_at"])
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


def test_the_roles_read_with_the_token_are_the_users_roles_and_need_no_query(world):
    user = world.decider
    other = Organisation.objects.get(code="IECA")
    Membership.objects.create(user=user, organisation=other, role=R.REVIEWER)
    gone = Organisation.objects.create(code="GONE", name="A disabled authority", kind="competent_authority",
                                       disabled_on=dt.date(2026, 1, 1))
    Membership.objects.create(user=user, organisation=gone, role=R.DECISION_MAKER)
    _, raw = ApiToken.issue(user)
    found = ApiToken.find(raw)
    with CaptureQueriesContext(connection) as q:
        roles = found.user._role_orgs()
        orgs = found.user.organisations_for(R.DECISION_MAKER, R.REVIEWER)
    assert len(q) == 0
    assert roles == _orm_roles(user)
    assert gone.pk not in orgs and other.pk in orgs and len(roles) == 2


def test_a_user_without_memberships_has_no_roles(world):
    user = User.objects.create_user(username="t.nobody", password="a long enough password 1")
    _, raw = ApiToken.issue(user)
    found = ApiToken.find(raw)
    assert found is not None and found.user._role_orgs() == {} == _orm_roles(user)
    assert found.user.organisations_for(R.DECISION_MAKER) == []


def test_revoked_inactive_and_unknown_tokens_are_not_found(world):
    token, raw = ApiToken.issue(world.decider)
    assert ApiToken.find(raw) is not None
    assert ApiToken.find(raw + "x") is None
    assert ApiToken.find("") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert ApiToken.find(raw) is None
    _, raw2 = ApiToken.issue(world.responder)
    User.objects.filter(pk=world.responder.pk).update(is_active=False)
    assert ApiToken.find(raw2) is None


def test_a_membership_removed_counts_from_the_next_request(world):
    """Roles are read with each request's token, never kept between requests."""
    _, raw = ApiToken.issue(world.decider)
    assert ApiToken.find(raw).user.organisations_for(R.DECISION_MAKER)
    Membership.objects.filter(user=world.decider).delete()
    assert ApiToken.find(raw).user.organisations_for(R.DECISION_MAKER) == []
