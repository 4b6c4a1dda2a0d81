"""`palermo demo` fills the statistics pages: the default period (the last four quarters that have
ended) has referrals, decisions and a Duty to Notify report to count."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import User
from palermo.stats.periods import default_period
from palermo.stats.release import release_build
from palermo.stats.snapshot import snapshot_load

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_fills_the_default_period():
    call_command("demo", "--cases", "80", "--no-migrate")
    release = release_build(snapshot=snapshot_load(), period=default_period(timezone.localdate()))
    total = release.table("referrals_quarter_age_gender").total()
    assert total.shown and total.shown >= 20
    assert release.table("rg_decisions_quarter").total().count > 0
    assert release.table("cg_decisions_quarter").total().count > 0
    for table_id in ("support_started_provider_kind", "support_ended_exit_reason", "missing_episodes_quarter"):
        assert release.table(table_id).total().count > 0, table_id
    c = Client()
    c.force_login(User.objects.get(username="analyst"))
    page = c.get("/statistics/").content.decode()
    assert re.search(r"first responders referred [\d,]+ potential victims", page)
    assert page.count('role="img"') == 3
    assert "Support placements started by provider and kind of place" in page
    assert "Children missing from care: episodes by quarter" in page
