"""Every read of intelligence. One filter decides which reports a user may see —
:func:`report_scope_q` — and every page, API operation, search and export reads through it, so a
report whose handling code restricts dissemination is never shown, searched or exported outside
its permitted set. Entities and links are visible only through the reports that mention or
evidence them. A refused read is audited (ids and codes only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.intelligence.models import Entity, IntelligenceReport, Link, LinkEvidence, Mention, VictimLink
from palermo.intelligence.rules import intelligence_orgs

_PERMITTED = IntelligenceReport.permitted_organisations.through


def report_scope_q(orgs: list[int]) -> Q:
    """The reports the organisations ``orgs`` may see: their own; any report whose handling code
    allows sharing with every organisation that holds intelligence; and a conditional report that
    names one of them. No organisations: nothing."""
    if not orgs:
        return Q(pk__in=[])
    named = _PERMITTED.objects.filter(organisation_id__in=orgs).values("intelligencereport_id")
    return (Q(submitting_organisation_id__in=orgs) | Q(dissemination="law_enforcement")
            | Q(dissemination="originator_and_named", pk__in=named))


def report_list_for_user(*, user) -> QuerySet[IntelligenceReport]:
    """THE selector: the reports ``user`` may see, newest first."""
    return (IntelligenceReport.objects.filter(report_scope_q(intelligence_orgs(user)))
            .select_related("submitting_organisation").order_by("-reported_on", "-id"))


def _withheld_audit(*, user, action: str, found: int, shown: int, detail: dict | None = None) -> None:
    """Audit that reports matched but were withheld by their handling codes (a refusal)."""
    if found > shown:
        audit_record(actor=user, action="intel.report_withheld", object_type="intelligence.intelligencereport",
                     detail={"during": action, "withheld": found - shown, **(detail or {})})


def report_get_for_user(*, user, report_id: int) -> IntelligenceReport:
    """One report (audited as a read); 404 if there is none, 403 (audited) outside its handling code."""
    report = IntelligenceReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound("There is no such intelligence report")
    if not report_list_for_user(user=user).filter(pk=report_id).exists():
        audit_record(actor=user, action="intel.report_refused", obj=report,
                     detail={"handling_code": report.handling_code, "scheme": report.scheme})
        raise NotAllowed("This report's handling code does not allow it to be shared with your organisation")
    audit_record(actor=user, action="intel.report_view", obj=report)
    return report


def report_search_for_user(*, user, entity_ids: list[int]) -> QuerySet[IntelligenceReport]:
    """Reports mentioning any of ``entity_ids`` that ``user`` may see; withheld matches audited."""
    matching = IntelligenceReport.objects.filter(mentions__entity_id__in=entity_ids).distinct()
    shown = report_list_for_user(user=user).filter(pk__in=matching.values("pk"))
    _withheld_audit(user=user, action="search", found=matching.count(), shown=shown.count())
    audit_record(actor=user, action="intel.search", object_type="intelligence.intelligencereport",
                 detail={"results": shown.count()})
    return shown


def reports_for_export(*, user) -> QuerySet[IntelligenceReport]:
    """The export reads the same selector; reports withheld by handling codes are audited."""
    shown = report_list_for_user(user=user)
    _withheld_audit(user=user, action="export", found=IntelligenceReport.objects.count(), shown=shown.count())
    return shown.prefetch_related("mentions")


def visible_entities_q(user) -> Q:
    """Entities mentioned by at least one report the user may see."""
    return Q(Exists(Mention.objects.filter(entity=OuterRef("pk"), report__in=report_list_for_user(user=user))))


@dataclass
class LinkView:
    link: Link
    other: Entity
    reports: list[IntelligenceReport]


@dataclass
class VictimView:
    link: VictimLink
    identity_visible: bool


@dataclass
class EntityView:
    entity: Entity
    reports: list[IntelligenceReport]
    links: list[LinkView]
    victims: list[VictimView] = field(default_factory=list)


def entity_links_for_user(*, user, entity_ids: set[int] | None = None) -> list[tuple[Link, list[IntelligenceReport]]]:
    """Links (touching ``entity_ids`` if given) with the reports evidencing them that ``user`` may
    see; a link with no such report is not returned at all."""
    visible = report_list_for_user(user=user)
    ev = LinkEvidence.objects.filter(report__in=visible).select_related("link", "report", "report__submitting_organisation")
    if entity_ids is not None:
        ev = ev.filter(Q(link__a_id__in=entity_ids) | Q(link__b_id__in=entity_ids))
    out: dict[int, tuple[Link, list]] = {}
    for e in ev.order_by("link_id", "-report__reported_on"):
        out.setdefault(e.link_id, (e.link, []))[1].append(e.report)
    return list(out.values())


def entity_get_for_user(*, user, entity_id: int) -> EntityView:
    """An entity with the reports that mention it and its links, as far as ``user`` may see them.
    404 if there is none; 403 (audited) if no report the user may see mentions it. An NRM victim
    linked to it is named only to the organisation that recorded the lawful reason (audited)."""
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        raise NotFound("There is no such entity")
    reports = list(report_list_for_user(user=user).filter(mentions__entity=entity))
    if not reports:
        audit_record(actor=user, action="intel.entity_refused", obj=entity)
        raise NotAllowed("No intelligence report you may see mentions this entity")
    links = []
    for link, evidence in entity_links_for_user(user=user, entity_ids={entity.pk}):
        other_id = link.b_id if link.a_id == entity.pk else link.a_id
        links.append(LinkView(link, Entity.objects.get(pk=other_id), evidence))
    orgs = set(intelligence_orgs(user))
    victims = [VictimView(v, v.organisation_id in orgs)
               for v in VictimLink.objects.filter(entity=entity).select_related("person", "organisation")]
    audit_record(actor=user, action="intel.entity_view", obj=entity,
                 detail={"reports": len(reports), "links": len(links)})
    if any(v.identity_visible for v in victims):
        audit_record(actor=user, action="intel.victim_identity_view", obj=entity,
                     detail={"people": [v.link.person_id for v in victims if v.identity_visible]})
    return EntityView(entity, reports, links, victims)


def entity_find(*, kind: str, key: str) -> Entity | None:
    return Entity.objects.filter(kind=kind, key_index=key).first() if key else None


def match_proposal_list_for_user(*, user) -> QuerySet:
    """Pending match proposals whose two people are both mentioned by reports ``user`` may see
    (the handling-code selector): a proposal about someone only in a withheld report is never
    listed. Oldest first, so the queue is worked in order."""
    from palermo.intelligence.models import PENDING, MatchProposal

    visible = Entity.objects.filter(visible_entities_q(user)).values("pk")
    return (MatchProposal.objects.filter(state=PENDING, a__in=visible, b__in=visible)
            .select_related("a", "b").order_by("id"))


def victim_links_for_user(*, user, entity_id: int) -> EntityView:
    """A person entity and its NRM victim links, through :func:`entity_get_for_user` (404, 403
    audited, the victim's identity only to the organisation that recorded the lawful reason,
    audited ``intel.victim_identity_view``). 404 for an entity that is not a person."""
    from palermo.intelligence.models import PERSON

    if not Entity.objects.filter(pk=entity_id, kind=PERSON).exists():
        raise NotFound("There is no such person")
    return entity_get_for_user(user=user, entity_id=entity_id)
