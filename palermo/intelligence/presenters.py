"""Plain dictionaries for the API and the CSV export (pages use the same values)."""

from __future__ import annotations

from palermo.intelligence.models import ENTITY_KIND_LABELS, LINK_KIND_LABELS


def report_summary(r) -> dict:
    return {"id": r.pk, "reference": r.reference, "reported_on": r.reported_on.isoformat(),
            "submitting_organisation": r.submitting_organisation.code, "scheme": r.scheme,
            "source_evaluation": r.source_evaluation, "intelligence_assessment": r.intelligence_assessment,
            "handling_code": r.handling_code, "grading": r.grading, "dissemination": r.dissemination}


def entity_out(e) -> dict:
    return {"id": e.pk, "reference": e.reference, "kind": e.kind, "kind_label": ENTITY_KIND_LABELS[e.kind],
            "label": e.label}


def report_out(r) -> dict:
    return {**report_summary(r), "text": r.text,
            "handling_conditions": r.handling_conditions,
            "permitted_organisations": sorted(r.permitted_organisations.values_list("code", flat=True)),
            "scheme_version": r.scheme_version,
            "entities": [entity_out(m.entity) for m in r.mentions.select_related("entity").order_by("id")]}


def entity_view_out(view) -> dict:
    return {**entity_out(view.entity),
            "reports": [report_summary(r) for r in view.reports],
            "links": [{"kind": lv.link.kind, "kind_label": LINK_KIND_LABELS[lv.link.kind], "entity": entity_out(lv.other),
                       "reports": [report_summary(r) for r in lv.reports]} for lv in view.links],
            "victims": [{"person_reference": v.link.person.pseudonym, "lawful_reason": v.link.lawful_reason,
                         "organisation": v.link.organisation.code,
                         "name": (f"{v.link.person.given_name} {v.link.person.family_name}".strip()
                                  if v.identity_visible else None)} for v in view.victims]}


def proposal_evidence(proposal) -> dict:
    """A match proposal's evidence in words, as the casework's possible matches put it
    (``palermo.linkage.strength.evidence_words``): which of the name as it sounds, the name as
    written and the date of birth agree, differ or are not known for one of them. Compared
    through the blind indexes and the labels the page shows anyway."""
    from django.utils.translation import gettext as _

    from palermo.linkage.cleaning import canonical_name
    from palermo.linkage.strength import evidence_words

    a, b = proposal.a, proposal.b

    def compare(x, y) -> str:
        return "unknown" if not x or not y else "agree" if x == y else "differ"

    items = [
        {"field": "name_phonetic", "label": _("Name as it sounds"), "state": compare(a.name_index, b.name_index)},
        {"field": "name", "label": _("Name as written"),
         "state": compare(" ".join(sorted(canonical_name(a.label).split())), " ".join(sorted(canonical_name(b.label).split())))},
        {"field": "date_of_birth", "label": _("Date of birth"), "state": compare(a.dob_index, b.dob_index)},
    ]
    return evidence_words(items)
