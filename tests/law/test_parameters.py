"""The dated policy parameters keep their public API and refuse bad files."""

import datetime as dt
import shutil

import pytest
import yaml

from palermo.law.parameters import (
    POLICY_DIR,
    ParameterError,
    ParameterValue,
    all_parameters,
    load_parameter_file,
    parameter_at,
    parameter_history,
)


def test_parameter_at_returns_a_versioned_cited_value():
    v = parameter_at("nrm.minimum_recovery_period_days", dt.date(2010, 1, 1))
    assert isinstance(v, ParameterValue)
    assert v.value == 45
    assert v.effective_from == dt.date(2009, 4, 1)
    assert v.version == "nrm.minimum_recovery_period_days@2009-04-01"
    assert "seed note §5.1" in v.citation


def test_parameter_at_before_the_first_value_raises():
    """A rule that did not exist cannot silently default to something."""
    with pytest.raises(ParameterError, match="no value in force on 2009-03-31"):
        parameter_at("nrm.minimum_recovery_period_days", dt.date(2009, 3, 31))


def test_parameter_history_closes_each_value():
    history = parameter_history("nrm.minimum_recovery_period_days")
    assert history[0].effective_to == history[1].effective_from - dt.timedelta(days=1)
    assert history[-1].effective_to is None


def test_unknown_parameter_raises():
    with pytest.raises(ParameterError, match="unknown parameter"):
        parameter_history("nrm.no_such_thing")


def test_support_parameters_from_the_seed_note():
    """45-day minimum reflection period, renewable one-year permits, Poppy eligibility (seed §5.2)."""
    params = all_parameters()
    assert {"support.residence_permit_months", "support.poppy_eligibility"} <= set(params)
    permit = parameter_at("support.residence_permit_months", dt.date(2010, 1, 1))
    assert permit.value == 12
    poppy = parameter_at("support.poppy_eligibility", dt.date(2009, 6, 1)).value
    assert poppy["minimum_age"] == 18 and poppy["sex"] == "female"
    assert parameter_at("nrm.minimum_recovery_period_days", dt.date(2010, 1, 1)).value == 45


def _bad_copy(tmp_path, change):
    src = POLICY_DIR / "nrm" / "rg_target_working_days.yaml"
    dst = tmp_path / "nrm" / "x.yaml"
    dst.parent.mkdir(parents=True)
    shutil.copy(src, dst)
    data = yaml.safe_load(dst.read_text())
    change(data)
    dst.write_text(yaml.safe_dump(data, sort_keys=False))
    return dst


def test_a_value_without_a_source_is_refused(tmp_path):
    path = _bad_copy(tmp_path, lambda d: d["values"][0].update(sources=[]))
    with pytest.raises(ParameterError, match=r"x\.yaml: values\.0\.sources"):
        load_parameter_file(path, root=tmp_path)


def test_a_missing_source_is_refused(tmp_path):
    path = _bad_copy(tmp_path, lambda d: d["values"][0].pop("sources"))
    with pytest.raises(ParameterError, match=r"values\.0\.sources: Field required"):
        load_parameter_file(path, root=tmp_path)


def test_out_of_order_dates_are_refused(tmp_path):
    path = _bad_copy(tmp_path, lambda d: d["values"].reverse())
    with pytest.raises(ParameterError, match="strictly increasing date order"):
        load_parameter_file(path, root=tmp_path)


def test_a_bad_url_is_refused(tmp_path):
    path = _bad_copy(tmp_path, lambda d: d["values"][0]["sources"][0].update(url="ftp://x"))
    with pytest.raises(ParameterError, match="url must start with https"):
        load_parameter_file(path, root=tmp_path)
