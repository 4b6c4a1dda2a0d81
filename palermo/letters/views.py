"""Downloading a decision letter as PDF (issue 14)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from palermo.core.exceptions import NotAllowed, NotFound
from palermo.web.access import can_list_cases
from palermo.web.views.common import case_or_error, requires

from . import services


@requires(can_list_cases, _("Your role does not include working on cases."))
def letter_download(request, case_id: int, letter_id: int, recipient: str):
    case = case_or_error(request, case_id)
    try:
        letter = services.letter_get(user=request.user, case=case, letter_id=letter_id, recipient=recipient)
        doc = services.letter_document_get(user=request.user, letter=letter, recipient=recipient, fmt="pdf")
    except NotFound as exc:
        raise Http404(_("Page not found")) from exc
    except NotAllowed as exc:
        raise PermissionDenied(_("You cannot read this letter.")) from exc
    resp = HttpResponse(services.pdf_bytes(doc), content_type="application/pdf")
    resp["Content-Disposition"] = (f'attachment; filename="{case.referral.reference}-{letter.decision.kind}-'
                                   f'{letter.decision.outcome}-{recipient}.pdf"')
    return resp
