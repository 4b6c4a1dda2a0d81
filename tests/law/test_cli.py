"""``palermo law`` through call_command, capturing stdout."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FACTS = {
    "date": "2008-01-31",
    "jurisdiction": "outside_uk",
    "conduct": "arrange_arrival",
    "exploitation": "sexual",
    "offender_nationality": "foreign",
}


def run(*args, stdin=None):
    out = io.StringIO()
    kwargs = {"stdout": out}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("law", *args, **kwargs)
    return out.getvalue()


def test_offences_json_from_stdin():
    data = json.loads(run("offences", "--json", stdin=json.dumps(FACTS)))
    assert [o["id"] for o in data["offences"]] == ["SOA2003_s57"]
    assert {"id", "title", "statute", "section", "max_penalty", "citations"} <= set(data["offences"][0])
    assert data["not_applicable"] and data["reasons"]


def test_offences_readable_from_flags():
    text = run(
        "offences",
        "--date", "2012-03-01",
        "--jurisdiction", "england_wales",
        "--conduct", "arrange_travel_within",
        "--exploitation", "labour",
        "--nationality", "british",
        "--previously-trafficked", "no",
    )  # fmt: skip
    assert "No offence applied" in text
    assert "AITCA2004_s4 [condition_not_met]" in text


def test_offences_readable_shows_the_rule_path():
    text = run("offences", stdin=json.dumps(FACTS))
    assert "Applied: SOA2003_s57" in text and "arrival_from_anywhere" in text and "seed note §3.1" in text


def test_bad_facts_are_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="unknown key 'colour'"):
        run("offences", stdin=json.dumps({**FACTS, "colour": "red"}))
    with pytest.raises(CommandError, match="not valid JSON"):
        run("offences", stdin="{date: ")


def test_define():
    text = run("define", "forced", "labour")
    assert "menace of any penalty" in text and "seed note §1" in text
    with pytest.raises(CommandError, match="no definition"):
        run("define", "piracy")


def test_timeline():
    text = run("timeline", "--nation", "scotland")
    assert "CJSA2003_s22" in text and "HTESA2015_s1" in text and "SOA2003_s57" not in text
    data = json.loads(run("timeline", "--on", "2016-06-01", "--json"))
    assert data["in_force"]["scotland"] == ["HTESA2015_s1", "HTESA2015_s4"]


def test_assess_json():
    data = json.loads(run("assess", "--act", "recruitment", "--purpose", "servitude", "--json"))
    assert data["missing"] == ["means"]


def test_check_passes_on_the_shipped_data():
    assert "law data OK" in run("check")


def test_check_fails_naming_the_problem(monkeypatch):
    from palermo.law import selectors

    monkeypatch.setattr(
        selectors,
        "law_data_check",
        lambda: ({}, ["x/SOA2003_s57.yaml: in_force.england_wales.0.sources: too short"]),
    )
    with pytest.raises(CommandError, match=r"SOA2003_s57\.yaml: in_force\.england_wales\.0\.sources"):
        run("check")
