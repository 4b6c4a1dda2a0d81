"""Provider reference data (cited, checked, loaded idempotently) and the support demo data."""

from __future__ import annotations

import io
import shutil

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.support.models import (
    Capacity,
    Contract,
    ProviderProfile,
)
from palermo.support.reference import PROVIDERS_FILE, reference_check, reference_load


def test_the_shipped_reference_data_is_cited_and_consistent():
    assert reference_check() == []


@pytest.mark.parametrize("change,words", [
    (lambda d: d["providers"][1]["capacity"][0].update(sources=[]), "sources"),
    (lambda d: d["providers"][1]["capacity"][0]["sources"][0].update(verified=False), "must say why"),
    (lambda d: d["providers"][1]["capacity"][0].update(places={"sofa": 3}), "unknown kind of place"),
    (lambda d: d["providers"][1].update(services=["massage"]), "unknown service"),
    (lambda d: d["providers"][1].update(eligibility_rule="support.none"), "not a support eligibility rule"),
    (lambda d: d["providers"][1]["terms"][1].update(contract="no_such_contract"), "unknown contract"),
    (lambda d: d["providers"][1]["capacity"].reverse(), "strictly increasing"),
])
def test_the_check_refuses_uncited_unknown_or_disordered_values(tmp_path, change, words):
    data = yaml.safe_load(PROVIDERS_FILE.read_text())
    change(data)
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    problems = reference_check(path)
    assert any(words in p for p in problems), problems


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_demo_figures_only_when_asked(world):
    first = reference_load()
    assert first["providers"] == 5 and Contract.objects.get().prime.code == "SALVARMY"
    assert not Capacity.objects.filter(demo=True).exists()
    poppy = ProviderProfile.objects.get(organisation__code="POPPY")
    figures = {(c.starts_on.isoformat(), c.places) for c in poppy.capacity.all()}
    assert figures == {("2003-03-10", 25), ("2009-02-27", 35), ("2012-03-15", 15)}  # all three, conflicts kept
    assert reference_load() == first and Capacity.objects.count() == first["capacity"]
    reference_load(demo=True)
    assert Capacity.objects.filter(demo=True, provider__organisation__code="SALVARMY").exists()


def test_reference_file_is_where_the_docs_say(tmp_path):
    shutil.copy(PROVIDERS_FILE, tmp_path / "providers.yaml")
    assert reference_check(tmp_path / "providers.yaml") == []


def test_palermo_support_check_passes_the_shipped_file_and_names_each_problem(tmp_path):
    out = io.StringIO()
    call_command("support", "check", stdout=out)
    assert "support reference data OK" in out.getvalue()
    data = yaml.safe_load(PROVIDERS_FILE.read_text())
    data["providers"][0]["eligibility_rule"] = "support.no_such_rule"
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(CommandError, match="support.no_such_rule is not a support eligibility rule"):
        call_command("support", "check", "--file", str(path), stdout=io.StringIO())


@pytest.mark.django_db
def test_palermo_support_load_writes_the_cited_figures_and_the_demo_ones_only_when_asked(world):
    call_command("support", "load", stdout=io.StringIO())
    assert ProviderProfile.objects.filter(organisation__code="POPPY").exists()
    assert Capacity.objects.exists() and not Capacity.objects.filter(demo=True).exists()
    count = Capacity.objects.count()
    call_command("support", "load", stdout=io.StringIO())
    assert Capacity.objects.count() == count
    call_command("support", "load", "--demo", stdout=io.StringIO())
    assert Capacity.objects.filter(demo=True).exists()
