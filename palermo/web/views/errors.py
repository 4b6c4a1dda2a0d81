"""Error pages Django would otherwise draw itself.

Django's own CSRF failure page carries an inline ``<style>`` that Palermo's
Content-Security-Policy refuses (``CSRF_FAILURE_VIEW`` points here instead): this one uses the
service's layout and says what to do, without Django's technical reason.
"""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token: usually a page left open past the session, or a
    browser refusing cookies. 403, as Django's own view answers."""
    return render(request, "web/csrf_failure.html", status=403)
