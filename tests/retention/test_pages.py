"""After retention removed an identity, the case page and the API say so, without error, to every
role that sees the case, and show nothing that was removed."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.linkage.models import LinkCandidate
from palermo.retention.dates import add_years
from palermo.retention.services import retention_apply
from tests.retention.helpers import marked_person, withdrawn_case
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db

NOTICE = "Identity removed under the retention rule of"


@pytest.fixture
def removed(world):
    """A child case (seen by the referring first responder, the competent authority and the
    local authority) closed seven years ago for a person now over 24, anonymised; with a
    confirmed possible match to another old case of theirs."""
    closed = add_years(dt.date.today(), -7)
    child = {"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON",
             "age_at_exploitation": "child", "person": marked_person("Paged", dob=add_years(closed, -17).isoformat())}
    case = withdrawn_case(world, "Paged", withdrawn_on=closed, **child)
    other = withdrawn_case(world, "Pagedtoo", withdrawn_on=closed, **{**child, "person": marked_person("Pagedtoo")})
    a, b = sorted([case.referral.person_id, other.referral.person_id])
    cand = LinkCandidate.objects.create(person_a_id=a, person_b_id=b, match_probability=0.9, match_weight=4,
                                        model_version="t", found_by="batch")
    from palermo.linkage import services as link_services

    link_services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                        reason_code="same_person_account", reason_text="LinkPaged: same story")
    counts = retention_apply(actor=None)
    assert counts["nrm_case_child.people"] == 2
    return case


@pytest.mark.parametrize("role", ["responder", "decider", "decider2", "reviewer", "children"])
def test_every_role_that_sees_the_case_gets_the_notice_on_the_page_and_in_the_api(world, removed, role):
    user = getattr(world, role)
    page = web(user).get(f"/cases/{removed.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTICE in html and 'id="retention-notice"' in html
    assert "Paged" not in html and "Your role does not show the person's identity" not in html
    api = Api(user)
    r = api.get(f"/cases/{removed.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["retention"]["notice"].startswith(NOTICE)
    assert body["retention"]["rule"].startswith("retention.nrm_case_child@")
    assert body["person"]["identity"] is None and body["person"]["identity_removed"] is True
    assert body["person"]["gender"] == "female" and body["person"]["nationalities"] == ["ROU", "MDA"]
    assert "Paged" not in r.content.decode()
    assert api.get(f"/cases/{removed.pk}/history").status_code == 200


@pytest.mark.parametrize("role", ["responder", "decider", "children"])
def test_the_possible_matches_and_cluster_of_an_anonymised_person_open_without_identities(world, removed, role):
    """The confirmed match is still shown (it is what the repeat statistics count), the
    identities say they were removed, and there is no unlink form."""
    user = getattr(world, role)
    client = web(user)
    page = client.get(f"/cases/{removed.pk}/possible-matches/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Paged" not in html and "Removed under the retention rule" in html and 'value="unlink"' not in html
    cluster = client.get(f"/people/{removed.referral.person.pseudonym}/cluster/")
    assert cluster.status_code == 200 and "Paged" not in cluster.content.decode()
    r = Api(user).get(f"/cases/{removed.pk}/link-candidates")
    assert r.status_code == 200 and "Paged" not in r.content.decode()


@pytest.mark.parametrize("role", ["responder_other", "analyst", "intel", "support"])
def test_roles_that_do_not_see_the_case_still_do_not(world, removed, role):
    user = getattr(world, role)
    assert web(user).get(f"/cases/{removed.pk}/").status_code == 403
    assert Api(user).get(f"/cases/{removed.pk}").status_code == 403


def test_a_case_whose_identity_is_held_shows_no_notice(world):
    case = world.case()
    html = web(world.decider).get(f"/cases/{case.pk}/").content.decode()
    assert NOTICE not in html
    assert Api(world.decider).get(f"/cases/{case.pk}").json()["retention"] is None
