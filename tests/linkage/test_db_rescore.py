"""Rescoring possible matches when the linkage model changes (``palermo link rescore`` and
``palermo link run``): pending pairs get exactly the probability a fresh scoring with the new
model gives; one below the review threshold is withdrawn, never deleted; decisions stay."""

from __future__ import annotations

import io
import json
from importlib import resources

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from palermo.core.exceptions import TransitionRefused
from palermo.core.models import AuditEvent
from palermo.linkage import incremental, rescoring
from palermo.linkage.model import load_model
from palermo.linkage.models import CONFIRMED, PENDING, REJECTED, WITHDRAWN, LinkCandidate
from palermo.linkage.selectors import pending_count_for_case
from palermo.linkage.services import link_candidate_decide
from tests.linkage.test_db_api import Api
from tests.linkage.test_db_scoring import BACKGROUND, person

pytestmark = pytest.mark.django_db

PAIRS = [  # the same person referred twice, recorded differently each time
    (("Mohammed", "Hussain", "1994-05-06", "Sudan", "male"), ("Muhammad", "Husain", "1994-06-05", "Sudan", "male")),
    (("Arben", "Krasniqi", "1988-02-11", "Albania", "male"), ("Arben", "Krasniqi", "1988-02-11", "Albania", "male")),
    (("Drita", "Shehu", "1999-07-23", "Albania", "female"), ("Drita", "Shehu", "1997-07-23", "Albania", "female")),
    (("Wei", "Chen", "1993-12-02", "China", "male"), ("Chen", "Wei", "1993-12-02", "China", "male")),
    (("Minh", "Tran", "2001-09-30", "Viet Nam", "female"), ("Minh", "Tram", "2000-09-30", "Viet Nam", "female")),
    (("Ioana", "Popescu", "1997-03-08", "Romania", "female"), ("Ioana", "Popesku", "1997-08-03", "Romania", "female")),
    (("Yonas", "Berhane", "2003-11-14", "Eritrea", "male"), ("Yonas", "Berhe", "2003-11-14", "Ethiopia", "male")),
]
NEW_TRAINED_AT = "2027-01-15T09:30:00+00:00"
FIELDS = ("status", "match_probability", "match_weight", "model_version", "decided_by_id", "decided_at", "reason_code")


def packaged_model_document() -> dict:
    return json.loads(resources.files("palermo.linkage.data").joinpath("model.json").read_text("utf-8"))


@pytest.fixture
def new_model(tmp_path):
    """A retrained model with other parameters: λ 2²² times smaller (every weight −22) and an
    exact date of birth 2³⁰ times less likely by chance (+30 where the dates agree), so some
    pairs go up, some down, and some below the review threshold."""
    doc = packaged_model_document()
    doc["palermo"]["trained_at"] = NEW_TRAINED_AT
    doc["splink"]["probability_two_random_records_match"] /= 2**22
    [exact] = [lev for lev in doc["splink"]["comparisons"][1]["comparison_levels"]
               if lev.get("label_for_charts") == "Exact date"]  # fmt: skip
    exact["u_probability"] /= 2**30
    path = tmp_path / "model-2027.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def proposed(world, settings, tmp_path):
    """Background people and seven pairs referred (scoring off), then proposed by a batch run
    with the packaged model; one pair confirmed and one rejected. Returns the cases by person."""
    settings.PALERMO_LINK_ON_REFERRAL = False
    cases = {}
    for given, family, dob, nat in BACKGROUND:
        world.refer(person=person(given, family, dob, nat))
    for a, b in PAIRS:
        for p in (a, b):
            case = world.case(person=person(*p))
            cases[case.referral.person_id] = case
    call_command("link", "run", "--report", str(tmp_path / "r.html"), stdout=io.StringIO(), verbosity=0)
    pairs = {(c.person_a_id, c.person_b_id) for c in LinkCandidate.objects.all()}
    ids = sorted(cases)
    assert {(ids[i], ids[i + 1]) for i in range(0, len(ids), 2)} <= pairs
    assert not LinkCandidate.objects.exclude(status=PENDING).exists()
    first, last = (LinkCandidate.objects.get(person_a_id=ids[i], person_b_id=ids[i + 1]) for i in (0, len(ids) - 2))
    link_candidate_decide(actor=world.decider, candidate=first, decision="confirm",
                          reason_code="same_person_documents", reason_text="Same passport number")
    link_candidate_decide(actor=world.decider, candidate=last, decision="reject",
                          reason_code="different_people", reason_text="Different mothers' names")
    return cases


