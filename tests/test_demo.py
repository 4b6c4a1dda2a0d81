"""``palermo demo`` fills every part's pages and loads once: run twice, it adds nothing.

One test loads the demo (200 cases, as a newcomer's ``palermo demo`` does with fewer) and checks
each part's records in it, then loads it again and checks that nothing was added. Each part's
test used to load the demo itself, twice (four tests, ~3 minutes of every CI suite); the parts'
own loaders (intelligence, justice, operations) keep their own idempotency tests beside them.

``transaction=True``: the statistics snapshot reads in a transaction of its own (one consistent
instant, ``palermo.stats.snapshot``), which cannot start inside the test's.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import User
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.permits.models import Permit, PermitApplication, PermitDecision
from palermo.permits.selectors import permits_expiring_for_user
from palermo.releases.models import PrivateRelease
from palermo.stats.periods import default_period
from palermo.stats.release import release_build
from palermo.stats.snapshot import snapshot_load
from palermo.support.models import Placement, ServiceDelivery, WaitingListEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CASES = "200"


def every_count() -> dict[str, int]:
    return {"cases": Case.objects.count(), "permit applications": PermitApplication.objects.count(),
            "permits": Permit.objects.count(), "placements": Placement.objects.count(),
            "services": ServiceDelivery.objects.count(), "waiting list": WaitingListEntry.objects.count(),
            "private releases": PrivateRelease.objects.count()}


def check_every_nrm_state():
    assert set(Case.objects.values_list("status", flat=True)) == {s for s, _ in workflow.STATUS_CHOICES}


def check_permits():
    """Applications awaiting a decision, refusals, renewals, permits in force and permits due for
    renewal today, for the demo decision maker too."""
    today = timezone.localdate()
    assert PermitApplication.objects.filter(state="open").exists()
    assert PermitDecision.objects.filter(outcome="refused").exists()
    assert PermitApplication.objects.filter(renews__isnull=False, state="decided").exists()  # renewed
    assert Permit.objects.filter(starts_on__lte=today, expires_on__gte=today).exists()
    assert permits_expiring_for_user(user=User.objects.get(username="decider"), on=today).exists()


def check_support(counts: dict[str, int]):
    """People placed (the Poppy Project among the providers, some placements ended), services
    recorded and a waiting list."""
    assert counts["placements"] > 10 and counts["services"] >= counts["placements"] and counts["waiting list"] >= 1
    assert Placement.objects.filter(provider__code="POPPY").exists()
    assert Placement.objects.filter(end_on__isnull=False).exists()


def check_statistics():
    """The default period (the last four quarters that have ended) has referrals, decisions,
    support and missing episodes to count, and the statistics page shows them."""
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


def test_the_demo_fills_every_part_and_loads_once(capsys):
    from palermo.demo import DEMO_RELEASES

    call_command("demo", "--cases", CASES, "--no-migrate")
    out = capsys.readouterr().out
    assert "responder" in out and "decider" in out and "palermo-demo-2026" in out
    assert "residence permit applications" in out
    counts = every_count()
    check_every_nrm_state()
    check_permits()
    check_support(counts)
    check_statistics()
    # a few private releases, recorded once, so the release pages are not empty
    assert counts["private releases"] == len(DEMO_RELEASES) == 3

    call_command("demo", "--cases", CASES, "--no-migrate")
    assert every_count() == counts
    call_command("audit", "verify")
