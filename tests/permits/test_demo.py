"""``palermo demo`` fills the permit pages: applications awaiting a decision, refusals, grants,
renewals and permits due for renewal today, for the demo decision maker too; and it stays
idempotent."""

import pytest
from django.core.management import call_command

from palermo.accounts.models import User
from palermo.permits.models import Permit, PermitApplication, PermitDecision
from palermo.permits.selectors import permits_expiring_for_user
from tests.permits.helpers import today

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_kind_of_permit_record_and_loads_once(capsys):
    call_command("demo", "--cases", "200", "--no-migrate")
    assert PermitApplication.objects.filter(state="open").exists()
    assert PermitDecision.objects.filter(outcome="refused").exists()
    assert PermitApplication.objects.filter(renews__isnull=False, state="decided").exists()  # renewed
    assert Permit.objects.filter(starts_on__lte=today(), expires_on__gte=today()).exists()
    decider = User.objects.get(username="decider")
    assert permits_expiring_for_user(user=decider, on=today()).exists()
    counts = (PermitApplication.objects.count(), Permit.objects.count())
    call_command("demo", "--cases", "200", "--no-migrate")
    assert (PermitApplication.objects.count(), Permit.objects.count()) == counts
    assert "residence permit applications" in capsys.readouterr().out
