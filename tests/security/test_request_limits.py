"""Oversized requests are refused before they are read into memory: 413 with the API's error
shape, 400 on a page; never a server error. Palermo has no upload page, so a file in a form is
refused too."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.nrm.models import Referral
from tests.factories import referral_payload
from tests.security.helpers import Api

pytestmark = pytest.mark.django_db
TWO_MB = 2 * 1024 * 1024


def browser(user=None) -> tuple[Client, str]:
    """A client that passes the CSRF check as a browser does (cookie and form token), so the
    check reads the form body: that read is where the limits apply."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/refer/where/" if user is not None else "/sign-in/")  # a page with a form sets the cookie
    return client, client.cookies["csrftoken"].value


def test_an_oversized_json_body_to_the_api_is_refused_with_413(world):
    resp = Api(world.responder).post("/referrals", referral_payload(narrative="x" * TWO_MB))
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "too_large"
    assert Referral.objects.count() == 0


def test_a_body_just_under_the_limit_reaches_the_api_and_gets_its_ordinary_answer(world):
    """The limit is above any real referral: a 20,000-character narrative in any script fits."""
    resp = Api(world.responder).post("/referrals", referral_payload(narrative="字" * 20_000))
    assert resp.status_code == 201, resp.content


def test_an_oversized_form_post_to_a_page_is_refused_with_400(world):
    client, token = browser(world.responder)
    resp = client.post("/refer/what-happened/", {"csrfmiddlewaretoken": token, "narrative": "x" * TWO_MB})
    assert resp.status_code == 400


def test_an_oversized_post_to_the_sign_in_page_is_refused_with_400():
    client, token = browser()
    resp = client.post("/sign-in/", {"csrfmiddlewaretoken": token, "username": "someone", "password": "p" * TWO_MB})
    assert resp.status_code == 400


def test_a_form_post_with_hundreds_of_fields_is_refused_with_400(world):
    client, token = browser(world.responder)
    resp = client.post("/refer/indicators/", {"csrfmiddlewaretoken": token, **{f"field{i}": "x" for i in range(700)}})
    assert resp.status_code == 400


def test_a_file_in_a_form_post_is_refused_with_400(world, tmp_path):
    upload = tmp_path / "referrals.csv"
    upload.write_bytes(b"received_on,nation\n" * 10)
    client, token = browser(world.responder)
    with upload.open("rb") as fh:
        resp = client.post("/refer/what-happened/", {"csrfmiddlewaretoken": token, "narrative": "Synthetic", "file": fh})
    assert resp.status_code == 400
