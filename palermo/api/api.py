"""The JSON API root: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every error has one shape::

    {"error": {"code": "invalid", "message": "…", "fields": {"person.family_name": "Enter …"}}}

with status 400 (malformed request), 401 (no or bad token), 403 (outside your scope or role),
404 (no such record), 409 (the workflow step is not possible now), 412 (the case changed since
you read it: `If-Match`), 413 (a body over 1 MB, refused before it is read), 422 (invalid values,
or an `Idempotency-Key` reused for another request) or 429 (too many requests: wait
`Retry-After` seconds).

Writes that create or decide (`createReferral`, `recordDecision`, `reviewDecision`,
`withdrawCase`) accept an `Idempotency-Key` header; `getCase` answers an `ETag` that changes
accept as `If-Match`; `listEvents` is a feed to poll. Worked examples: docs/api.md.
"""

from __future__ import annotations

import copy

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from palermo.api.auth import BearerToken
from palermo.api.errors import PreconditionFailed, RateLimited
from palermo.api.operation_ids import operation_id_for
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed

ETAG = {"description": "The case's version: send it as If-Match with a change (412 if the case changed since)",
        "schema": {"type": "string"}}
RETRY_AFTER = {"description": "Seconds until the token's next rate-limit window", "schema": {"type": "integer"}}
# Response headers django-ninja cannot declare itself, by operation id and status.
RESPONSE_HEADERS = {"getCase": {200: {"ETag": ETAG}}}


class PalermoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Named for generated clients and stable (palermo/api/operation_ids.py).
        return operation_id_for(operation.view_func)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        """The schema, built once per process for each prefix (building it takes ~2 s: every
        operation's models are turned into JSON schema), and a copy handed out each time."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache = self.__dict__.setdefault("_openapi_schemas", {})
        if key not in cache:
            cache[key] = self._build_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return copy.deepcopy(cache[key])

    def _build_openapi_schema(self, *, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for ops in schema["paths"].values():
            for op in ops.values():
                responses = op.get("responses", {})
                for status, headers in RESPONSE_HEADERS.get(op.get("operationId"), {}).items():
                    responses[status].setdefault("headers", {}).update(headers)
                if 429 in responses:
                    responses[429].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
        return schema


api = PalermoAPI(
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


@api.exception_handler(PreconditionFailed)
def _precondition_failed(request, exc: PreconditionFailed):
    return api.create_response(request, error_body(exc.code, exc.message), status=412)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    resp = api.create_response(request, error_body(exc.code, exc.message), status=429)
    resp["Retry-After"] = str(exc.retry_after)
    return resp


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
api.add_router("/", "palermo.api.events.router")
api.add_router("/", "palermo.linkage.api.router")
api.add_router("/", "palermo.children.api.router")
api.add_router("/", "palermo.notifications.api.router")
api.add_router("/", "palermo.jobs.api.router")
api.add_router("/", "palermo.stats.api.router")
api.add_router("/", "palermo.releases.api.router")
api.add_router("/", "palermo.support.api.router")
api.add_router("/", "palermo.permits.api.router")
api.add_router("/", "palermo.casework.api.router")
api.add_router("/", "palermo.letters.api.router")
api.add_router("/", "palermo.intelligence.api.router")
api.add_router("/", "palermo.justice.api.router")
api.add_router("/", "palermo.operations.api.router")