def snapshot() -> dict:
    return {c.pk: tuple(getattr(c, f) for f in FIELDS) for c in LinkCandidate.objects.order_by("pk")}


def rescore(*args) -> str:
    out = io.StringIO()
    call_command("link", "rescore", *args, stdout=out)
    return out.getvalue()


def printed(text: str, label: str) -> int:
    [line] = [line for line in text.splitlines() if line.startswith(label)]
    return int(line.split()[-1].replace(",", ""))


def fresh_scores(model, monkeypatch) -> dict:
    """{(a, b): (probability, weight)} of scoring each pending pair's later person afresh
    against everyone, as for a new referral, with ``model``."""
    out = {}
    with monkeypatch.context() as patch:
        patch.setattr(incremental, "_MODEL", model)
        for a, b in LinkCandidate.objects.values_list("person_a_id", "person_b_id"):
            found = {p["person_id"]: p for p in incremental.score_person(person_id=b, threshold=0.0).pairs}
            out[(a, b)] = (found[a]["match_probability"], found[a]["match_weight"])
    return out


def test_rescore_gives_fresh_scores_withdraws_below_threshold_and_leaves_decisions(
    world, proposed, new_model, monkeypatch
):
    """Stale pending pairs get the probability, weight and version of a fresh scoring with the
    new model; those below the review threshold are withdrawn (kept, history intact); confirmed
    and rejected pairs are not touched; the run is audited with counts only."""
    model = load_model(path=new_model)
    version = incremental.model_version(model)
    assert version == f"palermo-people-2@{NEW_TRAINED_AT}"
    before = snapshot()
    old_version = {v[3] for v in before.values()}.pop()
    fresh = fresh_scores(model, monkeypatch)

    text = rescore("--model", str(new_model), "--actor", world.decider.username)

    after = snapshot()
    assert set(after) == set(before)  # nothing deleted, nothing created
    raised = lowered = withdrawn = 0
    for cand in LinkCandidate.objects.order_by("pk"):
        old = dict(zip(FIELDS, before[cand.pk], strict=True))
        if old["status"] in (CONFIRMED, REJECTED):
            assert after[cand.pk] == before[cand.pk]
            continue
        p, w = fresh[(cand.person_a_id, cand.person_b_id)]
        assert (cand.match_probability, cand.match_weight, cand.model_version) == (p, w, version)
        assert cand.status == (PENDING if p >= 0.5 else WITHDRAWN)
        assert cand.decided_by_id is None and cand.reason_code == ""
        raised += p > old["match_probability"]
        lowered += p < old["match_probability"]
        withdrawn += cand.status == WITHDRAWN
        last, previous = cand.history.order_by("-history_id")[:2]
        assert last.history_change_reason == f"Rescored with {version}" and last.history_user == world.decider
        assert (previous.status, previous.match_probability, previous.model_version) == (
            PENDING, old["match_probability"], old_version)
    assert raised and lowered and withdrawn and LinkCandidate.objects.filter(status=PENDING).exists()
    counts = {"rescored": raised + lowered, "raised": raised, "lowered": lowered, "unchanged": 0,
              "withdrawn": withdrawn, "reinstated": 0, "decided_left_alone": 2, "not_scored": 0}
    assert printed(text, "rescored") == counts["rescored"]
    assert printed(text, "withdrawn") == withdrawn and printed(text, "decided by a person") == 2
    assert version in text

    ev = AuditEvent.objects.get(action="link.rescore")
    assert ev.actor == world.decider and ev.object_type == "linkage.linkcandidate"
    detail = dict(ev.detail)
    assert "seconds" in detail and detail.pop("seconds") is not None  # measured, never compared
    assert detail == {**counts, "threshold": 0.5, "model_version": version}


