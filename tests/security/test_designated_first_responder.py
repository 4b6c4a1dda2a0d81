"""Only a first responder at a *designated* first responder organisation may refer (NRM
guidance; ``Organisation.is_designated_first_responder``)."""

from __future__ import annotations

import pytest

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, Organisation
from palermo.nrm.models import Referral
from tests.factories import referral_payload
from tests.security.helpers import Api, person, web

pytestmark = pytest.mark.django_db


def test_a_first_responder_at_a_non_designated_organisation_cannot_refer_on_any_route(world):
    """Only designated first responder organisations may refer: the referral journey (where a
    name and date of birth are typed) must not be offered, and the API must write nothing."""
    ngo = Organisation.objects.create(name="Undesignated Charity", code="UNDES", kind="ngo",
                                      is_designated_first_responder=False)
    user = world.responder.__class__.objects.create_user(username="t.undesignated", password="x-password-123")
    Membership.objects.create(user=user, organisation=ngo, role=R.FIRST_RESPONDER)
    c = web(user)
    assert c.get("/refer/").status_code == 403
    assert c.get("/refer/where/").status_code == 403
    assert "/refer/" not in c.get("/dashboard/").content.decode()
    resp = Api(user).post("/referrals", referral_payload(person=person()))
    assert resp.status_code in (403, 422)
    assert not Referral.objects.exists()
