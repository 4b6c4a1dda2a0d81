"""Plain dictionaries for the API and the CSV export (pages use the same values). A defendant is
shown by entity reference and label (a suspect's name, seen by the recording organisation only);
a victim by pseudonym, and by name only when the reader's organisation recorded the lawful reason."""

from __future__ import annotations

from palermo.justice.models import COURT_KIND_LABELS
from palermo.justice.offences import offence_name
from palermo.law.vocab import NATION_LABELS


def prosecution_summary(p) -> dict:
    return {"id": p.pk, "reference": p.reference, "organisation": p.organisation.code, "nation": p.nation,
            "nation_label": NATION_LABELS[p.nation], "court_kind": p.court_kind,
            "court_kind_label": COURT_KIND_LABELS[p.court_kind], "court_name": p.court_name,
            "charged_on": p.charged_on.isoformat(),
            "operation": p.operation.reference if p.operation_id else None}


def charge_out(c) -> dict:
    return {"id": c.pk, "offence_id": c.offence_id, "offence": offence_name(c.offence_id),
            "offence_on": c.offence_on.isoformat(), "outcome": c.outcome,
            "outcome_on": c.outcome_on.isoformat() if c.outcome_on else None, "disposal": c.disposal,
            "custody_months": c.custody_months, "fine_pounds": c.fine_pounds}


def prosecution_out(view) -> dict:
    return {**prosecution_summary(view.prosecution),
            "defendants": [{"entity_id": d.defendant.entity_id, "entity_reference": d.defendant.entity.reference,
                            "label": d.defendant.entity.label, "confiscation_pounds": d.defendant.confiscation_pounds,
                            "charges": [charge_out(c) for c in d.charges]} for d in view.defendants],
            "victims": [{"person_reference": v.link.person.pseudonym, "lawful_reason": v.link.lawful_reason,
                         "organisation": v.link.organisation.code,
                         "name": (f"{v.link.person.given_name} {v.link.person.family_name}".strip()
                                  if v.identity_visible else None)} for v in view.victims]}


def statistics_out(s) -> dict:
    return {"rule_version": s.rule_version, "nation": s.nation,
            "years": [{"year": y.year, "proceeded_against": y.proceeded_against, "found_guilty": y.found_guilty,
                       "immediate_custody": y.immediate_custody, "average_custody_months": y.average_custody_months}
                      for y in s.years],
            "by_principal_offence": [{"year": c.year, "offence_id": c.offence_id, "offence": c.offence,
                                      "proceeded_against": c.proceeded_against, "found_guilty": c.found_guilty}
                                     for c in s.by_offence_year],
            "per_offence": [{"offence_id": o.offence_id, "offence": o.offence, "prosecutions": o.prosecutions,
                             "defendants": o.defendants, "charges": o.charges,
                             "charges_found_guilty": o.charges_found_guilty} for o in s.per_offence]}
