"""API: a case's decision letters and their PDFs (issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from palermo.api.schemas import ERRORS
from palermo.nrm.selectors import case_get_for_user

from . import services

router = Router(tags=["Letters"])




class LetterOut(Schema):
    letter_id: int
    recipient: Literal["first_responder", "local_authority"]
    organisation: str = Field(max_length=60)
    decision_kind: Literal["reasonable_grounds", "conclusive_grounds", "reconsideration"]
    outcome: Literal["positive", "negative"]
    issued_on: dt.date
    pdf: str = Field(max_length=200, description="Path of the PDF")


@router.get("/cases/{case_id}/letters", response={200: list[LetterOut], **ERRORS},
            summary="Decision letters of a case that you may read")
def letter_list(request, case_id: int):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    return [{"letter_id": row["letter"].pk, "recipient": row["recipient"], "organisation": row["organisation"].code,
             "decision_kind": row["kind"], "outcome": row["outcome"], "issued_on": row["issued_on"],
             "pdf": f"/api/v1/cases/{case.pk}/letters/{row['letter'].pk}/{row['recipient']}.pdf"}
            for row in services.letters_for_case(user=request.auth, case=case)]


@router.get("/cases/{case_id}/letters/{letter_id}/{recipient}.pdf", response={200: None, **ERRORS},
            summary="One decision letter as PDF (made on first request; every download audited)")
def letter_pdf(request, case_id: int, letter_id: int, recipient: Literal["first_responder", "local_authority"]):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    letter = services.letter_get(user=request.auth, case=case, letter_id=letter_id, recipient=recipient)
    doc = services.letter_document_get(user=request.auth, letter=letter, recipient=recipient, fmt="pdf")
    resp = HttpResponse(services.pdf_bytes(doc), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{case.referral.reference}-{recipient}.pdf"'
    return resp
