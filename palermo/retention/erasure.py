"""What removing a person's identity erases, field by field, in the records and in their history.

:data:`ERASE` names, per model, every field that identifies a person or may describe them in free
text, with the value it is set to. The same fields are erased in the model's django-simple-history
table (``Historical…``), which keeps the ciphertext of every earlier value: removing the current
value alone would leave the old ones readable by anyone with the key.

**Kept** (the statistics columns): on the person, the pseudonym, gender, nationalities and whether
an interpreter was needed; on the referral, everything that is not free text (dates, nation,
police force area, where the exploitation happened, exploitation types, indicators and flags,
adult or child, age at exploitation, consent, the local authority, the referring organisation);
the case (status, competent authority, every date and rule version, the coded act, means and
purpose); decisions (kind, outcome, dates, reason codes, who decided and reviewed); steps (action,
states, date, reason code); the coded decision on a possible match; residence permit applications,
decisions and permits (grounds, dates, outcome, reason codes, rule versions) — but not the
investigation reference (it ties the person to an investigation) or the written explanation. **Removed** beyond the
encrypted fields: the earlier system's case reference (``external_reference``: that system may
still hold the identity); the blind indexes (keyed hashes of name and date of birth: whoever holds the key
could confirm a guessed name), the exact claimed and assessed ages and the languages (with
gender, nationality and dates they narrow a person down; the statistics use adult or child and
age at exploitation, which are kept).

:func:`unhandled_encrypted_fields` is the guard: every encrypted field of every model (history
models included) must be erased here or be listed in :data:`NOT_VICTIM_DATA` with the reason, so
a new encrypted field cannot be added without deciding what retention does with it.
``retention_apply`` refuses to run while one is unhandled, and a test fails.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model, QuerySet

from palermo.core.fields import EncryptedTextField

#: model label -> {field name: value it is set to when the identity is removed}
ERASE: dict[str, dict[str, object]] = {
    "people.person": {
        "given_name": "",
        "family_name": "",
        "aliases": "",
        "date_of_birth": None,
        "contact_details": "",
        "family_name_bi": "",
        "full_name_bi": "",
        "dob_bi": "",
        "claimed_age": None,
        "assessed_age": None,
        "languages": [],
        "dob_precision": "unknown",
    },
    # The earlier system's reference goes with the narrative: that system may still hold the
    # identity, so the reference would lead back to it.
    "nrm.referral": {"narrative": "", "external_reference": ""},
    "nrm.decision": {"reason_text": "", "review_note": ""},
    "nrm.casetransition": {"note": ""},
    "linkage.linkcandidate": {"reason_text": ""},
    # A child's safeguarding record (palermo.children): where they went missing from and were
    # found, their condition on return, the police reference, and a grading's evidence. Kept: the
    # dates, the coded places and reasons, the grading level (the missing-from-care statistic).
    "children.missingepisode": {"missing_from_detail": "", "found_detail": "", "return_condition": "",
                                "police_reference": ""},
    "children.traffickinggrading": {"evidence_summary": ""},
    "permits.permitapplication": {"investigation_reference": ""},
    "permits.permitdecision": {"reason_text": ""},
    # Decision letters (palermo.letters) name the person: the documents go, the record that a
    # letter was made (which template, when, by whom) stays.
    "letters.letterdocument": {"html": "", "pdf": ""},
    # An intelligence person tied to the victim (palermo.intelligence): the written lawful reason
    # describes the victim; the coded reason, the organisation and the dates are kept.
    "intelligence.victimlink": {"reason_text": ""},
    # A victim on a prosecution (palermo.justice): the same, for the prosecution's lawful reason.
    "justice.prosecutionvictim": {"reason_text": ""},
}

#: "app.model.field" -> why retention leaves this encrypted field alone (it is not about a victim,
#: or another rule covers it). A field goes here only with its reason.
NOT_VICTIM_DATA: dict[str, str] = {
    "accounts.totpdevice.key": "a staff member's authenticator secret, not about a victim; it lives as long "
                               "as the app is set up and goes when an administrator resets two-factor "
                               "authentication or the user is deleted",
    "api.idempotencyrecord.response": "the first answer to an API write kept for its retries; deleted when it "
                                      "expires (PALERMO_IDEMPOTENCY_TTL_HOURS, 24 hours: palermo/api/idempotency.py), "
                                      "long before any retention rule is due",
    "drafts.referraldraft.answers": "an unsent referral's answers, seen only by the first responder who saved "
                                    "them: the whole draft is deleted by its own rule (retention.referral_draft, "
                                    "30 days after it was last saved), when it is sent, or when its owner deletes it",
    # Intelligence (palermo.intelligence) is about suspects, groups, premises and their identifiers,
    # never an NRM victim's record (a victim is tied to it only by a VictimLink, erased above). It is
    # kept under the police review-retain-dispose regime for intelligence (Management of Police
    # Information), not the NRM case rule; that schedule is not yet law data here (docs/intelligence.md).
    "intelligence.intelligencereport.text": "intelligence about suspects, not about a victim: reviewed under the "
                                            "police intelligence retention regime, not the NRM case rule",
    "intelligence.intelligencereport.handling_conditions": "the originator's conditions of sharing, not about a victim",
    "intelligence.entity.label": "a suspect's, group's or premises' identifier, not a victim's: intelligence retention",
    "intelligence.entity.date_of_birth": "a suspect's date of birth, not a victim's: intelligence retention",
}


def tracked_label(model: type[Model]) -> str:
    """The label of the model a history model tracks (``people.person`` for
    ``people.historicalperson``), else the model's own label."""
    tracked = getattr(model, "instance_type", None)
    return (tracked or model)._meta.label_lower


def unhandled_encrypted_fields() -> list[str]:
    """Every encrypted field, in any model or history model, that :data:`ERASE` does not erase
    and :data:`NOT_VICTIM_DATA` does not excuse; and every ERASE entry that names no field."""
    problems = []
    for model in apps.get_models():
        label = tracked_label(model)
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            if field.name in ERASE.get(label, {}) or f"{label}.{field.name}" in NOT_VICTIM_DATA:
                continue
            problems.append(f"{model._meta.label_lower}.{field.name}")
    for label, fields in ERASE.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        problems += [f"{label}.{name} (in ERASE, but the model has no such field)" for name in fields if name not in names]
    return sorted(set(problems))


def erase(label: str, qs: QuerySet, **also) -> int:
    """Set every field :data:`ERASE` lists for ``label`` on the rows of ``qs`` (plus ``also``).
    Returns the number of rows."""
    return qs.update(**ERASE[label], **also)


def erase_history(label: str, ids) -> int:
    """Erase the same fields in every history row of the records ``ids`` (fields the history
    model does not keep, such as the person's blind indexes, are skipped). Returns the number of
    history rows."""
    model = apps.get_model(label)
    history = getattr(model, "history", None)
    if history is None:
        return 0
    hmodel = history.model
    names = {f.name for f in hmodel._meta.concrete_fields}
    values = {k: v for k, v in ERASE[label].items() if k in names}
    return hmodel.objects.filter(id__in=list(ids)).update(**values)
