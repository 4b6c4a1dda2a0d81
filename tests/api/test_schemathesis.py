"""Property-based API testing with Schemathesis: requests generated from our own OpenAPI schema
(valid and invalid) must never produce a server error, and every response must match the
documented status codes, content type and schema — the content too, now that every answer is
typed (tests/api/test_contract.py) — for the decision maker on every operation and for every
other role on every read."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from palermo.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# For the other roles' reads, the fuzzing phase's examples (and the schema's own examples) only:
# the coverage phase's boundary and invalid values of every parameter are mostly refused with a
# 422 before any record is read, whoever asks, and the decision maker's test below sends them
# all. They were ~2/3 of the ~40 requests each role × operation sent (~6 minutes of the
# PostgreSQL suite, measured 2 December 2026).
role_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", application,
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}))
# A fixed test-only token: the fixture stores its hash for the decision maker, so requests
# generated at collection time carry a token that works when they are sent.
TOKEN = "plm_schemathesis-test-token-not-a-secret"


@schema.auth()
class BearerFromFixture:
    """The token of the fixture's decision maker, so generated requests are authenticated and
    reach the endpoint's own validation and permission checks."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


role_schema.auth()(BearerFromFixture)


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close the
    test's database connection after each request (PostgreSQL); Django's own test client
    disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


ROLES = {"first_responder": "responder", "reviewer": "reviewer", "childrens_services": "children",
         "support_worker": "support", "intelligence_officer": "intel", "analyst": "analyst", "monitor": "monitor",
         "administrator": "admin"}


def _give_token(user, settings):
    from palermo.accounts.models import ApiToken, _token_hash

    # Thousands of generated requests: the per-token rate limit would answer most with 429.
    settings.PALERMO_API_RATE_LIMIT = 0
    ApiToken.objects.create(user=user, prefix=TOKEN[:12], key_hash=_token_hash(TOKEN))


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The organisations, one user per role, and a case with a reasonable grounds decision in the
    decision maker's scope (so reads have content to check), made once for the module inside a
    transaction rolled back at its end. Each test's own transaction is a savepoint inside it
    (as Django's ``TestCase.setUpTestData``), so what a generated request writes is undone after
    its test. Made per test, it cost ~0.13 s for each of ~500 tests on PostgreSQL (measured: 144
    role tests, 152 s → 134 s)."""
    from django.db import transaction
    from django.test.utils import override_settings

    from tests.factories import World

    # its audit events are rolled back: their anchors go to a file of their own (tests/conftest.py)
    anchors = tmp_path_factory.mktemp("shared-world") / "audit-anchors.jsonl"
    with django_db_blocker.unblock(), override_settings(PALERMO_AUDIT_ANCHOR_FILE=str(anchors)):
        with transaction.atomic():
            world = World.create()
            world.rg(world.case())
            yield world
            transaction.set_rollback(True)


@pytest.fixture
def decider_token(shared_world, db, keep_test_connection, settings):
    _give_token(shared_world.decider, settings)


@pytest.fixture(params=sorted(ROLES))
def role_token(request, shared_world, db, keep_test_connection, settings):
    """The same token, given to one user of each other role."""
    _give_token(getattr(shared_world, ROLES[request.param]), settings)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, decider_token):
    # Schema-valid requests may still break a business rule (a child needs a local authority,
    # a CG decision must wait for the recovery period): those are documented 409/422 answers.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if (case.headers or {}).get("Authorization") == f"Bearer {TOKEN}":
        assert response.status_code != 401, "a request with the test token must be authenticated"


@pytest.mark.django_db
@role_schema.include(method="GET").parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_role_gets_documented_answers(case, role_token):
    """Every role's answers (their 200s with content, 403s, 404s) match the documented schemas."""
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if (case.headers or {}).get("Authorization") == f"Bearer {TOKEN}":
        assert response.status_code != 401, "a request with the test token must be authenticated"
