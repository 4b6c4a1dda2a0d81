"""After a bulk import commits, the planner's statistics of what it wrote are refreshed
(``palermo/core/planner.py``): on PostgreSQL the planner otherwise plans from the empty tables
until autovacuum's next round (an authority's 6,340 cases taken for 1)."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from palermo.core import planner
from palermo.nrm import importer
from palermo.nrm.importer import import_referrals
from palermo.nrm.models import Case
from tests.nrm.test_import import row, write

pytestmark = pytest.mark.django_db


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cur.fetchone()[0]


def test_an_import_refreshes_the_statistics_of_what_it_wrote(world, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BULK_ROWS", 3)
    asked = []
    real = planner.planner_statistics_refresh
    monkeypatch.setattr(importer, "planner_statistics_refresh", lambda models: (asked.append(models), real(models)))
    if connection.vendor == "postgresql":
        assert _estimated_rows("nrm_case") <= 0  # never analysed (-1) or empty
    f = write(tmp_path / "ok.csv", [row(family_name=f"Marrowgate{i}") for i in range(4)])
    assert import_referrals(actor=world.responder, path=f).written == 4
    (models,) = asked
    assert Case in models
    if connection.vendor == "postgresql":
        assert _estimated_rows("nrm_case") == Case.objects.count() == 4
        assert _estimated_rows("nrm_historicalcase") == 4


def test_a_small_import_leaves_it_to_autovacuum(world, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(importer, "planner_statistics_refresh", asked.append)
    f = write(tmp_path / "ok.csv", [row()])
    assert import_referrals(actor=world.responder, path=f).written == 1
    assert asked == []


def test_a_failed_refresh_is_logged_and_undoes_nothing(world, caplog):
    class Broken:
        class _meta:  # noqa: N801 - stands in for a model's options
            db_table = "no_such_table"

    with caplog.at_level(logging.ERROR, logger="palermo.core.planner"):
        planner.planner_statistics_refresh([Broken, Case])
    if connection.vendor == "postgresql":
        assert "Refreshing the planner's statistics" in caplog.text
    assert Case.objects.count() == 0  # the connection is still usable: the failure stayed in its savepoint
