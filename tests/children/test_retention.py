"""Retention removes what a child's safeguarding record says about them — where they went missing
from and were found, their condition on return, the police reference, a grading's evidence — with
the rest of their identity, and keeps the coded facts the statistics need."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.children.models import MissingEpisode, TraffickingGrading
from palermo.children.schemas import GradingIn, MissingIn, ReturnIn
from palermo.children.services import grading_record, missing_episode_report, missing_episode_return
from palermo.nrm import services
from palermo.nrm.schemas import WithdrawIn
from palermo.retention.services import retention_apply
from tests.retention.helpers import decrypted_text, marked_person, referral

pytestmark = pytest.mark.django_db

MARKERS = ["Wherefrom9Q", "Wherefound9Q", "Condition9Q", "POLREF9Q", "Evidence9Q"]


def _where(markers) -> list[tuple[str, str]]:
    return sorted({(table, col) for table, col, text, _ in decrypted_text() if any(m in text for m in markers)})


def test_a_closed_childs_record_loses_its_free_text_and_keeps_its_facts(kids):
    received = dt.date(2010, 3, 1)
    case = referral(kids, "Kidold", received, under_18="yes", age_at_exploitation="child", consent="not_required",
                    local_authority="HILLINGDON", person=marked_person("Kidold", dob="1994-01-01")).case
    went = dt.datetime(2010, 3, 5, 14, 0, tzinfo=dt.UTC)
    episode, _ = missing_episode_report(actor=kids.children, case=case, data=MissingIn(
        went_missing_at=went, missing_from="placement", missing_from_detail="Wherefrom9Q at night",
        reported_to_police_at=went + dt.timedelta(hours=1), police_reference="POLREF9Q"))
    missing_episode_return(actor=kids.children, case=case, episode_id=episode.pk, data=ReturnIn(
        returned_at=went + dt.timedelta(days=3), found_where="found_by_police", found_detail="Wherefound9Q",
        return_condition="Condition9Q: thin"))
    grading_record(actor=kids.children, case=case, data=GradingIn(level=4, graded_on=received,
                                                                  evidence_summary="Evidence9Q"))
    services.case_withdraw(actor=kids.responder, case=case, data=WithdrawIn(reason_code="missing",
                                                                            withdrawn_on=dt.date(2010, 6, 1)))
    assert _where(MARKERS) == [("children_missingepisode", "found_detail"), ("children_missingepisode", "missing_from_detail"),
                               ("children_missingepisode", "police_reference"), ("children_missingepisode", "return_condition"),
                               ("children_traffickinggrading", "evidence_summary")]
    counts = retention_apply(actor=None)
    assert _where(MARKERS) == []
    assert counts["nrm_case_child.child_records"] == 2
    episode = MissingEpisode.objects.get(pk=episode.pk)
    assert (episode.went_missing_at, episode.missing_from, episode.found_where) == (went, "placement", "found_by_police")
    assert TraffickingGrading.objects.get(case=case).level == 4
