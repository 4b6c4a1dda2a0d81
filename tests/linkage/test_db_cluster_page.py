"""The person-cluster page (``/people/<pseudonym>/cluster/``): who sees which members, what is
shown of each, refusals, audit, and the links to it from the possible-matches page and panel."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.linkage import services
from palermo.linkage.models import LinkCandidate

pytestmark = pytest.mark.django_db


def person(given, family, dob="1993-11-02"):
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": "female", "nationalities": ["ALB"], "languages": [], "interpreter_needed": False}


def link(world, p, q, reason_code="same_person_documents", reason_text="Same passport number (synthetic)"):
    """A confirmed link between the people of two cases, decided by the SCA decider."""
    a, b = sorted((p, q), key=lambda x: x.pk)
    cand = LinkCandidate.objects.create(person_a=a, person_b=b, match_probability=0.9, match_weight=5.0,
                                        model_version="test", found_by="referral")
    return services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                          reason_code=reason_code, reason_text=reason_text)


@pytest.fixture
def chain(world):
    """Three records of one person joined a–b–c: a and c referred by the MET, b by GMP; all
    routed to the SCA. The SCA decider sees all three, the MET responder a and c (joined only
    through b, which they cannot see), the GMP responder b."""
    ca = world.case(person=person("Drita", "Berisha"))
    cb = world.case(actor=world.responder_other, person=person("Dritta", "Berisha", dob="1993-02-11"))
    cc = world.case(person=person("Drita", "Berishaj"))
    a, b, c = (k.referral.person for k in (ca, cb, cc))
    ab = link(world, a, b)
    bc = link(world, b, c, reason_code="same_person_contact", reason_text="Her support worker confirmed it")
    return world, (ca, cb, cc), (a, b, c), (ab, bc)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def url(p, case=None):
    return f"/people/{p.pseudonym}/cluster/" + (f"?case={case.pk}" if case else "")


def test_a_user_who_may_see_every_member_sees_them_all_with_the_links(chain):
    """The SCA decider sees the three records, their names and dates of birth, every case with a
    link to it, and each confirmed link: who, when and the reason in words (not the free text)."""
    world, (ca, cb, cc), (a, b, c), (ab, bc) = chain
    resp = client_for(world.decider).get(url(b))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Linked records" in html and b.pseudonym in html
    for p, k in ((a, ca), (b, cb), (c, cc)):
        assert f'id="member-{p.pseudonym}"' in html
        assert f'href="/cases/{k.pk}/"' in html and k.referral.reference in html
    assert "Drita Berisha" in html and "Dritta Berisha" in html and "Drita Berishaj" in html
    assert "2 November 1993" in html and "11 February 1993" in html
    assert html.count('id="link-') == 2
    assert "Same person: identity documents or reference numbers match" in html
    assert "Same person: confirmed with the person or their support worker" in html
    assert world.decider.username in html
    # the free-text reasons are never on this page
    assert "passport" not in html and "support worker confirmed it" not in html
    assert "This person" in html  # b, the person the page was opened for, is marked


def test_a_user_who_may_see_some_members_sees_only_those_and_no_count_of_the_others(chain):
    """The MET responder sees a and c, not b (a GMP referral): not its reference, its case, its
    name, nor the links through it; nothing says that anyone is hidden."""
    world, (ca, cb, cc), (a, b, c), (ab, bc) = chain
    resp = client_for(world.responder).get(url(a))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert a.pseudonym in html and c.pseudonym in html
    assert b.pseudonym not in html and cb.referral.reference not in html and f"/cases/{cb.pk}/" not in html
    assert "Dritta" not in html
    assert 'id="link-' not in html  # both links have b at one end
    # no number anywhere but the shown references and dates (no "3 records", "1 more"), no hint
    main = re.sub(r"<[^>]+>", " ", html.split("<main")[1].split("</main>")[0])
    for shown in (a.pseudonym, c.pseudonym, ca.referral.reference, cc.referral.reference):
        main = main.replace(shown, "")
    assert not re.search(r"\d", re.sub(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b", "", main)), main
    assert "hidden" not in main.lower() and "cannot see" not in main.lower() and "more" not in main.lower()
    ev = AuditEvent.objects.filter(action="link.cluster_view", actor=world.responder).get()
    assert ev.detail == {"members_shown": 2}
    # the GMP responder sees b alone, and is told there is nobody else they can see
    html = client_for(world.responder_other).get(url(b)).content.decode()
    assert b.pseudonym in html and a.pseudonym not in html and c.pseudonym not in html
    assert "There are no other records confirmed as this person that you can see." in html


def test_refused_without_a_case_of_the_person_and_the_refusal_is_audited(chain):
    """Roles that see no case of the person get the GOV.UK 403 page; each refusal is audited as
    ``link.view_refused`` (ids only); no ``link.cluster_view`` is written for them."""
    world, (ca, cb, cc), (a, b, c), (ab, bc) = chain
    refused = (world.analyst, world.admin, world.monitor, world.intel, world.decider_ieca, world.responder_other)
    for user in refused:
        resp = client_for(user).get(url(a))
        assert resp.status_code == 403, user
        assert "You do not have access to this page" in resp.content.decode()
        assert "Drita" not in resp.content.decode() and c.pseudonym not in resp.content.decode()
        ev = AuditEvent.objects.filter(action="link.view_refused", actor=user).get()
        assert ev.object_type == "people.person" and ev.object_id == str(a.pk)
    assert not AuditEvent.objects.filter(action="link.cluster_view").exists()


def test_unknown_person_404_and_signed_out_to_the_sign_in_page(chain):
    world = chain[0]
    assert client_for(world.decider).get("/people/P-NOSUCH/cluster/").status_code == 404
    resp = Client().get(url(chain[2][0]))
    assert resp.status_code == 302 and "sign-in" in resp["Location"]


def test_every_view_is_audited_as_the_api_audits_it(chain):
    """The page writes the same ``link.cluster_view`` event as ``GET /api/v1/people/…/cluster``
    (it uses the same selector), and each identity it shows as ``person.view``."""
    world, (ca, cb, cc), (a, b, c), (ab, bc) = chain
    assert client_for(world.decider).get(url(a)).status_code == 200
    page_ev = AuditEvent.objects.filter(action="link.cluster_view").get()
    _, raw = ApiToken.issue(world.decider)
    assert Client().get(f"/api/v1/people/{a.pseudonym}/cluster", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    api_ev = AuditEvent.objects.filter(action="link.cluster_view").exclude(pk=page_ev.pk).get()
    for ev in (page_ev, api_ev):
        assert (ev.actor, ev.object_type, ev.object_id, ev.detail) == (
            world.decider, "people.person", str(a.pk), {"members_shown": 3})
    views = AuditEvent.objects.filter(action="person.view", actor=world.decider, detail__purpose="cluster")
    assert sorted(int(v.object_id) for v in views) == sorted([a.pk, b.pk, c.pk])
    assert "Drita" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_unlinking_splits_the_cluster_on_the_page(chain):
    """Unlinking b–c leaves a and b on a's page; c is alone on its own."""
    world, (ca, cb, cc), (a, b, c), (ab, bc) = chain
    services.link_unlink(actor=world.decider, candidate=bc, reason_code="linked_in_error", reason_text="Wrong file")
    client = client_for(world.decider)
    html = client.get(url(a)).content.decode()
    assert a.pseudonym in html and b.pseudonym in html and f'id="member-{c.pseudonym}"' not in html
    assert f'id="link-{ab.pk}"' in html and f'id="link-{bc.pk}"' not in html
    html = client.get(url(c)).content.decode()
    assert f'id="member-{c.pseudonym}"' in html and a.pseudonym not in html and b.pseudonym not in html
    assert "There are no other records confirmed as this person that you can see." in html


