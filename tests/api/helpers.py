"""A small API client for tests: a user's token and JSON requests with headers."""

from __future__ import annotations

from django.test import Client

from palermo.accounts.models import ApiToken


class Api:
    def __init__(self, user=None, raw_token=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw_token = ApiToken.issue(user)
        if raw_token:
            self.headers["Authorization"] = f"Bearer {raw_token}"

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", params, headers={**self.headers, **(headers or {})})

    def post(self, path, body, headers=None):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                headers={**self.headers, **(headers or {})})

    def put(self, path, body, headers=None):
        return self.client.put(f"/api/v1{path}", body, content_type="application/json",
                               headers={**self.headers, **(headers or {})})
