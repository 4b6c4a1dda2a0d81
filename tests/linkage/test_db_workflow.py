"""Possible matches in the database: confirm, reject, unlink, refusals, audit and clusters."""

from __future__ import annotations

import pytest

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.linkage import services
from palermo.linkage.models import CONFIRMED, PENDING, REJECTED, UNLINKED, LinkCandidate
from palermo.linkage.selectors import (
    clusters_all,
    components,
    link_candidates_for_case,
    person_cluster,
    repeat_referral_stats,
)

pytestmark = pytest.mark.django_db


def person(given, family, dob="1990-03-04", nat="Albania", gender="female"):
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": gender, "nationalities": [nat], "languages": [], "interpreter_needed": False}


def candidate(p, q, status=PENDING, probability=0.8):
    a, b = sorted((p.pk, q.pk))
    return LinkCandidate.objects.create(person_a_id=a, person_b_id=b, match_probability=probability,
                                        match_weight=3.2, model_version="test", found_by="batch", status=status)


@pytest.fixture
def pair(world):
    """Two cases of (perhaps) the same person: one referred by the MET, one by GMP; both routed
    to the SCA, so the SCA decider sees both identities and each responder sees one."""
    c1 = world.case(person=person("Elira", "Hoxha"))
    c2 = world.case(actor=world.responder_other, person=person("Elira", "Hoxa", dob="1990-04-03"))
    return c1, c2, candidate(c1.referral.person, c2.referral.person)


def test_confirm_writes_decision_history_and_audit(world, pair):
    c1, c2, cand = pair
    out = services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                         reason_code="same_person_documents", reason_text="Same passport number")
    assert out.status == CONFIRMED and out.decided_by == world.decider and out.decided_at
    cand.refresh_from_db()
    assert cand.reason_text == "Same passport number"
    ev = AuditEvent.objects.filter(action="link.confirm").get()
    assert ev.actor == world.decider and ev.object_id == str(cand.pk)
    assert ev.detail["reason_code"] == "same_person_documents" and ev.detail["cluster_size"] == 2
    assert "Elira" not in str(ev.detail) and "passport" not in str(ev.detail)  # no plaintext in audit
    assert cand.history.count() == 2  # created, decided
    # the reason is encrypted at rest
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT reason_text FROM linkage_linkcandidate WHERE id = %s", [cand.pk])
        assert "passport" not in cur.fetchone()[0]


def test_reject_and_refusals(world, pair):
    _, _, cand = pair
    with pytest.raises(ValidationFailed) as exc:
        services.link_candidate_decide(actor=world.decider, candidate=cand, decision="", reason_code="", reason_text="")
    assert exc.value.fields == {"decision": "Select whether these are the same person"}
    with pytest.raises(ValidationFailed) as exc:
        services.link_candidate_decide(actor=world.decider, candidate=cand, decision="reject",
                                       reason_code="same_person_documents", reason_text="")
    assert exc.value.fields == {"reason_code": "Select a reason that fits your decision", "reason_text": "Enter why"}
    services.link_candidate_decide(actor=world.decider, candidate=cand, decision="reject",
                                   reason_code="different_people", reason_text="Different mothers' names")
    cand.refresh_from_db()
    assert cand.status == REJECTED
    with pytest.raises(TransitionRefused):  # deciding twice
        services.link_candidate_decide(actor=world.decider2, candidate=cand, decision="confirm",
                                       reason_code="same_person_account", reason_text="x")
    with pytest.raises(TransitionRefused):  # unlinking what was never confirmed
        services.link_unlink(actor=world.decider, candidate=cand, reason_code="linked_in_error", reason_text="x")
    assert AuditEvent.objects.filter(action="link.reject", actor=world.decider).count() == 1


def test_only_users_who_see_both_identities(world, pair):
    c1, c2, cand = pair
    assert world.decider.has_perm("linkage.decide_candidate", cand)
    for user in (world.responder, world.responder_other, world.analyst, world.admin, world.monitor, world.intel,
                 world.decider_ieca):
        assert not user.has_perm("linkage.view_candidate", cand), user
        with pytest.raises(NotAllowed):
            services.link_candidate_decide(actor=user, candidate=cand, decision="confirm",
                                           reason_code="same_person_documents", reason_text="x")
    # the MET responder sees the identity on c1 but the match is hidden: they cannot see c2
    assert link_candidates_for_case(user=world.responder, case=c1) == []
    assert link_candidates_for_case(user=world.decider, case=c1) == [cand]
    ev = AuditEvent.objects.filter(action="link.candidates_view", actor=world.decider).get()
    assert ev.detail["candidates"] == [cand.pk]
    with pytest.raises(NotAllowed):
        link_candidates_for_case(user=world.analyst, case=c1)
    admin = world.admin
    admin.is_superuser = True
    admin.save()
    assert not admin.has_perm("linkage.view_candidate", cand)  # superuser flag opens nothing


