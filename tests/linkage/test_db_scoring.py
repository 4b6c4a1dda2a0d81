"""Scoring a new referral against everyone known: the on-commit hook, the cache, and that the
fast path (blocking in Python, Splink on the few) gives the same probabilities as scoring
against everyone."""

from __future__ import annotations

import pytest

from palermo.core.models import AuditEvent
from palermo.linkage import incremental
from palermo.linkage.linking import clean_table, score_new_records
from palermo.linkage.models import PENDING, LinkCandidate
from palermo.synth.people import generate_people

BACKGROUND = [  # (given, family, dob, nationality): other people already known
    ("Arben", "Krasniqi", "1988-02-11", "Albania"), ("Drita", "Shehu", "1999-07-23", "Albania"),
    ("Minh", "Tran", "2001-09-30", "Viet Nam"), ("Wei", "Chen", "1993-12-02", "China"),
    ("Chinedu", "Okafor", "1985-06-17", "Nigeria"), ("Ioana", "Popescu", "1997-03-08", "Romania"),
    ("Yonas", "Berhane", "2003-11-14", "Eritrea"), ("Jade", "Walker", "2006-01-27", "United Kingdom"),
    ("Tomasz", "Wojcik", "1979-08-05", "Poland"), ("Linh", "Pham", "2000-04-19", "Viet Nam"),
]


def person(given, family, dob, nat, gender="female"):
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": gender, "nationalities": [nat], "languages": [], "interpreter_needed": False}


@pytest.fixture
def known(world, settings):
    settings.PALERMO_LINK_ON_REFERRAL = False
    for given, family, dob, nat in BACKGROUND:
        world.refer(person=person(given, family, dob, nat))
    settings.PALERMO_LINK_ON_REFERRAL = True
    return world


@pytest.mark.django_db
def test_same_person_referred_again_becomes_a_pending_candidate(known, django_capture_on_commit_callbacks):
    world = known
    with django_capture_on_commit_callbacks(execute=True):
        first = world.case(person=person("Mohammed", "Hussain", "1994-05-06", "Sudan", "male"))
    assert LinkCandidate.objects.count() == 0  # nobody like him yet
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        again = world.case(actor=world.responder_other,
                           person=person("Muhammad", "Husain", "1994-06-05", "Sudan", "male"))  # fmt: skip
    assert len(hooks) == 1
    cand = LinkCandidate.objects.get()
    p, q = first.referral.person, again.referral.person
    assert (cand.person_a_id, cand.person_b_id) == (p.pk, q.pk)
    assert cand.status == PENDING and cand.found_by == "referral" and cand.match_probability >= 0.5
    assert cand.model_version.startswith("palermo-people-2@")
    ev = AuditEvent.objects.filter(action="link.score", object_id=str(q.pk)).get()
    assert ev.actor == world.responder_other and ev.detail["created"] == 1
    # a clearly different person: no candidate
    with django_capture_on_commit_callbacks(execute=True):
        world.case(person=person("Ewa", "Kaminski", "1972-10-21", "Poland"))
    assert LinkCandidate.objects.count() == 1


@pytest.mark.django_db
def test_switched_off_and_duty_to_notify_are_not_scored(known, settings, django_capture_on_commit_callbacks):
    settings.PALERMO_LINK_ON_REFERRAL = False
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        known.case(person=person("Arben", "Krasniqi", "1988-02-11", "Albania"))
    assert hooks == [] and LinkCandidate.objects.count() == 0
    settings.PALERMO_LINK_ON_REFERRAL = True
    with django_capture_on_commit_callbacks(execute=True):  # adult without consent: no NRM case
        known.refer(person=person("Arben", "Krasniqi", "1988-02-11", "Albania"), consent="refused", anonymous=False)
    assert LinkCandidate.objects.count() == 0


@pytest.mark.django_db
def test_scoring_failure_never_breaks_the_referral(known, monkeypatch, django_capture_on_commit_callbacks):
    def boom(**kwargs):
        raise RuntimeError("splink fell over")

    monkeypatch.setattr(incremental, "score_person", boom)
    with django_capture_on_commit_callbacks(execute=True):
        case = known.case(person=person("Drita", "Shehu", "1999-07-23", "Albania"))
    assert case.pk
    ev = AuditEvent.objects.get(action="link.scoring_failed")
    assert ev.object_id == str(case.referral.person_id) and ev.detail == {"error": "RuntimeError"}


@pytest.mark.django_db
def test_cache_follows_edits_without_signals(known):
    from palermo.people.models import Person

    cache = incremental.known_people()
    p = Person.objects.order_by("pk").first()
    row = cache.rows[p.pk]
    assert incremental.known_people().decrypted_last_refresh == 0  # nothing changed: nothing decrypted
    p.family_name = "Krasniqi-Berisha"
    p.save()
    cache = incremental.known_people()
    assert cache.decrypted_last_refresh == 1 and cache.rows[p.pk]["family"] != row["family"]
    assert cache.rows[p.pk] is not row


def test_fast_path_equals_scoring_against_everyone():
    """Blocking in Python plus registered term frequencies must give exactly the pairs and the
    probabilities of score_new_records against all known records (fixed seed)."""
    records = generate_people(n_records=600, seed=21)
    kp = incremental.KnownPeople()
    for row in clean_table(records).to_pylist():
        row.pop("name_freq")
        kp._add(int(row["unique_id"][1:]), {**row, "unique_id": str(int(row["unique_id"][1:]))})
    compared = 0
    for new in records[:8]:
        pk = int(new["record_id"][1:])
        known = [dict(r, record_id=str(int(r["record_id"][1:]))) for r in records if r is not new]
        full = score_new_records(new_records=[dict(new, record_id=str(pk))], known_records=known, threshold=0.05)
        ids = kp.candidates_for(kp.rows[pk], exclude=pk)
        fast = incremental.score_rows(new_row=kp.rows[pk], known_rows=[kp.rows[i] for i in ids], population=len(kp.rows),
                                      name_freq=kp.name_freq, nationality_freq=kp.nationality_freq, threshold=0.05)
        assert {f["known_record_id"]: round(f["match_probability"], 9) for f in full} == {
            f["known_record_id"]: round(f["match_probability"], 9) for f in fast
        }
        compared += len(full)
    assert compared > 5
