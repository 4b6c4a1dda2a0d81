"""A partner's view of the API: a Python client generated from /api/v1/openapi.json with
openapi-python-client, run against a live server through the journey referral → reasonable
grounds decision → conclusive grounds decision, using the typed models (``items[0].id``)."""

import datetime as dt
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import ApiToken
from palermo.nrm.models import Referral
from tests.factories import referral_payload

pytestmark = pytest.mark.django_db(transaction=True)
GENERATOR = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) or shutil.which(
    "openapi-python-client")


@pytest.fixture(scope="module")
def palermo_client(tmp_path_factory):
    """Generate the client once for the module and import it as ``palermo_client``."""
    assert GENERATOR, "openapi-python-client is a test dependency (pyproject [test])"
    out = tmp_path_factory.mktemp("client")
    spec = out / "openapi.json"
    spec.write_text(json.dumps(Client().get("/api/v1/openapi.json").json()))
    config = out / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: palermo_client\n")
    done = subprocess.run([GENERATOR, "generate", "--path", str(spec), "--meta", "none", "--config", str(config),
                           "--output-path", str(out / "palermo_client")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("palermo_client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == "palermo_client" or m.startswith("palermo_client.")]:
            del sys.modules[name]


def test_referral_to_conclusive_grounds_through_the_generated_client(palermo_client, live_server, world):
    from palermo_client import AuthenticatedClient
    from palermo_client.api.events import list_events
    from palermo_client.api.nrm import create_referral, get_case, list_cases, record_decision
    from palermo_client.models import CaseWithIdentity, DecisionIn, Error, ReferralIn

    def client(user):
        _, raw = ApiToken.issue(user)
        return AuthenticatedClient(base_url=live_server.url, token=raw, raise_on_unexpected_status=True)

    police, sca = client(world.responder), client(world.decider)
    received = timezone.localdate() - dt.timedelta(days=120)

    # 1. The police force refers, and retries after a "timeout" with the same key: one referral.
    body = ReferralIn.from_dict(referral_payload(received_on=received.isoformat()))
    first = create_referral.sync(client=police, body=body, idempotency_key="police-ref-0001")
    again = create_referral.sync(client=police, body=body, idempotency_key="police-ref-0001")
    assert first.kind == "nrm_case" and again.case_id == first.case_id
    assert Referral.objects.count() == 1

    # 2. The competent authority finds it in its list and reads it (identity view, with an ETag).
    cases = list_cases.sync(client=sca)
    assert cases.count == 1 and cases.items[0].id == first.case_id
    assert cases.items[0].status == "referred"
    read = get_case.sync_detailed(client=sca, case_id=cases.items[0].id)
    assert isinstance(read.parsed, CaseWithIdentity)
    assert read.parsed.person.identity.family_name == "Quillfeather"
    etag = read.headers["etag"]

    # 3. Reasonable grounds: positive, on the version read.
    rg = record_decision.sync(client=sca, case_id=first.case_id, if_match=etag, idempotency_key="sca-rg-0001",
                              body=DecisionIn.from_dict({"kind": "reasonable_grounds", "outcome": "positive",
                                                         "decided_on": (received + dt.timedelta(days=2)).isoformat(),
                                                         "reason_codes": ["indicators_present"]}))
    assert rg.case.status == "recovery_period"
    earliest = rg.case.due_dates.conclusive_grounds_earliest
    assert earliest is not None

    # The old ETag no longer matches: 412 with the one error shape.
    stale = record_decision.sync_detailed(
        client=client(world.decider), case_id=first.case_id, if_match=etag,
        body=DecisionIn.from_dict({"kind": "conclusive_grounds", "outcome": "positive",
                                   "decided_on": earliest.isoformat(), "reason_codes": ["indicators_present"]}))
    assert stale.status_code == 412 and isinstance(stale.parsed, Error)
    assert stale.parsed.error.code == "precondition_failed"

    # 4. Conclusive grounds: positive, from the earliest day.
    etag = get_case.sync_detailed(client=sca, case_id=first.case_id).headers["etag"]
    cg = record_decision.sync(client=sca, case_id=first.case_id, if_match=etag,
                              body=DecisionIn.from_dict({"kind": "conclusive_grounds", "outcome": "positive",
                                                         "decided_on": earliest.isoformat(),
                                                         "reason_codes": ["indicators_present"]}))
    assert cg.case.status == "identified"

    # 5. The police force polls the feed instead of scraping.
    feed = list_events.sync(client=police)
    assert [e.type_ for e in feed.items] == ["referral_received", "decision_recorded", "decision_recorded"]
    assert list_events.sync(client=police, after=feed.next_).items == []
