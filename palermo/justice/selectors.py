"""Every read of prosecutions. One rule decides which a user may see — those recorded by an
organisation where they are an intelligence officer (``prosecution_list_for_user``) — and every
page, API operation and export reads through it. A refused read is audited (ids only). An NRM
victim on a prosecution is named only to the organisation that recorded the lawful reason, and
that read is audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.justice.models import Charge, Defendant, Prosecution, ProsecutionVictim
from palermo.justice.rules import justice_orgs


def prosecution_list_for_user(*, user) -> QuerySet[Prosecution]:
    """THE selector: the prosecutions ``user`` may see, newest charge first."""
    return (Prosecution.objects.filter(organisation_id__in=justice_orgs(user))
            .select_related("organisation", "operation").order_by("-charged_on", "-id"))


@dataclass
class VictimView:
    link: ProsecutionVictim
    identity_visible: bool


@dataclass
class DefendantView:
    defendant: Defendant
    charges: list[Charge]


@dataclass
class ProsecutionView:
    prosecution: Prosecution
    defendants: list[DefendantView] = field(default_factory=list)
    victims: list[VictimView] = field(default_factory=list)


def _in_scope(*, user, prosecution_id: int) -> Prosecution:
    p = Prosecution.objects.select_related("organisation", "operation").filter(pk=prosecution_id).first()
    if p is None:
        raise NotFound("There is no such prosecution")
    if p.organisation_id not in justice_orgs(user):
        audit_record(actor=user, action="justice.prosecution_refused", obj=p, detail={"organisation": p.organisation.code})
        raise NotAllowed("Only the organisation that recorded this prosecution can see it")
    return p


def prosecution_get_for_user(*, user, prosecution_id: int, audit: bool = True) -> ProsecutionView:
    """One prosecution with its defendants, charges and victims (audited as a read); 404 if there
    is none, 403 (audited) outside scope."""
    p = _in_scope(user=user, prosecution_id=prosecution_id)
    defendants = [DefendantView(d, list(d.charges.order_by("id")))
                  for d in p.defendants.select_related("entity").order_by("id")]
    orgs = set(justice_orgs(user))
    victims = [VictimView(v, v.organisation_id in orgs)
               for v in p.victims.select_related("person", "organisation").order_by("id")]
    if audit:
        audit_record(actor=user, action="justice.prosecution_view", obj=p,
                     detail={"defendants": len(defendants), "victims": len(victims)})
        if any(v.identity_visible for v in victims):
            audit_record(actor=user, action="justice.victim_identity_view", obj=p,
                         detail={"people": [v.link.person_id for v in victims if v.identity_visible]})
    return ProsecutionView(p, defendants, victims)


def charge_get_for_user(*, user, charge_id: int, lock: bool = False) -> Charge:
    """One charge on a prosecution in scope (row locked for a write if ``lock``)."""
    qs = Charge.objects.select_related("defendant__prosecution")
    if lock:
        qs = qs.select_for_update(of=("self",))
    charge = qs.filter(pk=charge_id).first()
    if charge is None:
        raise NotFound("There is no such charge")
    _in_scope(user=user, prosecution_id=charge.defendant.prosecution_id)
    return charge


def prosecutions_for_export(*, user) -> QuerySet[Prosecution]:
    return prosecution_list_for_user(user=user).prefetch_related("defendants__charges")
