"""Every write of intelligence: recording a report (with the entities it mentions and the links it
evidences), recording an NRM victim link with its lawful reason, deciding a match proposal.

Keyword-only, the acting user passed in, one transaction, permission first, audit event in the
same transaction (ids, codes and counts; never a name, an identifier or free text).
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.intelligence.identifiers import IdentifierProblem, identifier_key, normalise, person_keys
from palermo.intelligence.models import (
    PENDING,
    PERSON,
    Entity,
    IntelligenceReport,
    Link,
    LinkEvidence,
    MatchProposal,
    Mention,
    VictimLink,
)
from palermo.intelligence.rules import intelligence_orgs
from palermo.intelligence.schemas import EntityIn, ReportIn, VictimLinkIn
from palermo.intelligence.selectors import entity_get_for_user
from palermo.law.grading import grading_errors, grading_scheme_at


def _submitting_org(actor, code: str) -> Organisation:
    orgs = intelligence_orgs(actor)
    if not orgs:
        raise NotAllowed("Only intelligence officers can record intelligence reports")
    if code:
        org = Organisation.objects.filter(code=code, pk__in=orgs).first()
        if org is None:
            raise ValidationFailed("You are not an intelligence officer of that organisation",
                                   {"organisation": "Enter the code of an organisation you are an intelligence officer of"})
        return org
    return Organisation.objects.get(pk=orgs[0])


def entity_resolve(*, data: EntityIn) -> tuple[Entity, bool]:
    """The entity an identifier names: an existing one with the same normalised identifier, or a
    new one. A person is always new (people are matched by proposals a human confirms)."""
    key = identifier_key(data.kind, data.value)
    if key:
        found = Entity.objects.filter(kind=data.kind, key_index=key).first()
        if found is not None:
            return found, False
    entity = Entity(kind=data.kind, label=data.value.strip(), key_index=key)
    if data.kind == PERSON:
        entity.date_of_birth = data.date_of_birth
        entity.name_index, entity.dob_index = person_keys(data.value, data.date_of_birth)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:  # the same identifier recorded at the same moment by someone else
        return Entity.objects.get(kind=data.kind, key_index=key), False
    if data.kind == PERSON:
        _propose_matches(entity)
    return entity, True


def _propose_matches(entity: Entity) -> int:
    """Match proposals against earlier people whose phonetic name key and date of birth agree
    (both, or the name alone when either has no date of birth): blocking keys from the linkage's
    cleaning; a person decides."""
    if not entity.name_index:
        return 0
    made = 0
    for other in Entity.objects.filter(kind=PERSON, name_index=entity.name_index).exclude(pk=entity.pk):
        if entity.dob_index and other.dob_index and other.dob_index != entity.dob_index:
            continue
        evidence = ["name_phonetic"] + (["date_of_birth"] if entity.dob_index and other.dob_index else [])
        a, b = sorted([other.pk, entity.pk])
        MatchProposal.objects.get_or_create(a_id=a, b_id=b, defaults={"evidence": evidence})
        made += 1
    return made


@transaction.atomic
def report_create(*, actor, data: ReportIn) -> IntelligenceReport:
    """Record a report graded under the scheme in force on its date, the entities it mentions
    (resolved by exact identifier) and the links it evidences (stored undirected)."""
    org = _submitting_org(actor, data.organisation)
    errors = grading_errors(day=data.reported_on, source_evaluation=data.source_evaluation,
                            intelligence_assessment=data.intelligence_assessment, handling_code=data.handling_code,
                            handling_conditions=data.handling_conditions)
    if data.reported_on > timezone.localdate():
        errors["reported_on"] = "The date of the report must be today or in the past"
    named = list(Organisation.objects.filter(code__in=data.permitted_organisations))
    if len(named) != len(set(data.permitted_organisations)):
        errors["permitted_organisations"] = "Enter the codes of organisations Palermo knows"
    for i, e in enumerate(data.entities):
        if e.kind != PERSON:
            try:
                normalise(e.kind, e.value)
            except IdentifierProblem as exc:
                errors[f"entities.{i}.value"] = str(exc)
        elif e.date_of_birth and e.date_of_birth > data.reported_on:
            errors[f"entities.{i}.date_of_birth"] = "The date of birth must be before the date of the report"
    for i, link in enumerate(data.links):
        if link.source >= len(data.entities) or link.target >= len(data.entities) or link.source == link.target:
            errors[f"links.{i}"] = "A link joins two different entities of this report"
    if errors:
        raise ValidationFailed("The report has values that need correcting", errors)
    scheme = grading_scheme_at(data.reported_on)
    handling = scheme.scheme.handling(data.handling_code)
    report = IntelligenceReport.objects.create(
        reference=f"IR-P-{uuid.uuid4().hex[:12]}",  # replaced below, once the id is known
        submitting_organisation=org, submitted_by=actor,
        reported_on=data.reported_on, scheme=scheme.scheme.scheme, scheme_version=scheme.version,
        source_evaluation=data.source_evaluation, intelligence_assessment=data.intelligence_assessment,
        handling_code=data.handling_code, dissemination=handling.dissemination,
        handling_conditions=data.handling_conditions if handling.conditions else "", text=data.text)
    report.reference = f"IR-{data.reported_on.year}-{report.pk:06d}"
    report.save(update_fields=["reference"])
    if handling.dissemination == "originator_and_named":
        report.permitted_organisations.set([o for o in named if o.pk != org.pk])
    entities, created = [], 0
    for e in data.entities:
        entity, new = entity_resolve(data=e)
        created += new
        entities.append(entity)
        Mention.objects.get_or_create(report=report, entity=entity)
    for ln in data.links:
        a, b = sorted([entities[ln.source].pk, entities[ln.target].pk])
        if a == b:
            continue  # two identifiers of the report resolved to one entity
        link, _ = Link.objects.get_or_create(a_id=a, b_id=b, kind=ln.kind)
        LinkEvidence.objects.get_or_create(link=link, report=report)
    audit_record(actor=actor, action="intel.report_create", obj=report, detail={
        "organisation": org.code, "scheme": report.scheme, "grading": report.grading,
        "entities": len(entities), "new_entities": created, "links": len(data.links)})
    return report


def victim_link_record(*, actor, entity_id: int, data: VictimLinkIn) -> VictimLink:
    """Tie an intelligence person to an NRM potential victim, with the lawful reason (seed note
    §5.1: victims are not suspects; the link is kept apart and only the recording organisation
    sees the victim's identity). Audited. Who may see the entity is checked first, outside the
    link's transaction, so that a refusal's audit event is kept."""
    view = entity_get_for_user(user=actor, entity_id=entity_id)
    return _victim_link_record(actor=actor, view=view, data=data)


@transaction.atomic
def _victim_link_record(*, actor, view, data: VictimLinkIn) -> VictimLink:
    from palermo.people.models import Person

    if view.entity.kind != PERSON:
        raise TransitionRefused("Only a person can be linked to an NRM potential victim")
    person = Person.objects.filter(pseudonym=data.pseudonym.strip().upper()).first()
    if person is None:
        raise ValidationFailed("There is no NRM person with that reference",
                               {"pseudonym": "Enter the reference of an NRM person, like P-7K2M9Q"})
    org = Organisation.objects.get(pk=intelligence_orgs(actor)[0])
    link, created = VictimLink.objects.get_or_create(
        entity=view.entity, person=person, organisation=org,
        defaults={"lawful_reason": data.lawful_reason, "reason_text": data.reason_text, "recorded_by": actor})
    if not created:
        raise TransitionRefused("Your organisation has already recorded this link")
    audit_record(actor=actor, action="intel.victim_link", obj=link, detail={
        "entity": view.entity.pk, "person": person.pk, "lawful_reason": data.lawful_reason, "organisation": org.code})
    return link


def match_proposal_decide(*, actor, proposal_id: int, same: bool) -> MatchProposal:
    """A person's decision on a match proposal (both entities must be visible to them). The
    visibility check comes first, outside the decision's transaction, so that a refusal's audit
    event is kept."""
    proposal = MatchProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("There is no such match proposal")
    entity_get_for_user(user=actor, entity_id=proposal.a_id)
    entity_get_for_user(user=actor, entity_id=proposal.b_id)
    return _match_proposal_decide(actor=actor, proposal_id=proposal_id, same=same)


@transaction.atomic
def _match_proposal_decide(*, actor, proposal_id: int, same: bool) -> MatchProposal:
    proposal = MatchProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.state != PENDING:
        raise TransitionRefused("This proposal has already been decided")
    proposal.state = "confirmed" if same else "rejected"
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(actor=actor, action="intel.match_decide", obj=proposal, detail={"state": proposal.state})
    return proposal