def test_back_link_goes_to_the_case_the_user_came_from(chain):
    world, (ca, cb, cc), (a, b, c), _ = chain
    client = client_for(world.decider)
    assert f'href="/cases/{ca.pk}/" class="govuk-back-link"' in client.get(url(a, ca)).content.decode()
    # a case that is not this person's is ignored: back to the person's own case
    assert f'href="/cases/{ca.pk}/" class="govuk-back-link"' in client.get(url(a, cb)).content.decode()
    assert client.get(url(a) + "?case=²").status_code == 200


def test_possible_matches_page_and_case_panel_link_to_it(chain, rf):
    """Confirmed links on the possible-matches page and the case panel lead to the cluster page."""
    world, (ca, cb, cc), (a, b, c), _ = chain
    html = client_for(world.decider).get(f"/cases/{ca.pk}/possible-matches/").content.decode()
    assert f'href="/people/{a.pseudonym}/cluster/?case={ca.pk}"' in html
    request = rf.get("/")
    request.user = world.decider
    panel = Template('{% include "linkage/_case_panel.html" %}').render(Context({"case": ca, "request": request}))
    assert f'href="/people/{a.pseudonym}/cluster/?case={ca.pk}"' in panel
    assert "See all the records linked to this person" in panel
    # no confirmed link: no link to the cluster page
    lone = world.case(person=person("Ardita", "Krasniqi", dob="1980-01-01"))
    html = client_for(world.decider).get(f"/cases/{lone.pk}/possible-matches/").content.decode()
    assert "/cluster/" not in html
