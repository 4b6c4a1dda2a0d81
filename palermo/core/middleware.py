"""Request id: every request gets an id that audit events carry, so a page view, an API call
and the rows they wrote can be tied together.

The id is always one Palermo generates. An ``X-Request-ID`` sent by the client is ignored, not
stored: audit events are read by monitors outside the organisation, and anything a client may
choose (even a well-formed UUID carries 122 bits of the sender's choosing) could carry a name.
The response names the id, so a caller or a proxy can quote it in a support request.
"""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("palermo_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served, or '' outside a request (commands, tests)."""
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
