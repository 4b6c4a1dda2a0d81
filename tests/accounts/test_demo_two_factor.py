"""Demo users keep a documented way in: `palermo demo` gives demo users in two-factor roles one
published authenticator secret and `palermo demo code` prints its current code. Both are refused
in production, and `demo code` for anyone who is not a demo user with that secret."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from palermo.accounts.models import TotpDevice, User
from palermo.accounts.two_factor import demo_enrol
from palermo.core.exceptions import NotAllowed, PalermoError
from palermo.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_code, organisations_load, users_load
from tests.factories import enrol_authenticator

pytestmark = pytest.mark.django_db


def test_a_demo_decision_maker_signs_in_with_the_printed_code(capsys):
    users_load(organisations_load())
    assert TotpDevice.objects.get(user__username="decider", confirmed=True).key == DEMO_TOTP_SECRET
    assert not TotpDevice.objects.filter(user__username="responder").exists()
    call_command("demo", "code", "decider")
    code = capsys.readouterr().out.split()[0]
    c = Client()
    r = c.post("/sign-in/", {"username": "decider", "password": DEMO_PASSWORD})
    assert r["Location"] == "/sign-in/code/"
    assert c.post("/sign-in/code/", {"code": code})["Location"] == "/"
    assert c.get("/dashboard/").status_code == 200


def test_loading_the_demo_again_keeps_one_app_per_user():
    orgs = organisations_load()
    users_load(orgs)
    users_load(orgs)
    assert TotpDevice.objects.filter(user__username="admin").count() == 1


def test_demo_code_is_refused_for_a_user_who_is_not_a_demo_user(world):
    enrol_authenticator(world.decider)  # a real secret, not the demo one
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo", "code", world.decider.username)
    users_load(organisations_load())
    User.objects.get(username="reviewer").totpdevice_set.update(key="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo", "code", "reviewer")  # a demo name, but someone changed its secret


@override_settings(PRODUCTION=True)
def test_the_demo_and_its_codes_are_refused_in_production():
    with pytest.raises(CommandError, match="PALERMO_ENV=production"):
        call_command("demo", "code")
    with pytest.raises(CommandError, match="PALERMO_ENV=production"):
        call_command("demo", "--cases", "1", "--no-migrate")
    assert not User.objects.exists()
    with pytest.raises(PalermoError, match="production"):
        demo_code()  # the function refuses too, not only the command
    user = User.objects.create_user("t.someone", password="Brindle-quartz-lantern-88")
    with pytest.raises(NotAllowed):
        demo_enrol(user=user, secret=DEMO_TOTP_SECRET)
    assert not TotpDevice.objects.exists()