def test_withdrawn_match_is_not_waiting_for_a_decision(world, proposed, new_model):
    """A withdrawn match is not counted as pending on the case, cannot be decided, and is still
    listed (API, with its status and the new model's probability)."""
    rescore("--model", str(new_model))
    # a withdrawn match of one of the referred pairs (background people may have some too)
    cand = next(c for c in LinkCandidate.objects.filter(status=WITHDRAWN).order_by("pk")
                if c.person_a_id in proposed or c.person_b_id in proposed)
    pid = cand.person_a_id if cand.person_a_id in proposed else cand.person_b_id
    case = proposed[pid]
    mine = Q(person_a_id=pid) | Q(person_b_id=pid)
    pending = LinkCandidate.objects.filter(mine, status=PENDING).count()
    assert pending_count_for_case(user=world.decider, case=case) == pending
    assert pending_count_for_case(user=world.decider, case=case, status=WITHDRAWN) >= 1
    with pytest.raises(TransitionRefused, match="withdrawn"):
        link_candidate_decide(actor=world.decider, candidate=cand, decision="confirm",
                              reason_code="same_person_documents", reason_text="Same passport")
    api = Api(world.decider)
    listed = api.get(f"/cases/{case.pk}/link-candidates?status=withdrawn").json()
    assert (cand.pk, WITHDRAWN, cand.model_version) in [(c["id"], c["status"], c["model_version"]) for c in listed]
    assert len(api.get(f"/cases/{case.pk}/link-candidates?status=pending").json()) == pending
    resp = api.post(f"/link-candidates/{cand.pk}/decision",
                    {"decision": "confirm", "reason_code": "same_person_documents", "reason_text": "Same passport"})
    assert resp.status_code == 409


def test_second_run_is_a_noop(proposed, new_model):
    rescore("--model", str(new_model))
    before = snapshot()
    history = LinkCandidate.history.count()
    text = rescore("--model", str(new_model))
    assert snapshot() == before and LinkCandidate.history.count() == history
    assert printed(text, "rescored") == 0 and printed(text, "withdrawn") == 0
    assert printed(text, "decided by a person") == 2  # still reported
    assert AuditEvent.objects.filter(action="link.rescore").count() == 1  # nothing changed: not audited again


def test_dry_run_counts_and_writes_nothing(proposed, new_model):
    before = snapshot()
    history, events = LinkCandidate.history.count(), AuditEvent.objects.count()
    dry = rescore("--model", str(new_model), "--dry-run")
    assert "dry run: nothing written" in dry
    assert snapshot() == before and LinkCandidate.history.count() == history and AuditEvent.objects.count() == events
    real = rescore("--model", str(new_model))
    assert dry.splitlines()[1:] == real.splitlines()[1:]  # the same counts as the run that writes


def test_going_back_to_the_old_model_proposes_withdrawn_pairs_again(proposed, new_model):
    """Withdrawn is not a decision: the model that proposed a pair proposes it again."""
    pending_before = set(LinkCandidate.objects.filter(status=PENDING).values_list("pk", flat=True))
    rescore("--model", str(new_model))
    withdrawn = LinkCandidate.objects.filter(status=WITHDRAWN).count()
    text = rescore()  # the packaged model again
    assert printed(text, "proposed again") == withdrawn > 0
    assert set(LinkCandidate.objects.filter(status=PENDING).values_list("pk", flat=True)) == pending_before
    assert LinkCandidate.objects.filter(status__in=[CONFIRMED, REJECTED]).count() == 2