def test_clusters_from_confirmed_links_and_unlink_splits(world):
    a, b, c, d = (world.case(person=person("Ilir", f"Gashi{x}")).referral.person for x in "abcd")
    ab, bc, cd = candidate(a, b), candidate(b, c), candidate(c, d)
    for cand in (ab, bc):
        services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                       reason_code="same_person_account", reason_text="Same story")
    services.link_candidate_decide(actor=world.decider, candidate=cd, decision="reject",
                                   reason_code="insufficient_information", reason_text="Nothing to go on")
    assert person_cluster(person=a) == person_cluster(person=c) == sorted([a.pk, b.pk, c.pk])
    assert person_cluster(person=d) == [d.pk]
    assert clusters_all() == [sorted([a.pk, b.pk, c.pk])]
    assert len(clusters_all(include_single=True)) == 2
    bc.refresh_from_db()
    services.link_unlink(actor=world.decider, candidate=bc, reason_code="new_information", reason_text="DNA")
    bc.refresh_from_db()
    assert bc.status == UNLINKED
    assert person_cluster(person=a) == sorted([a.pk, b.pk])
    assert person_cluster(person=c) == [c.pk]
    ev = AuditEvent.objects.get(action="link.unlink")
    assert ev.detail["cluster_size"] == 2 and ev.detail["reason_code"] == "new_information"
    assert ev.detail["confirmed_by"] == world.decider.pk
    with pytest.raises(TransitionRefused):
        services.link_unlink(actor=world.decider, candidate=bc, reason_code="new_information", reason_text="again")
    # the database never merged or deleted anybody
    from palermo.people.models import Person

    assert Person.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk]).count() == 4


def test_components_union_find():
    assert components([(1, 2), (3, 4), (2, 3), (7, 8)], nodes=[5]) == [[1, 2, 3, 4], [5], [7, 8]]


def test_pair_stored_once_in_order(world, pair):
    c1, c2, cand = pair
    p, q = c1.referral.person, c2.referral.person
    counts = services.store_candidates(pairs=[(q.pk, p.pk, 0.9, 4.0), (p.pk, q.pk, 0.7, 2.0)],
                                       found_by="referral", model_version="v2")
    cand.refresh_from_db()
    assert counts == {"created": 0, "updated": 1, "reinstated": 0, "already_decided": 0}
    assert (cand.person_a_id, cand.match_probability, cand.model_version) == (min(p.pk, q.pk), 0.9, "v2")
    services.link_candidate_decide(actor=world.decider, candidate=cand, decision="reject",
                                   reason_code="different_people", reason_text="x")
    counts = services.store_candidates(pairs=[(q.pk, p.pk, 0.95, 4.0)], found_by="batch", model_version="v3")
    assert counts["already_decided"] == 1
    cand.refresh_from_db()
    assert cand.status == REJECTED and cand.match_probability == 0.9


def test_repeat_referral_stats(world):
    import datetime as dt

    today = dt.date.today()
    first = world.case(person=person("Senait", "Kidane", nat="Eritrea"),
                       received_on=(today - dt.timedelta(days=200)).isoformat())
    world.rg(first, on=today - dt.timedelta(days=195))  # positive reasonable grounds
    again = world.case(person=person("Senait", "Kidane", nat="Eritrea"),
                       received_on=(today - dt.timedelta(days=20)).isoformat())
    lone = world.case(person=person("Piotr", "Nowak", nat="Poland"))
    # before any link: three people, nobody referred twice
    stats = repeat_referral_stats()
    assert stats["people_referred_more_than_once"] == 0 and stats["people"] == 3
    cand = candidate(first.referral.person, again.referral.person)
    services.link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                                   reason_code="same_person_account", reason_text="Same account")
    stats = repeat_referral_stats()
    assert stats["people"] == 2 and stats["referrals"] == 3
    assert stats["people_referred_more_than_once"] == 1 and stats["of_which_by_confirmed_link"] == 1
    assert stats["days_between_referrals"]["count"] == 1 and stats["days_between_referrals"]["median"] == 180
    assert stats["days_between_referrals"]["distribution"]["91-180"] == 1
    assert stats["later_referrals_after_positive_decision"] == 1
    assert stats["people_referred_again_after_positive_decision"] == 1
    assert set(stats) >= {"people_referred_more_than_once", "days_between_referrals"}
    assert lone.referral.reference not in str(stats)  # aggregates only
