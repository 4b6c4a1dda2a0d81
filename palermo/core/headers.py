"""Security headers Django's own SecurityMiddleware does not set (Django 5.2 has no CSP):

* **Content-Security-Policy** on every response (pages, API, Swagger docs, admin, error pages
  and static files). No ``'unsafe-inline'``, no ``'unsafe-eval'``: Palermo's templates load
  every script and style from files, so injected markup (a name that slipped past escaping)
  cannot run script, and the page cannot be framed, post a form elsewhere or change its base URL.
  The policy is ``settings.PALERMO_CSP``; a path prefix may widen one directive
  (``PALERMO_CSP_PATH_EXTRA``: only the API docs, whose Swagger UI draws icons as ``data:`` images).
* **Permissions-Policy** denying powerful browser features nobody here needs (camera, microphone,
  geolocation, payment, USB…): ``settings.PALERMO_PERMISSIONS_POLICY_DENY``.
* **Cache-Control: no-store** on every dynamic response, so a page or API answer naming a person
  is never kept by the browser's cache, the back button of a shared computer or a proxy. Static
  files (served by WhiteNoise, which this middleware wraps) keep their long caching.

Placed right after SecurityMiddleware and before WhiteNoise, so it sees every response.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.middleware import WhiteNoiseFileResponse


def policy_text(directives: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], …}`` as a header value, directives in the given order."""
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def policy_with(base: dict[str, list[str]], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """``base`` with ``extra``'s sources added to (never replacing) the same directives."""
    merged = {name: list(values) for name, values in base.items()}
    for name, values in extra.items():
        merged[name] = [*merged.get(name, base.get("default-src", [])), *values]
    return merged


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = policy_text(settings.PALERMO_CSP)
        self.path_policies = [(prefix, policy_text(policy_with(settings.PALERMO_CSP, extra)))
                              for prefix, extra in settings.PALERMO_CSP_PATH_EXTRA.items()]
        self.permissions = ", ".join(f"{feature}=()" for feature in settings.PALERMO_PERMISSIONS_POLICY_DENY)

    def policy_for(self, path: str) -> str:
        return next((policy for prefix, policy in self.path_policies if path.startswith(prefix)), self.policy)

    def __call__(self, request):
        response = self.get_response(request)
        response["Content-Security-Policy"] = self.policy_for(request.path)
        response["Permissions-Policy"] = self.permissions
        if not isinstance(response, WhiteNoiseFileResponse):
            response["Cache-Control"] = "no-store"
        return response
