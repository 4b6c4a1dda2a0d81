"""The elements of the Palermo definition recorded on a case, and what the law library says
about them (issue 4's assessment aid, seed note §1: act, means, purpose).

Suggestions come from the referral's coded exploitation types and indicators (``suggests`` in
``data/codes.yaml``); the decision maker decides what is recorded. The assessment says which
elements have something recorded against them — information for the human decision, never a
decision.
"""

from __future__ import annotations

from palermo.law.selectors import assess_palermo_elements, palermo_element_codes
from palermo.nrm import codes
from palermo.nrm.models import Case, Referral

ELEMENTS = ("act", "means", "purpose")


def elements_suggested(referral: Referral) -> dict[str, list[str]]:
    """Element codes the referral's exploitation types and indicators point to."""
    out: dict[str, set[str]] = {e: set() for e in ELEMENTS}
    for list_name, values in (("exploitation_types", referral.exploitation_types), ("indicators", referral.indicators)):
        known = codes.codes(list_name)
        for v in values:
            for element, element_codes in ((known[v].suggests or {}) if v in known else {}).items():
                out[element].update(element_codes)
    allowed = palermo_element_codes()
    return {e: sorted(c for c in out[e] if c in allowed[e]) for e in ELEMENTS}


def case_elements_assessment(case: Case) -> dict:
    """What is recorded, what the referral suggests, and the assessment of the recorded codes."""
    ref = case.referral
    recorded = {"act": case.elements_act, "means": case.elements_means, "purpose": case.elements_purpose}
    assessment = assess_palermo_elements(
        act=recorded["act"], means=recorded["means"], purpose=recorded["purpose"],
        # The consent a referral records is consent to the NRM referral, not to the
        # exploitation that art 3(b) speaks of: it is not passed on.
        victim_is_child=ref.is_child, consent_recorded=False,
    )
    labels = palermo_element_codes()
    return {
        "recorded": recorded,
        "recorded_by": case.elements_recorded_by.username if case.elements_recorded_by_id else None,
        "recorded_at": case.elements_recorded_at,
        "suggested": elements_suggested(ref),
        "labels": labels,
        "assessment": assessment.to_json(),
    }