def test_bad_model_file_is_refused_and_changes_nothing(proposed, tmp_path):
    before, events = snapshot(), AuditEvent.objects.count()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    other = tmp_path / "other-format.json"
    doc = packaged_model_document()
    doc["palermo"]["model_format"] = "palermo-people-1"
    other.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read the linkage model"):
        rescore("--model", str(broken))
    with pytest.raises(CommandError, match="palermo-people-1"):
        rescore("--model", str(other))
    with pytest.raises(CommandError, match="No active user"):
        rescore("--actor", "nobody")
    assert snapshot() == before and AuditEvent.objects.count() == events


def test_failure_while_writing_rolls_everything_back(proposed, new_model, monkeypatch):
    before, history = snapshot(), LinkCandidate.history.count()

    def fail(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(rescoring, "audit_record", fail)
    with pytest.raises(RuntimeError):
        rescore("--model", str(new_model))
    assert snapshot() == before and LinkCandidate.history.count() == history


def test_link_run_rescores_the_pending_pairs_it_does_not_propose(world, proposed, new_model, tmp_path, monkeypatch):
    """``link run`` with a new model stores what it proposes and rescores the other stale
    pending pairs: afterwards no pending pair has another model's score."""
    model = load_model(path=new_model)
    version = incremental.model_version(model)
    fresh = fresh_scores(model, monkeypatch)
    out = io.StringIO()
    call_command("link", "run", "--model", str(new_model), "--report", str(tmp_path / "r2.html"),
                 "--actor", world.decider.username, stdout=out, verbosity=0)  # fmt: skip
    assert not LinkCandidate.objects.filter(status=PENDING).exclude(model_version=version).exists()
    for cand in LinkCandidate.objects.filter(status=WITHDRAWN):
        assert (cand.match_probability, cand.model_version) == (fresh[(cand.person_a_id, cand.person_b_id)][0], version)
    withdrawn = LinkCandidate.objects.filter(status=WITHDRAWN).count()
    assert withdrawn > 0
    ev = AuditEvent.objects.get(action="link.rescore")
    assert ev.actor == world.decider and ev.detail["withdrawn"] == withdrawn
    batch = AuditEvent.objects.filter(action="link.batch_run").order_by("-id").first()
    assert batch.detail["stale_rescored"]["withdrawn"] == withdrawn
    assert batch.detail["candidates_by_status"]["withdrawn"] == withdrawn
    assert "withdrawn (no longer proposed by the model)" in out.getvalue()
    # the packaged model's batch run proposes them again
    call_command("link", "run", "--report", str(tmp_path / "r3.html"), stdout=io.StringIO(), verbosity=0)
    batch = AuditEvent.objects.filter(action="link.batch_run").order_by("-id").first()
    assert batch.detail["candidates_reinstated"] == withdrawn
    assert not LinkCandidate.objects.filter(status=WITHDRAWN).exists()


def test_scoring_a_new_referral_rescores_that_persons_stale_matches(world, proposed):
    """A referral's scoring brings the person's other pending matches up to the current model:
    one an older model proposed that this model does not is withdrawn, not left at its old
    probability; other people's stale matches wait for ``link rescore``."""
    from palermo.linkage.services import link_candidates_score_for_person

    version = incremental.model_version()
    ids = sorted(proposed)
    mine, theirs = (proposed[ids[2]].referral.person, proposed[ids[4]].referral.person)
    stranger = world.case(person=person("Zofia", "Wieczorek", "1971-10-30", "Poland", "female")).referral.person
    old = LinkCandidate.objects.create(person_a=mine, person_b=stranger, match_probability=0.93, match_weight=4.0,
                                       model_version="palermo-people-2@2020-01-01", found_by="batch")
    other = LinkCandidate.objects.create(person_a=theirs, person_b=stranger, match_probability=0.91,
                                         match_weight=3.0, model_version="palermo-people-2@2020-01-01",
                                         found_by="batch")
    link_candidates_score_for_person(person=mine, actor=world.decider)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.model_version == version and old.status == WITHDRAWN and old.match_probability < 0.5
    assert other.model_version.endswith("2020-01-01") and other.status == PENDING
    assert AuditEvent.objects.filter(action="link.rescore", detail__withdrawn=1).exists()
