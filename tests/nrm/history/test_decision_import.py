"""palermo import decisions: historic RG and CG decisions loaded onto referrals brought over from
an earlier system, through the workflow's rules, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from palermo.core.exceptions import NotAllowed
from palermo.core.models import AuditEvent
from palermo.nrm import workflow
from palermo.nrm.decision_import import import_decisions
from palermo.nrm.historic import REVIEW_RECORDED
from palermo.nrm.models import Case, CaseTransition, Decision

from .helpers import RECEIVED, decision_row, historic, write_decisions

pytestmark = pytest.mark.django_db

RG_DAY = RECEIVED + dt.timedelta(days=4)
CG_DAY = RG_DAY + dt.timedelta(days=50)


@pytest.fixture
def h(world):
    return historic(world)


def test_a_historic_identification_is_loaded_with_its_dated_recovery_period(h, tmp_path):
    """A positive RG then a positive CG: the case is identified, with the recovery period that
    the rule in force in 2010 gave (45 days), and the decisions name the file."""
    case = h.refer("UKHTC/2010/0001")
    f = write_decisions(tmp_path / "d.csv", [
        decision_row("UKHTC/2010/0001", on=RG_DAY),
        decision_row("ukhtc/2010/0001", kind="conclusive_grounds", on=CG_DAY, reasons="credible_account;corroborated"),
    ])
    result = import_decisions(actor=h.ukhtc, path=f)
    assert result.errors == [] and result.written == 2
    case.refresh_from_db()
    assert case.status == workflow.IDENTIFIED
    assert case.rg_decided_on == RG_DAY and case.cg_decided_on == CG_DAY
    assert case.recovery_period_min_end == RG_DAY + dt.timedelta(days=45)
    assert case.recovery_version == "nrm.minimum_recovery_period_days@2009-04-01"
    decisions = list(case.decisions.order_by("decided_on"))
    assert [d.kind for d in decisions] == ["reasonable_grounds", "conclusive_grounds"]
    assert {d.imported_from_sha256 for d in decisions} == {result.sha256}
    assert all(d.decided_by == h.ukhtc and d.state == "effective" for d in decisions)
    assert [t.action for t in case.transitions.order_by("id")] == ["refer", "rg_positive", "cg_positive"]
    event = AuditEvent.objects.get(action="decision.import")
    assert event.detail["file_sha256"] == result.sha256 and event.detail["written"] == 2


def test_a_historic_negative_records_its_second_review_as_done(h, tmp_path):
    """The review was done in the earlier system: recorded with its date and the reviewer's
    organisation, no reviewer account, and the reconsideration window from the review date."""
    case = h.refer("UKHTC/2010/0002")
    f = write_decisions(tmp_path / "d.csv", [decision_row(
        "UKHTC/2010/0002", outcome="negative", on=RG_DAY, reviewed_on=str(RG_DAY + dt.timedelta(days=2)),
        reviewer_org="UKHTC")])
    assert import_decisions(actor=h.ukhtc, path=f).errors == []
    case.refresh_from_db()
    d = case.decisions.get()
    assert case.status == workflow.RG_NEGATIVE and d.state == "effective"
    assert d.reviewed_by is None and d.reviewed_on == RG_DAY + dt.timedelta(days=2)
    assert d.review_recorded_by_org.code == "UKHTC" and d.review_recorded_as_done
    assert case.reconsideration_deadline == RG_DAY + dt.timedelta(days=2 + 90)
    steps = list(case.transitions.order_by("id").values_list("action", "to_status", "reason_code"))
    assert steps[1:] == [("rg_negative", workflow.RG_REVIEW, ""), ("review_agree", workflow.RG_NEGATIVE, REVIEW_RECORDED)]


@pytest.mark.parametrize("bad,column,words", [
    (decision_row("UKHTC/2010/0003", kind="conclusive_grounds", on=CG_DAY), "kind", "awaiting its reasonable grounds"),
    (decision_row("UKHTC/2010/0003", on=RECEIVED - dt.timedelta(days=1)), "decided_on", "on or after the date the referral"),
    (decision_row("UKHTC/2010/0003", on=dt.date.today() + dt.timedelta(days=3)), "decided_on", "today or in the past"),
    (decision_row("UKHTC/2010/0003", outcome="negative", on=RG_DAY), "reviewed_on", "second review"),
    (decision_row("UKHTC/2010/0003", outcome="negative", on=RG_DAY, reviewed_on=str(RG_DAY), reviewer_org="UKBA"),
     "reviewer_org", "competent authority that decided"),
    (decision_row("UKHTC/2010/0003", outcome="negative", on=RG_DAY, reviewed_on=str(RG_DAY - dt.timedelta(days=1)),
                  reviewer_org="UKHTC"), "reviewed_on", "on or after the date of the decision"),
    (decision_row("UKHTC/2010/0003", on=RG_DAY, reviewed_on=str(RG_DAY), reviewer_org="UKHTC"), "reviewed_on",
     "Only a negative decision"),
    (decision_row("UKHTC/2010/0003", reasons="no_means"), "reason_codes", "cannot be a reason for a positive"),
    (decision_row("UKHTC/2010/0003", reasons="juggling"), "reason_codes", "Unknown code"),
    (decision_row("UKHTC/2010/0003", reasons="child_no_means_needed"), "reason_codes", "only to a child"),
    (decision_row("UKHTC/2010/0003", on="2010-02-30"), "decided_on", "not a real date"),
    (decision_row("UKHTC/2010/0003", on="03/05/2010"), "decided_on", "YYYY-MM-DD"),
    (decision_row("UKHTC/2010/0003", kind="reconsideration"), "kind", "reasonable_grounds"),
    (decision_row("UKHTC/2010/9999"), "external_reference", "Import the referral first"),
    (decision_row("UKHTC/2010/0003", org="UKBA"), "decision_maker_org", "routed to UKHTC"),
    (decision_row("UKHTC/2010/0003", org="SCA"), "decision_maker_org", "not a decision maker at SCA"),
    (decision_row("=HYPERLINK(1)"), "external_reference", "letters, digits"),
])
def test_each_broken_rule_refuses_the_file_naming_row_and_column(h, tmp_path, bad, column, words):
    case = h.refer("UKHTC/2010/0003")
    h.refer("UKBA/2010/0003", nationality="VNM")
    f = write_decisions(tmp_path / "d.csv", [decision_row("UKBA/2010/0003", org="UKBA"), bad])
    actor = h.ukhtc
    actor.memberships.create(organisation=h.world.orgs["UKBA"], role="decision_maker")
    actor._palermo_roles = None
    result = import_decisions(actor=actor, path=f)
    assert result.refused == "invalid_rows" and result.written == 0
    assert [(e.row, e.column) for e in result.errors] == [(3, column)], result.errors
    assert words in result.errors[0].message, result.errors[0].message
    assert Decision.objects.count() == 0 and CaseTransition.objects.exclude(action="refer").count() == 0
    case.refresh_from_db()
    assert case.status == workflow.REFERRED
    failed = AuditEvent.objects.get(action="decision.import_failed")
    assert failed.detail["reason"] == "invalid_rows" and failed.detail["invalid_rows"] == 1
    assert "UKHTC" not in str(failed.detail)  # counts and codes only


def test_a_case_routed_to_another_authority_is_not_found_even_if_it_exists(h, tmp_path):
    """A UKHTC decision maker cannot load decisions on a UKBA case, and is not told it exists."""
    h.refer("UKBA/2010/0004", nationality="VNM")
    f = write_decisions(tmp_path / "d.csv", [decision_row("UKBA/2010/0004")])
    result = import_decisions(actor=h.ukhtc, path=f)
    assert result.refused and "Import the referral first" in result.errors[0].message


def test_only_a_decision_maker_may_import_decisions(h, tmp_path):
    h.refer("UKHTC/2010/0005")
    f = write_decisions(tmp_path / "d.csv", [decision_row("UKHTC/2010/0005")])
    for user in (h.world.responder, h.world.reviewer, h.world.analyst):
        with pytest.raises(NotAllowed):
            import_decisions(actor=user, path=f)
    assert Decision.objects.count() == 0


def test_the_same_row_twice_is_refused_as_a_duplicate(h, tmp_path):
    h.refer("UKHTC/2010/0006")
    r = decision_row("UKHTC/2010/0006", on=RG_DAY)
    result = import_decisions(actor=h.ukhtc, path=write_decisions(tmp_path / "d.csv", [r, r]))
    assert result.refused == "invalid_rows"
    assert [(e.row, e.column) for e in result.errors] == [(3, "kind")]  # the workflow refuses the repeat
    r2 = decision_row("UKHTC/2010/0006", outcome="negative", on=RG_DAY, reviewed_on=str(RG_DAY), reviewer_org="UKHTC")
    f = write_decisions(tmp_path / "e.csv", [decision_row("UKHTC/2010/0006", on=RG_DAY), r2, r2])
    result = import_decisions(actor=h.ukhtc, path=f)
    assert {e.row for e in result.errors} == {3, 4} and Decision.objects.count() == 0


def test_rows_of_a_case_must_be_in_the_order_the_decisions_were_made(h, tmp_path):
    h.refer("UKHTC/2010/0007")
    f = write_decisions(tmp_path / "d.csv", [
        decision_row("UKHTC/2010/0007", kind="conclusive_grounds", on=CG_DAY),
        decision_row("UKHTC/2010/0007", on=RG_DAY),
    ])
    result = import_decisions(actor=h.ukhtc, path=f)
    assert result.refused and result.errors[0].row == 2 and result.errors[0].column == "kind"


def test_a_conclusive_decision_before_the_end_of_the_recovery_period_is_refused(h, tmp_path):
    h.refer("UKHTC/2010/0008")
    f = write_decisions(tmp_path / "d.csv", [
        decision_row("UKHTC/2010/0008", on=RG_DAY),
        decision_row("UKHTC/2010/0008", kind="conclusive_grounds", on=RG_DAY + dt.timedelta(days=44)),
    ])
    result = import_decisions(actor=h.ukhtc, path=f)
    assert [(e.row, e.column) for e in result.errors] == [(3, "decided_on")]
    assert "recovery period" in result.errors[0].message


def test_a_file_imported_before_is_refused(h, tmp_path):
    h.refer("UKHTC/2010/0009")
    f = write_decisions(tmp_path / "d.csv", [decision_row("UKHTC/2010/0009", on=RG_DAY)])
    assert import_decisions(actor=h.ukhtc, path=f).written == 1
    again = import_decisions(actor=h.ukhtc, path=f)
    assert again.refused in {"already_imported", "invalid_rows"} and Decision.objects.count() == 1


def test_the_same_reference_from_two_referring_organisations_needs_the_organisation(h, tmp_path):
    """External references are unique per referring organisation, so two organisations may
    both have used one: the row must then say whose it is."""
    mine = h.refer("2010/17")
    theirs = h.refer("2010/17", actor=h.world.responder_other)
    rows = [decision_row("2010/17", on=RG_DAY)]
    result = import_decisions(actor=h.ukhtc, path=write_decisions(tmp_path / "a.csv", rows))
    assert result.errors[0].column == "first_responder_org"
    rows = [decision_row("2010/17", on=RG_DAY, first_responder_org="GMP")]
    assert import_decisions(actor=h.ukhtc, path=write_decisions(tmp_path / "b.csv", rows)).written == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (workflow.REFERRED, workflow.RECOVERY_PERIOD)


def test_the_command_loads_decisions_and_refuses_skip_invalid(h, tmp_path, capsys):
    h.refer("UKHTC/2010/0010")
    f = write_decisions(tmp_path / "d.csv", [decision_row("UKHTC/2010/0010", on=RG_DAY)])
    with pytest.raises(CommandError, match="all or nothing"):
        call_command("import", "decisions", str(f), "--as", h.ukhtc.username, "--skip-invalid")
    call_command("import", "decisions", str(f), "--as", h.ukhtc.username, "--no-progress")
    assert "Imported 1 historic decisions" in capsys.readouterr().out
    assert Case.objects.get(referral__external_reference="UKHTC/2010/0010").status == workflow.RECOVERY_PERIOD
