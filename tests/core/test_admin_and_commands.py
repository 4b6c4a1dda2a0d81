"""Admin is for administrators only; the token command; the audit log for monitors only.
(`palermo demo` is tested in tests/test_demo.py.)"""

import pytest
from django.core.management import call_command
from django.test import Client

from palermo.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_admin_only_for_administrators(world):
    for user in (world.decider, world.responder, world.analyst, world.monitor):
        user.is_staff = True  # even with the staff flag, no administrator role means no admin
        user.save()
        r = login(user).get("/admin/")
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
    world.admin.is_staff = True
    world.admin.save()
    assert login(world.admin).get("/admin/").status_code == 200
    assert login(world.admin).get("/admin/accounts/organisation/").status_code == 200


def test_admin_does_not_expose_case_content(world):
    world.admin.is_staff = True
    world.admin.save()
    c = login(world.admin)
    assert c.get("/admin/people/person/").status_code == 404
    assert c.get("/admin/nrm/case/").status_code == 404


def test_createtoken_prints_a_working_token(world, capsys):
    call_command("createtoken", world.responder.username)
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("plm_") and ApiToken.find(raw).user == world.responder
    assert ApiToken.objects.get().key_hash != raw  # only the hash is stored


def test_monitor_reads_the_audit_log_others_cannot(world):
    world.refer()
    _, raw = ApiToken.issue(world.monitor)
    r = Client().get("/api/v1/audit-events", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200 and r.json()["count"] >= 1
    assert all("Quillfeather" not in str(e) for e in r.json()["items"])
    _, raw = ApiToken.issue(world.decider)
    assert Client().get("/api/v1/audit-events", headers={"Authorization": f"Bearer {raw}"}).status_code == 403

