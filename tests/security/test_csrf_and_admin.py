"""CSRF and methods: every state-changing page takes a POST with a CSRF token, and a GET never
changes anything (sign-out included). Admin: administrators only, and no case content."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate
from palermo.nrm.models import Case, Referral
from tests.security.helpers import leaks_identity, person, web
from tests.web.helpers import ADULT_ANSWERS, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    case = world.case(person=person())
    negative_case = world.case(person=person(given="Second"))
    negative = world.rg(negative_case, outcome="negative")
    other = world.case(person=person(given="Ksanthippa"))
    cand = LinkCandidate.objects.create(person_a=case.referral.person, person_b=other.referral.person,
                                        match_probability=0.9, match_weight=5, model_version="t", found_by="referral")
    return case, negative, cand


def test_state_changing_pages_refuse_a_post_without_a_csrf_token(world, setup):
    case, negative, cand = setup
    today = case.referral.received_on
    day = {"-day": str(today.day), "-month": str(today.month), "-year": str(today.year)}
    posts = [
        (world.decider, f"/cases/{case.pk}/decision/", {"outcome": "positive", "reason_codes": ["indicators_present"],
                                                        **{f"decided_on{k}": v for k, v in day.items()}}),
        (world.decider, f"/cases/{case.pk}/withdraw/", {"reason_code": "missing", **{f"withdrawn_on{k}": v for k, v in day.items()}}),
        (world.decider, f"/cases/{case.pk}/elements/", {"act": ["recruitment"]}),
        (world.reviewer, f"/reviews/{negative.pk}/", {"agree": "yes", **{f"reviewed_on{k}": v for k, v in day.items()}}),
        (world.decider, f"/cases/{case.pk}/possible-matches/", {"candidate": cand.pk, f"c{cand.pk}-decision": "confirm",
                                                               f"c{cand.pk}-reason_code": "same_person_account",
                                                               f"c{cand.pk}-reason_text": "x"}),
        (world.responder, "/sign-out/", {}),
    ]
    for user, url, data in posts:
        c = web(user, enforce_csrf_checks=True)
        assert c.post(url, data).status_code == 403, url
    case.refresh_from_db()
    negative.refresh_from_db()
    assert case.status == "referred" and case.elements_recorded_by is None
    assert negative.state == "awaiting_review"
    assert LinkCandidate.objects.get(pk=cand.pk).status == "pending"


def test_the_referral_is_sent_only_by_a_post_with_a_csrf_token(world):
    c = web(world.responder, enforce_csrf_checks=True)
    c2 = web(world.responder)
    walk(c2, ADULT_ANSWERS)
    c.cookies = c2.cookies  # the same session, now without the test client's CSRF exemption
    assert c.post("/refer/check-your-answers/").status_code == 403
    assert c.get("/refer/check-your-answers/").status_code == 200
    assert not Referral.objects.exists()


def test_a_get_never_changes_state(world, setup):
    case, negative, cand = setup
    c = web(world.decider)
    before = AuditEvent.objects.exclude(action__in=["case.view", "person.view", "link.candidates_view"]).count()
    for url in (f"/cases/{case.pk}/decision/?outcome=positive&reason_codes=indicators_present",
                f"/cases/{case.pk}/withdraw/?reason_code=missing", f"/cases/{case.pk}/elements/?act=recruitment",
                f"/cases/{case.pk}/possible-matches/?candidate={cand.pk}&c{cand.pk}-decision=confirm"):
        assert c.get(url).status_code == 200, url
    r = web(world.reviewer).get(f"/reviews/{negative.pk}/?agree=yes")
    assert r.status_code == 200
    assert AuditEvent.objects.exclude(action__in=["case.view", "person.view", "link.candidates_view",
                                                  "decision.view"]).count() == before
    assert Case.objects.get(pk=case.pk).status == "referred"
    # GET /sign-out/ asks; it does not sign out
    s = web(world.responder)
    assert s.get("/sign-out/").status_code == 200
    assert s.get("/cases/").status_code == 200
    for url in ("/cases/", f"/cases/{case.pk}/"):
        assert Client().delete(url).status_code in (302, 405)


def test_admin_is_refused_to_staff_without_the_administrator_role_even_a_superuser(world):
    for user in (world.decider, world.analyst, world.monitor):
        user.is_staff = user.is_superuser = True
        user.save()
        c = web(user)
        r = c.get("/admin/")
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
        assert c.get("/admin/core/auditevent/").status_code == 302
        assert "/admin/" not in c.get("/dashboard/").content.decode(), "no admin link that only leads to a refusal"


def test_admin_pages_expose_no_case_content(world, setup):
    world.admin.is_staff = True
    world.admin.save()
    c = web(world.admin)
    for model in ("people/person", "people/historicalperson", "nrm/case", "nrm/referral", "nrm/decision",
                  "linkage/linkcandidate", "sessions/session"):
        assert c.get(f"/admin/{model}/").status_code == 404, model
    for url in ("/admin/", "/admin/core/auditevent/", "/admin/accounts/user/", "/admin/accounts/organisation/",
                f"/admin/accounts/user/{world.responder.pk}/change/"):
        r = c.get(url)
        assert r.status_code == 200 and not leaks_identity(r.content.decode()), url
    ev = AuditEvent.objects.filter(action="person.create").first()
    assert not leaks_identity(c.get(f"/admin/core/auditevent/{ev.pk}/change/").content.decode())
