"""Helpers for the security tests: a signed-in page client, an API client with a real token,
and synthetic people whose names are easy to spot in any response, row or log."""

from __future__ import annotations

from django.test import Client

from palermo.accounts.models import ApiToken

NAME_GIVEN, NAME_FAMILY = "Xanthippa", "Vorobyeva"  # synthetic, unique markers
DOB = "1991-03-17"
NARRATIVE = "Synthetic narrative marker: held at the quarry near Brindlecombe."


def person(given=NAME_GIVEN, family=NAME_FAMILY, dob=DOB, **extra) -> dict:
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": "female", "nationalities": ["ROU"], "languages": [], "interpreter_needed": False, **extra}


def web(user, **kwargs) -> Client:
    c = Client(**kwargs)
    c.force_login(user)
    return c


class Api:
    def __init__(self, user=None, raw: str | None = None):
        self.client = Client()
        if raw is None:
            _, raw = ApiToken.issue(user)
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)

    def put(self, path, body):
        return self.client.put(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


def leaks_identity(text: str) -> bool:
    return any(m in text for m in (NAME_GIVEN, NAME_FAMILY, DOB, "17 March 1991", "Brindlecombe"))
