"""The retention rules load, validate and are refused by ``palermo law check`` when they are bad."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from palermo.law.checks import law_data_check
from palermo.law.retention import (
    KINDS,
    RETENTION_DIR,
    all_retention_rules,
    retention_check,
    retention_rule_at,
    retention_rules_in_force,
)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "retention"
    shutil.copytree(RETENTION_DIR, root)
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _problems(root: Path) -> str:
    _, problems = law_data_check(retention_dir=root, run_cases=False)
    return "\n".join(problems)


def test_every_record_kind_has_a_valid_cited_rule_in_force_today():
    count, problems = retention_check()
    assert problems == [] and count == len(KINDS)
    for kind, rule in retention_rules_in_force(dt.date.today()):
        assert rule is not None, kind
        assert rule.sources and all(s.citation for s in rule.sources)
        assert all(s.verified or s.note for s in rule.sources)


def test_the_shipped_periods():
    on = dt.date(2026, 1, 1)
    periods = {kind: (r.action, r.years, r.days) for kind, r in retention_rules_in_force(on)}
    assert periods == {
        "nrm_case_adult": ("anonymise", 6, None), "nrm_case_child": ("anonymise", 6, None),
        "duty_to_notify": ("anonymise", 2, None), "referral_without_case": ("anonymise", 2, None),
        "link_candidate": ("anonymise", None, 0), "session": ("delete", None, 0),
        "sign_in_failure": ("delete", None, 1), "api_token": ("delete", 1, None), "audit_event": ("keep", None, None),
        "referral_draft": ("delete", None, 30),
    }


def test_the_rule_in_force_on_a_date_and_its_version():
    assert retention_rule_at("nrm_case_adult", dt.date(2018, 5, 24)).version == "retention.nrm_case_adult@2009-04-01"
    assert retention_rule_at("nrm_case_adult", dt.date(2018, 5, 25)).version == "retention.nrm_case_adult@2018-05-25"
    assert retention_rule_at("nrm_case_adult", dt.date(2009, 3, 31)) is None


def test_law_check_counts_the_retention_rules():
    out = io.StringIO()
    call_command("law", "check", stdout=out)
    assert f"{len(KINDS)} retention rules" in out.getvalue()


def test_a_rule_without_a_citation_is_refused(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "session.yaml", lambda d: d["values"][1].update(sources=[]))
    assert "session.yaml: values.1.sources" in _problems(root)
    _edit(root / "session.yaml", lambda d: d["values"][1].update(sources=[{"citation": ""}]))
    assert "session.yaml: values.1.sources.0.citation" in _problems(root)


def test_dates_out_of_order_are_refused(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "nrm_case_adult.yaml", lambda d: d["values"].reverse())
    assert "nrm_case_adult.yaml" in _problems(root) and "strictly increasing date order" in _problems(root)


def test_an_unverified_source_must_say_why(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "api_token.yaml", lambda d: d["values"][0]["sources"][0].pop("note"))
    assert "api_token.yaml: values.0: Value error, sources.0: an unverified source must say why" in _problems(root)


@pytest.mark.parametrize(("file", "change", "message"), [
    ("session.yaml", lambda d: d["values"][0]["value"].update(action="anonymise"), "'anonymise' does not fit session"),
    ("audit_event.yaml", lambda d: d["values"][0]["value"].update(years=3), "a 'keep' rule has no period"),
    ("nrm_case_adult.yaml", lambda d: d["values"][0]["value"].pop("years"), "needs exactly one of years or days"),
    ("nrm_case_adult.yaml", lambda d: d["values"][0]["value"].update(days=3), "needs exactly one of years or days"),
    ("nrm_case_adult.yaml", lambda d: d.update(runs_from="report_made"), "runs_from for nrm_case_adult must be 'case_closed'"),
    ("nrm_case_adult.yaml", lambda d: d.update(kind="nrm_case"), "unknown record kind 'nrm_case'"),
    ("duty_to_notify.yaml", lambda d: d["values"].pop(0), "the first value must be in force by 2009-04-01"),
    ("session.yaml", lambda d: d["values"][0]["value"].update(days=-1), "greater than or equal to 0"),
])
def test_a_rule_that_breaks_the_schema_is_refused(tmp_path, file, change, message):
    root = _copy(tmp_path)
    _edit(root / file, change)
    assert message in _problems(root)


def test_a_kind_without_a_rule_is_refused(tmp_path):
    root = _copy(tmp_path)
    (root / "sign_in_failure.yaml").unlink()
    assert "no retention rule for record kind 'sign_in_failure'" in _problems(root)


def test_a_repealed_rule_processes_nothing_from_its_date(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "duty_to_notify.yaml", lambda d: d["values"].append(
        {"from": "2024-01-01", "value": None, "sources": [{"citation": "A test repeal of the rule"}]}))
    assert retention_check(root)[1] == []
    all_retention_rules.cache_clear()
    assert retention_rule_at("duty_to_notify", dt.date(2023, 12, 31), root=root).years == 2
    assert retention_rule_at("duty_to_notify", dt.date(2024, 1, 1), root=root) is None


def test_the_rules_command_prints_each_rule_with_its_sources():
    out = io.StringIO()
    call_command("retention", "rules", "--on", "2026-01-01", stdout=out)
    text = out.getvalue()
    assert "retention.nrm_case_adult@2018-05-25: anonymise 6 years after the day the case closed" in text
    assert "retention.audit_event@2018-05-25: kept" in text
    assert "Limitation Act 1980 s2" in text and "[unverified]" in text
    out = io.StringIO()
    call_command("retention", "rules", "--on", "2010-01-01", stdout=out)
    assert "retention.nrm_case_adult@2009-04-01" in out.getvalue() and "Data Protection Act 1998" in out.getvalue()
