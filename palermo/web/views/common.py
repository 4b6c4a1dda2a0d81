"""Helpers shared by the pages: turning service errors into page responses."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from palermo.core.exceptions import NotAllowed, NotFound
from palermo.nrm.selectors import case_get_for_user


def case_or_error(request, case_id: int):
    """The case if the user may see it: 404 if there is none, 403 if it is outside their scope
    (the refused look is audited by the selector)."""
    try:
        return case_get_for_user(user=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    except NotAllowed as exc:
        raise PermissionDenied(_("You do not have access to this case.")) from exc


def or_error(fn, **kwargs):
    """Call a selector or service for a page: its NotFound is 404, its NotAllowed 403."""
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc


def requires(test, message: str):
    """Decorator: signed in (else to the sign-in page), and ``test(user)`` true (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def decision_date_errors(form, exc) -> None:
    """Put a service's ValidationFailed fields onto the form."""
    for field, message in exc.fields.items():
        form.add_service_error(field, message)
    if not exc.fields:
        form.add_error(None, exc.message)


__all__ = ["case_or_error", "requires", "decision_date_errors", "NotAllowed"]
