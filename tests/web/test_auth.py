"""Signing in and out, the header every page carries, and sessions that expire when idle."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.web.helpers import error_messages, login

pytestmark = pytest.mark.django_db


def test_pages_need_sign_in_and_send_you_back_afterwards(client, world):
    resp = client.get("/cases/")
    assert resp.status_code == 302 and resp["Location"] == "/sign-in/?next=/cases/"
    assert client.get("/").headers["Location"] == "/sign-in/"


def test_sign_in_with_govuk_error_wording(client, world):
    resp = client.post("/sign-in/", {"username": "", "password": ""})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert error_messages(html) == ["Enter your username", "Enter your password"]
    assert 'href="#username"' in html and 'href="#password"' in html
    assert "This field is required" not in html
    assert "<title>Error: Sign in – Palermo</title>" in html

    resp = client.post("/sign-in/", {"username": world.responder.username, "password": "wrong-password"})
    assert error_messages(resp.content.decode()) == ["Enter a correct username and password"]


def test_sign_in_shows_service_phase_and_organisation(client, world):
    resp = client.post("/sign-in/", {"username": world.responder.username, "password": "test-password-123"}, follow=True)
    html = resp.content.decode()
    assert resp.redirect_chain[-1][0] == "/dashboard/"
    assert 'class="govuk-generic-header__homepage-link">Palermo</a>' in html
    assert "govuk-phase-banner" in html
    assert "First responder, Metropolitan Police Service" in html
    # Not a GOV.UK service: no crown, no GOV.UK logo.
    assert "govuk-logo" not in html and "govuk-crest" not in html and "GOV.UK</" not in html


def test_sign_out_asks_then_signs_out_with_a_post(client, world):
    login(client, world.responder)
    page = client.get("/sign-out/")
    assert page.status_code == 200 and b"Are you sure you want to sign out?" in page.content
    assert client.get("/dashboard/").status_code == 200  # a GET does not sign out
    resp = client.post("/sign-out/", follow=True)
    assert resp.redirect_chain[-1][0] == "/sign-in/"
    assert b"You have signed out." in resp.content
    assert client.get("/dashboard/").status_code == 302


def test_a_session_expires_after_inactivity_and_each_request_extends_it(client, world, settings):
    login(client, world.responder)
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE  # the idle limit, not a browser session
    client.get("/dashboard/")
    assert Session.objects.get(session_key=key).expire_date >= first  # renewed on activity
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    resp = client.get("/dashboard/")
    assert resp.status_code == 302 and resp["Location"].startswith("/sign-in/")


def test_admin_area_is_for_administrators_only(client, world):
    world.admin.is_staff = True
    world.admin.save()
    assert login(client, world.admin).get("/admin/").status_code == 200
    client.logout()
    resp = login(client, world.decider).get("/admin/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_static_page_and_not_found_page(client, world):
    assert client.get("/accessibility/").status_code == 200
    login(client, world.responder)
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404 and b"Page not found" in resp.content
