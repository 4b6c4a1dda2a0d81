"""Audit events are read by monitors outside the organisations that hold the cases, so they may
hold only identifiers Palermo made and codes it checked, never text a user sent: a request
header, a query parameter, a file name. These tests send synthetic names through each of those
channels and look for them in the events."""

from __future__ import annotations

import hashlib
import re

import pytest

from palermo.core.models import AuditEvent
from palermo.nrm.importer import import_referrals
from palermo.nrm.services import _new_reference
from tests.nrm.test_import import row, write
from tests.security.helpers import NAME_FAMILY, NAME_GIVEN, Api, person, web

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def _all_event_text() -> str:
    return " ".join(f"{e.actor_label} {e.action} {e.object_type} {e.object_id} {e.request_id} {e.detail}"
                    for e in AuditEvent.objects.all())


@pytest.mark.parametrize("sent", [f"{NAME_GIVEN}-{NAME_FAMILY}.1991-03-17", "5b0f8f0e-7c5a-4d0e-9d8e-0a1b2c3d4e5f"])
def test_a_request_id_sent_by_the_client_never_reaches_an_audit_event(world, sent):
    """The request id in an audit event is one Palermo generated; the response names it so a
    caller can quote it. Even a well-formed UUID from outside is not stored: 122 bits a client
    chooses are free text."""
    case = world.case(person=person())
    resp = web(world.decider).get(f"/cases/{case.pk}/", headers={"X-Request-ID": sent})
    assert resp.status_code == 200
    ev = AuditEvent.objects.filter(action="case.view", actor=world.decider).get()
    assert ev.request_id != sent and HEX_ID.match(ev.request_id)
    assert resp["X-Request-ID"] == ev.request_id
    assert NAME_GIVEN not in _all_event_text()


def test_the_csv_export_audits_only_filters_that_are_known_codes(world):
    world.case(person=person())
    resp = Api(world.decider).get(f"/cases.csv?status=referred&nation=england&exploitation_type=labour"
                                  f"&competent_authority=SCA&age_group=adult&reference={NAME_GIVEN}%20{NAME_FAMILY}")
    assert resp.status_code == 200
    ev = AuditEvent.objects.filter(action="case.export", actor=world.decider).get()
    assert ev.detail["filters"] == {"status": "referred", "nation": "england", "exploitation_type": "labour",
                                    "competent_authority": "SCA", "age_group": "adult"}
    assert ev.detail["unrecognised_filters"] == ["reference"]
    assert NAME_GIVEN not in _all_event_text() and NAME_FAMILY not in _all_event_text()


@pytest.mark.parametrize("field", ["status", "nation", "exploitation_type", "competent_authority"])
def test_a_free_text_value_in_a_coded_export_filter_is_named_but_not_stored(world, field):
    resp = Api(world.decider).get(f"/cases.csv?{field}={NAME_FAMILY}")
    assert resp.status_code == 200
    ev = AuditEvent.objects.filter(action="case.export", actor=world.decider).get()
    assert ev.detail["filters"] == {} and ev.detail["unrecognised_filters"] == [field]
    assert NAME_FAMILY not in _all_event_text()


def test_a_reference_filter_in_the_reference_format_is_audited_in_capitals(world):
    case = world.case(person=person())
    ref = case.referral.reference
    resp = Api(world.decider).get(f"/cases.csv?reference={ref.lower()}")
    assert resp.status_code == 200 and resp.content.decode().count("\n") == 2  # header and the case
    ev = AuditEvent.objects.filter(action="case.export", actor=world.decider).get()
    assert ev.detail["filters"] == {"reference": ref} and ev.detail["unrecognised_filters"] == []


def test_new_references_match_the_format_the_audit_accepts():
    from palermo.nrm.audit_detail import REFERENCE_FORMAT

    for prefix in ("NRM", "DTN"):
        assert REFERENCE_FORMAT.match(_new_reference(prefix, 2026))


def test_an_import_audit_names_the_file_by_its_digest_not_its_name(world, tmp_path):
    """A file name is chosen by whoever saved the file and often names the person."""
    f = write(tmp_path / f"{NAME_GIVEN}_{NAME_FAMILY}_referral.csv", [row()])
    result = import_referrals(actor=world.responder, path=f)
    assert result.written == 1
    ev = AuditEvent.objects.filter(action="referral.import").get()
    assert ev.detail["file_sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert NAME_GIVEN not in _all_event_text()


def test_hostile_text_in_headers_and_query_strings_reaches_no_audit_event(world):
    """Every page and endpoint a decision maker uses, called with a synthetic name in the
    request id, the user agent, the referer and every filter the caseload takes."""
    case = world.case(person=person(given="Quentessa"))
    marker = f"{NAME_GIVEN}.{NAME_FAMILY}"
    headers = {"X-Request-ID": marker, "User-Agent": marker, "Referer": f"https://example.org/{marker}",
               "X-Forwarded-For": marker}
    c, api = web(world.decider), Api(world.decider)
    query = f"status={marker}&nation={marker}&exploitation_type={marker}&reference={marker}&competent_authority={marker}"
    for url in ("/dashboard/", "/cases/", f"/cases/?{query}", f"/cases/{case.pk}/", f"/cases/{case.pk}/decision/",
                f"/cases/{case.pk}/elements/", f"/cases/{case.pk}/possible-matches/"):
        assert c.get(url, headers=headers).status_code in {200, 409}, url
    api.headers |= headers
    for path in ("/cases", f"/cases?{query}", f"/cases.csv?{query}", f"/cases/{case.pk}", f"/cases/{case.pk}/history"):
        assert api.get(path).status_code == 200, path
    assert AuditEvent.objects.exists() and marker not in _all_event_text() and NAME_GIVEN not in _all_event_text()


def test_the_decision_page_showing_a_returned_decision_is_an_audited_read(world):
    """The decision page shows the reviewer's note on a returned decision (encrypted at rest; it
    may describe the person), as the review page shows the decision maker's reasons: reading it
    is an audit event that holds neither."""
    case = world.case(person=person())
    negative = world.rg(case, outcome="negative")
    note = f"Ask {NAME_GIVEN} about the quarry again"
    world.review(negative, agree=False, note=note)
    resp = web(world.decider2).get(f"/cases/{case.pk}/decision/")
    assert resp.status_code == 200 and "about the quarry again" in resp.content.decode()
    ev = AuditEvent.objects.filter(action="decision.view", actor=world.decider2).get()
    assert (ev.object_type, ev.object_id) == ("nrm.decision", str(negative.pk))
    assert ev.detail == {"case_id": case.pk, "shown": "review_note"}
    assert NAME_GIVEN not in str(ev.detail) and "quarry" not in str(ev.detail)


def test_the_decision_page_without_a_returned_decision_writes_no_decision_read(world):
    case = world.case(person=person())
    assert web(world.decider).get(f"/cases/{case.pk}/decision/").status_code == 200
    assert not AuditEvent.objects.filter(action="decision.view").exists()
