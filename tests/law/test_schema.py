"""The schema refuses bad law data, naming the file and the problem."""

import shutil
from pathlib import Path

import pytest
import yaml

from palermo.law.checks import law_data_check
from palermo.law.definitions import DEFINITIONS_DIR, all_definitions
from palermo.law.offences import OFFENCES_DIR, all_offences, load_offence_file
from palermo.law.schema import LawDataError


def _copy_offences(tmp_path: Path) -> Path:
    root = tmp_path / "offences"
    shutil.copytree(OFFENCES_DIR, root)
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_shipped_data_passes_the_check():
    """Every shipped file is valid and every YAML case passes."""
    counts, problems = law_data_check()
    assert problems == []
    assert counts["offences"] >= 17 and counts["definitions"] >= 9 and counts["cases"] >= 60


def test_a_value_without_a_citation_is_refused(tmp_path):
    """An in-force value with no sources names the file and the field."""
    root = _copy_offences(tmp_path)
    path = root / "SOA2003_s57.yaml"
    _edit(path, lambda d: d["in_force"]["england_wales"][0].update(sources=[]))
    with pytest.raises(LawDataError, match=r"SOA2003_s57\.yaml: in_force\.england_wales\.0\.sources"):
        load_offence_file(path)


def test_a_missing_sources_key_is_refused(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "CAJA2009_s71.yaml"
    _edit(path, lambda d: d["max_penalty"][0].pop("sources"))
    with pytest.raises(LawDataError, match=r"max_penalty\.0\.sources: Field required"):
        load_offence_file(path)


def test_an_empty_citation_is_refused(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "CAJA2009_s71.yaml"
    _edit(path, lambda d: d["citations"][0].update(citation=""))
    with pytest.raises(LawDataError, match=r"citations\.0\.citation"):
        load_offence_file(path)


def test_dates_out_of_order_are_refused(tmp_path):
    """Values must be in strictly increasing date order."""
    root = _copy_offences(tmp_path)
    path = root / "SOA2003_s57.yaml"

    def swap(d):
        d["territorial"].reverse()

    _edit(path, swap)
    with pytest.raises(LawDataError, match="territorial must be in strictly increasing date order"):
        load_offence_file(path)


def test_repeal_dates_out_of_order_are_refused(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "AITCA2004_s4.yaml"
    _edit(path, lambda d: d["in_force"]["scotland"][1].update({"from": "2004-01-01"}))
    with pytest.raises(LawDataError, match=r"in_force\.scotland must be in strictly increasing date order"):
        load_offence_file(path)


def test_an_unknown_cross_reference_is_refused(tmp_path):
    """replaced_by must name a known offence id."""
    root = _copy_offences(tmp_path)
    _edit(root / "SOA2003_s57.yaml", lambda d: d.update(replaced_by=["SOA2003_s99"]))
    all_offences.cache_clear()
    try:
        with pytest.raises(LawDataError, match=r"replaced_by: unknown offence id 'SOA2003_s99'"):
            all_offences(root)
    finally:
        all_offences.cache_clear()


def test_an_unknown_see_also_is_refused(tmp_path):
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, root)
    _edit(root / "forced_labour.yaml", lambda d: d.update(see_also=["no_such_term"]))
    with pytest.raises(LawDataError, match=r"see_also: unknown definition or offence id 'no_such_term'"):
        all_definitions(root, frozenset(all_offences()))


def test_an_unknown_territorial_rule_is_refused(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "SOA2003_s57.yaml"
    _edit(path, lambda d: d["territorial"][0]["value"].append({"rule": "everywhere"}))
    with pytest.raises(LawDataError, match=r"territorial\.0\.value\.3\.rule"):
        load_offence_file(path)


def test_an_id_that_does_not_match_the_file_name_is_refused(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "SOA2003_s57.yaml"
    _edit(path, lambda d: d.update(id="SOA2003_s58"))
    with pytest.raises(LawDataError, match="must match the file name"):
        load_offence_file(path)


def test_territorial_rules_must_start_when_the_offence_does(tmp_path):
    root = _copy_offences(tmp_path)
    path = root / "CAJA2009_s71.yaml"
    _edit(path, lambda d: d["territorial"][0].update({"from": "2011-01-01"}))
    with pytest.raises(LawDataError, match="territorial must have a value from 2010-04-06"):
        load_offence_file(path)


def test_a_case_naming_an_unknown_offence_is_refused(tmp_path):
    from palermo.law.cases import all_cases

    (tmp_path / "bad.yaml").write_text(
        "description: a broken case file\ncases:\n  - name: names a ghost\n"
        "    facts: {date: 2005-01-01}\n    offences: [GHOST2005_s1]\n"
    )
    with pytest.raises(LawDataError, match=r"bad\.yaml: cases\.0 .*GHOST2005_s1"):
        all_cases(tmp_path)


def test_the_check_reports_problems_instead_of_raising(tmp_path):
    root = _copy_offences(tmp_path)
    _edit(root / "MSA2015_s1.yaml", lambda d: d["in_force"]["england_wales"][0].update(sources=[]))
    all_offences.cache_clear()
    try:
        counts, problems = law_data_check(offences_dir=root)
    finally:
        all_offences.cache_clear()
    assert len(problems) == 1 and "MSA2015_s1.yaml" in problems[0] and "sources" in problems[0]
