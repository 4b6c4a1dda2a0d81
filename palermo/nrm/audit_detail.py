"""What a request may put into an audit event: codes Palermo checked and identifiers it made,
never the text a user sent.

Audit events are read by monitors outside the organisations that hold the cases (the audit API),
so a filter value such as ``reference=Jane Doe`` must not be copied into one. A filter whose
value is not a known code (or, for a reference, not in the reference format) is named in
``unrecognised_filters`` so the auditor still sees that it was given; its value is dropped.
"""

from __future__ import annotations

import re

from palermo.accounts.models import Organisation
from palermo.nrm import codes, workflow
from palermo.nrm.models import NATION_CHOICES
from palermo.nrm.selectors import CaseFilters

# The format ``services._new_reference`` issues: NRM or DTN, the year, eight hex digits.
REFERENCE_FORMAT = re.compile(r"^(NRM|DTN)-\d{4}-[0-9A-F]{8}$")

_FIXED = {
    "status": lambda: set(workflow.STATUS_LABELS),
    "exploitation_type": lambda: set(codes.codes("exploitation_types")),
    "nation": lambda: {code for code, _ in NATION_CHOICES},
    "age_group": lambda: {"child", "adult"},
    "due": lambda: {"overdue", "soon"},
    "possible_matches": lambda: {"True"},
}


def _known(field: str, value: str) -> str | None:
    """The value as it may be stored, or None when it is not a code Palermo knows."""
    if field in _FIXED:
        return value if value in _FIXED[field]() else None
    if field == "competent_authority":
        return value if Organisation.objects.filter(code=value).exists() else None
    if field == "reference":
        ref = value.strip().upper()
        return ref if REFERENCE_FORMAT.match(ref) else None
    return None  # a filter this module does not know (a name search) is never stored


def case_filters_for_audit(filters: CaseFilters) -> dict:
    """``{"filters": {field: code}, "unrecognised_filters": [field, …]}`` for an audit detail."""
    known, unrecognised = {}, []
    for field, value in vars(filters).items():
        if value is None or value == "" or value is False:
            continue
        code = _known(field, str(value))
        if code is None:
            unrecognised.append(field)
        else:
            known[field] = code
    return {"filters": known, "unrecognised_filters": sorted(unrecognised)}
