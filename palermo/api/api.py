"""The JSON API root: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every error has one shape::

    {"error": {"code": "invalid", "message": "…", "fields": {"person.family_name": "Enter …"}}}

with status 400 (malformed request), 401 (no or bad token), 403 (outside your scope or role),
404 (no such record), 409 (the workflow step is not possible now), 413 (a body over 1 MB, refused
before it is read) or 422 (invalid values).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from palermo.api.auth import BearerToken
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed

api = NinjaAPI(
    title="Palermo API",
    version="1",
    description=__doc__,
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _loc(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "data", "payload", "filters")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request, exc: NinjaValidationError):
    fields = {}
    for err in exc.errors:
        fields[_loc(err.get("loc", ()))] = err.get("msg", "invalid")
    return api.create_response(request, error_body("invalid", "The request has invalid values", fields), status=422)


@api.exception_handler(ValidationFailed)
def _validation(request, exc: ValidationFailed):
    return api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=422)


@api.exception_handler(NotFound)
def _not_found(request, exc: NotFound):
    return api.create_response(request, error_body(exc.code, exc.message), status=404)


@api.exception_handler(NotAllowed)
def _not_allowed(request, exc: NotAllowed):
    return api.create_response(request, error_body(exc.code, exc.message), status=403)


@api.exception_handler(TransitionRefused)
def _conflict(request, exc: TransitionRefused):
    return api.create_response(request, error_body(exc.code, exc.message), status=409)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, error_body("unauthenticated", "Send a valid API token: Authorization: Bearer <token>"), status=401)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    # DATA_UPLOAD_MAX_MEMORY_SIZE: refused from the Content-Length, before the body is read.
    return api.create_response(request, error_body(
        "too_large", "The request is too large: no referral or decision needs more than 1 MB"), status=413)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


from palermo.core.api import router as audit_router  # noqa: E402
from palermo.nrm.api import router as nrm_router  # noqa: E402

api.add_router("/", nrm_router)
api.add_router("/", audit_router)
api.add_router("/", "palermo.linkage.api.router")
api.add_router("/", "palermo.children.api.router")
api.add_router("/", "palermo.notifications.api.router")
api.add_router("/", "palermo.stats.api.router")
api.add_router("/", "palermo.releases.api.router")
api.add_router("/", "palermo.support.api.router")
api.add_router("/", "palermo.permits.api.router")
api.add_router("/", "palermo.intelligence.api.router")
