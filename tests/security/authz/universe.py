"""The records and users the authorization matrix is checked against.

Eight *slots*, each a referring organisation with a kind of case. Every slot holds:

* ``case``: an adult or child NRM case, referred three weeks ago and still waiting for its
  reasonable grounds decision (so it is overdue, and every decision page is open);
* ``review_case``: the same kind of case with a negative reasonable grounds decision awaiting
  a second review (``review_decision``);
* ``dtn``: a Duty to Notify report by the same first responder;
* ``candidate``: a pending possible match between the two cases' people;
* three cases of the same kind whose people were identified as victims (positive conclusive
  grounds) eleven months ago: ``fresh_case`` (nothing more), ``permit_case`` (a residence permit
  granted then, now due for renewal, with a written explanation that is a marker) and
  ``applied_case`` (a permit application awaiting a decision).

A child slot's open case also has a safeguarding record (``palermo.children``): a named person, a
current care placement (``placement``), an open missing episode (``episode``) and a grading, whose
free text carries markers too. Its review case has none of these, so reporting it missing, placing
it and assessing its age can succeed.

Three more slots are about victim support: their ``case`` has a positive reasonable grounds
decision (its written reasons are a marker too) and is placed with the Salvation Army
(``support_placement``), placed with the Poppy Project, or waiting for a place (``waiting``).

Every person has a name, date of birth and narrative seen nowhere else (``markers``), so a
response that shows any of them can be traced to the slot it leaked from.

A column's user who may refer has saved one referral draft (``drafts``), and a helper at the
Metropolitan Police one (``other_draft``): the draft routes use ``own`` and ``none`` like the jobs.

Each column's user also has one notification addressed to them (``notifications``), and a helper
has one (``other_notification``): the notification routes are checked with the relations
``recipient`` (addressed to the user) and ``none`` (addressed to someone else). Likewise each has
started one finished bulletin job (``jobs``) and a helper one (``other_job``): the job routes are
checked with the relations ``own`` (started by the user) and ``none`` (started by someone else).

How a slot relates to a user (``relation``) is worked out from the records, not written by hand:
the first that holds of own record, own organisation's, routed to my competent authority, a child
case my local authority leads, placed with my organisation, placed with another provider (when I
work for a provider), awaiting a place under a contract my organisation holds as prime contractor,
another organisation of my kind's, none of these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.test.utils import override_settings
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import ApiToken, Membership, Organisation, User
from palermo.demo import organisations_load
from palermo.linkage.models import LinkCandidate
from palermo.notifications.models import Notification
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn, ReferralIn
from palermo.support.models import Capacity, Contract, ProviderProfile
from palermo.support.reference import reference_load
from palermo.support.rules import PLACEABLE_STATUSES

PASSWORD = "matrix-password-2026"

#: The roles of the matrix's columns, each held by one user at one organisation.
ROLE_USERS = {
    R.FIRST_RESPONDER: ("m.responder", "MET"),
    R.DECISION_MAKER: ("m.decider", "SCA"),
    R.REVIEWER: ("m.reviewer", "SCA"),
    R.CHILDRENS_SERVICES: ("m.children", "HILLINGDON"),
    R.SUPPORT_WORKER: ("m.support", "SALVARMY"),
    R.INTELLIGENCE_OFFICER: ("m.intel", "UKHTC"),
    R.ANALYST: ("m.analyst", "STATS"),
    R.MONITOR: ("m.monitor", "RAPPORTEUR"),
    R.ADMINISTRATOR: ("m.admin", "CARDIFF"),
    R.TEAM_LEADER: ("m.lead", "SCA"),
}
NO_ROLE, ANONYMOUS = "no_role", "anonymous"
COLUMNS = [*ROLE_USERS, NO_ROLE, ANONYMOUS]

#: Other people who refer and decide (never a column).
HELPERS = {
    "met2": (R.FIRST_RESPONDER, "MET"),
    "gmp": (R.FIRST_RESPONDER, "GMP"),
    "hill": (R.FIRST_RESPONDER, "HILLINGDON"),
    "salv": (R.FIRST_RESPONDER, "SALVARMY"),
    "poppy": (R.FIRST_RESPONDER, "POPPY"),
    "sca": (R.DECISION_MAKER, "SCA"),
    "salvalloc": (R.SUPPORT_WORKER, "SALVARMY"),
    "ieca": (R.DECISION_MAKER, "IECA"),
    "hill_cs": (R.CHILDRENS_SERVICES, "HILLINGDON"),
    "cardiff_cs": (R.CHILDRENS_SERVICES, "CARDIFF"),
    "ukhtc_intel": (R.INTELLIGENCE_OFFICER, "UKHTC"),
    "met_intel": (R.INTELLIGENCE_OFFICER, "MET"),
}

# slot: (referred by, child's local authority or None for an adult, immigration enforcement)
SLOTS = {
    "met_own": ("m.responder", None, False),
    "met_colleague": ("met2", None, False),
    "gmp_ieca": ("gmp", None, True),
    "child_hillingdon": ("gmp", "HILLINGDON", False),
    "child_cardiff": ("gmp", "CARDIFF", False),
    "hillingdon_adult": ("hill", None, True),
    "salvation_army": ("salv", None, True),
    "poppy": ("poppy", None, True),
    # victim support: placed with the Salvation Army, placed with the Poppy Project, waiting
    "placed_salvarmy": ("gmp", None, False),
    "placed_poppy": ("gmp", None, False),
    "awaiting_place": ("gmp", None, False),
}
#: Support slots: where the person is placed (None: on the waiting list), and the exploitation.
SUPPORT_SLOTS = {"placed_salvarmy": ("SALVARMY", ["labour"]), "placed_poppy": ("POPPY", ["sexual"]),
                 "awaiting_place": (None, ["labour"])}

# Synthetic markers, one family name per person (two people a slot), unlike any real name.
FAMILY = {
    "met_own": ("Quarrendon", "Quarrendale"), "met_colleague": ("Wythenbury", "Wythenholt"),
    "gmp_ieca": ("Ozzlethorpe", "Ozzlemere"), "child_hillingdon": ("Fennimorrow", "Fennimarsh"),
    "child_cardiff": ("Brackwhistle", "Brackwater"), "hillingdon_adult": ("Glimmerdew", "Glimmerholt"),
    "salvation_army": ("Thistlewaite", "Thistlemoor"), "poppy": ("Pennyroyce", "Pennyrake"),
    "placed_salvarmy": ("Larkspindle", "Larkspurrow"), "placed_poppy": ("Merriwhistle", "Merriwether"),
    "awaiting_place": ("Nettlecombe", "Nettlebrook"),
}
RELATIONS = ["own", "own_org", "routed", "child_la", "placed", "placed_other", "awaiting", "other_org", "none",
             "recipient", "permitted", "restricted"]

#: Intelligence reports (palermo.intelligence), each mentioning a vehicle of its own: submitted by
#: (helper), grading, organisations named. Relation to a column's user: ``own_org`` (their
#: organisation submitted it), ``permitted`` (its handling code shares it with them), ``restricted``.
INTEL_SLOTS = {
    "intel_ukhtc": ("ukhtc_intel", ("A", "1", "1"), []),  # 5x5x5 code 1: every intelligence organisation
    "intel_met_named": ("met_intel", ("B", "2", "5"), ["UKHTC"]),  # code 5, UKHTC named
    "intel_met_only": ("met_intel", ("B", "2", "4"), []),  # code 4: the Metropolitan Police only
}


@dataclass
class Slot:
    name: str
    case: object
    review_case: object
    review_decision: object
    dtn: object
    candidate: object
    fresh_case: object = None
    permit_case: object = None
    applied_case: object = None
    markers: list[str] = field(default_factory=list)
    placement: object = None  # a child slot's current care placement
    episode: object = None  # a child slot's open missing episode
    support_placement: object = None  # the open support placement of ``case``'s person (support slots)
    waiting: object = None  # the open waiting-list entry of ``case``'s person

    @property
    def name_marker(self) -> str:
        """The family name of ``case``'s person: what a support record may show its provider."""
        return self.markers[0]


@dataclass
class NoteSlot:
    """A notification the notification routes are checked with (no person's details in it)."""

    name: str
    notification: object
    markers: list[str] = field(default_factory=list)


@dataclass
class JobSlot:
    """A background job the job routes are checked with (counts only, no person's details)."""

    name: str
    job: object
    markers: list[str] = field(default_factory=list)


@dataclass
class IntelSlot:
    """An intelligence report and the vehicle it mentions; its text and plate are markers."""

    name: str
    report: object
    entity: object
    markers: list[str] = field(default_factory=list)
    phone: str = ""  # not a marker: the searches send it, and the search page shows it back
    group: object = None  # an organised crime group the report mentions (its name is not a marker)
    proposal: object = None  # a match proposal between the two people of the report's name


@dataclass
class JusticeSlot:
    """A prosecution (palermo.justice) recorded by one organisation's intelligence officer, with one
    charge still to be decided. Its defendant is an intelligence slot's suspect (an intel marker)."""

    name: str
    prosecution: object
    charge: object
    markers: list[str] = field(default_factory=list)


@dataclass
class OperationSlot:
    """An operation (palermo.operations) and an arrest in it. Relations: ``own_org`` (the column
    user's organisation leads or takes part in it), ``none`` (it does not). No person data."""

    name: str
    operation: object
    arrest: object
    markers: list[str] = field(default_factory=list)  # an operation holds no person data


@dataclass
class Universe:
    users: dict[str, User]  # column -> user (no anonymous)
    helpers: dict[str, User]
    tokens: dict[str, str]  # column -> raw API token
    slots: dict[str, Slot]
    orgs: dict[str, Organisation]
    notifications: dict[str, object] = field(default_factory=dict)  # column -> a notification to them
    other_notification: object = None  # addressed to a helper, never to a column's user
    jobs: dict[str, object] = field(default_factory=dict)  # column -> a finished bulletin job they started
    other_job: object = None  # started by a helper, never by a column's user
    intel: dict[str, IntelSlot] = field(default_factory=dict)
    justice: dict[str, JusticeSlot] = field(default_factory=dict)

    def justice_relation(self, column: str, slot: JusticeSlot) -> str:
        """``own_org`` when the column's user belongs to the organisation that recorded the
        prosecution, else ``none`` (a prosecution is its recording organisation's)."""
        user = self.users.get(column)
        orgs = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True)) if user else set()
        return "own_org" if slot.prosecution.organisation_id in orgs else "none"

    operations: dict[str, OperationSlot] = field(default_factory=dict)

    def operation_relation(self, column: str, slot: OperationSlot) -> str:
        """``own_org`` if the column user's organisation leads or takes part in the operation."""
        user = self.users.get(column)
        orgs = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True)) if user else set()
        op = slot.operation
        taking_part = {op.lead_organisation_id, *op.participating_organisations.values_list("pk", flat=True)}
        return "own_org" if orgs & taking_part else "none"

    drafts: dict[str, object] = field(default_factory=dict)  # column -> a referral draft they saved (referrers only)
    other_draft: object = None  # saved by a helper, never by a column's user

    def intel_relation(self, column: str, slot: IntelSlot) -> str:
        """How an intelligence report relates to the column's user (its handling code decides)."""
        from palermo.intelligence.selectors import report_scope_q

        user = self.users.get(column)
        orgs = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True)) if user else []
        if slot.report.submitting_organisation_id in orgs:
            return "own_org"
        scope = type(slot.report).objects.filter(report_scope_q(orgs), pk=slot.report.pk)
        return "permitted" if scope.exists() else "restricted"

    def relation(self, column: str, slot: Slot) -> str:
        """How ``slot`` relates to the user of ``column`` (see the module docstring)."""
        user = self.users.get(column)
        memberships = list(Membership.objects.filter(user=user).select_related("organisation")) if user else []
        orgs = {m.organisation_id for m in memberships}
        kinds = {m.organisation.kind for m in memberships}
        ref, case = slot.case.referral, slot.case
        if user is not None and ref.officer_id == user.pk:
            return "own"
        if ref.first_responder_org_id in orgs:
            return "own_org"
        if case.competent_authority_id in orgs:
            return "routed"
        if ref.is_child and ref.local_authority_id in orgs:
            return "child_la"
        placement = case.placements.filter(end_on__isnull=True).first()
        if placement is not None and placement.provider_id in orgs:
            return "placed"
        if placement is not None and ProviderProfile.objects.filter(organisation__in=orgs).exists():
            return "placed_other"
        if placement is None and case.status in PLACEABLE_STATUSES and not ref.is_child and any(
                c.in_force_on(timezone.localdate()) and ref.nation in c.nations
                for c in Contract.objects.filter(prime__in=orgs)):
            return "awaiting"
        involved = [ref.first_responder_org, case.competent_authority] + ([ref.local_authority] if ref.is_child else [])
        if any(o.kind in kinds for o in involved):
            return "other_org"
        return "none"

    def slot_for(self, column: str, relation: str) -> Slot | None:
        """The first slot (in SLOTS order) that has ``relation`` to the column's user."""
        for slot in self.slots.values():
            if self.relation(column, slot) == relation:
                return slot
        return None

    def all_markers(self) -> dict[str, str]:
        return {m: name for name, s in self.slots.items() for m in s.markers}


def _user(username: str, role: str | None, org: Organisation | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name="Matrix", last_name=username)
    if role:
        Membership.objects.create(user=user, organisation=org, role=role)
        if role == R.ADMINISTRATOR:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user


def _identified(*, actor, family: str, la: str | None, immigration: bool, deciders: dict) -> object:
    """A case of the slot's kind whose person was identified as a victim (positive reasonable and
    conclusive grounds) about eleven months ago."""
    received = timezone.localdate() - dt.timedelta(days=340)
    case = _referral(actor=actor, family=family, received=received, la=la, immigration=immigration,
                     marker=f"{family}-narr").case
    decider = deciders["ieca" if case.competent_authority.code == "IECA" else "sca"]
    services.decision_record(actor=decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="positive", decided_on=received, reason_codes=["indicators_present"]))
    case.refresh_from_db()
    services.decision_record(actor=decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=case.cg_earliest, reason_codes=["credible_account"]))
    case.refresh_from_db()
    return case, decider


def _permit_cases(*, actor, fam: str, la: str | None, immigration: bool, deciders: dict):
    from palermo.permits import services as permits
    from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn

    fresh, _ = _identified(actor=actor, family=f"{fam}fresh", la=la, immigration=immigration, deciders=deciders)
    granted, decider = _identified(actor=actor, family=f"{fam}permit", la=la, immigration=immigration, deciders=deciders)
    applied, _ = _identified(actor=actor, family=f"{fam}applied", la=la, immigration=immigration, deciders=deciders)
    for case in (granted, applied):
        permits.permit_application_create(actor=decider, case=case, data=PermitApplicationIn(
            grounds=["cooperation_with_investigation"], investigation_reference="MATRIX/1", applied_on=case.cg_decided_on))
    permits.permit_decide(actor=decider, case=granted, data=PermitDecisionIn(
        outcome="granted", reason_codes=["cooperating_with_investigation"], decided_on=granted.cg_decided_on,
        reason_text=f"Synthetic permit reasons {fam}-permitwhy"))
    return fresh, granted, applied


def _referral(*, actor, family: str, received: dt.date, la: str | None, immigration: bool, consent="given",
              marker: str, exploitation: list[str] | None = None) -> object:
    person = {"given_name": "Ysolde", "family_name": family, "date_of_birth": "1990-02-03" if la is None else "2011-02-03",
              "dob_precision": "exact", "gender": "female", "nationalities": ["ALB"], "languages": [],
              "interpreter_needed": False, "contact_details": f"Synthetic contact {marker}"}
    payload = {
        "received_on": received.isoformat(), "nation": "england", "police_force_area": "metropolitan",
        "exploitation_location": "uk", "exploitation_types": exploitation or ["labour"], "indicators": ["debt_bondage"],
        "narrative": f"Synthetic narrative {marker}", "age_at_exploitation": "adult" if la is None else "child",
        "under_18": "no" if la is None else "yes", "consent": consent if la is None else "not_required",
        "immigration_enforcement": immigration, "person": person,
    }
    if la:
        payload["local_authority"] = la
    return services.referral_create(actor=actor, data=ReferralIn.model_validate(payload))


@override_settings(PALERMO_LINK_ON_REFERRAL=False)
def build() -> Universe:
    orgs = organisations_load()
    users = {col: _user(name, col, orgs[code]) for col, (name, code) in ROLE_USERS.items()}
    users[NO_ROLE] = _user("m.nobody", None, None)
    helpers = {name: _user(f"m.{name}", role, orgs[code]) for name, (role, code) in HELPERS.items()}
    by_name = {**{u.username: u for u in users.values()}, **helpers}
    tokens = {col: ApiToken.issue(user)[1] for col, user in users.items()}
    received = timezone.localdate() - dt.timedelta(days=21)  # its 5-working-day target has passed
    slots = {}
    reference_load(demo=False)
    support_places(women_only=1)
    for name, (referrer, la, immigration) in SLOTS.items():
        actor = by_name[referrer]
        fam_a, fam_b = FAMILY[name]
        exploitation = SUPPORT_SLOTS[name][1] if name in SUPPORT_SLOTS else None
        case = _referral(actor=actor, family=fam_a, received=received, la=la, immigration=immigration,
                         marker=f"{fam_a}-narr", exploitation=exploitation).case
        review_case = _referral(actor=actor, family=fam_b, received=received, la=la, immigration=immigration,
                                marker=f"{fam_b}-narr").case
        decider = helpers["ieca" if review_case.competent_authority.code == "IECA" else "sca"]
        decision = services.decision_record(actor=decider, case=review_case, data=DecisionIn(
            kind="reasonable_grounds", outcome="negative", decided_on=received + dt.timedelta(days=1),
            reason_codes=["no_means"], reason_text=f"Synthetic reasons {fam_b}-why"))
        dtn = None
        if la is None:
            dtn = _referral(actor=actor, family=f"{fam_a}dtn", received=received, la=None, immigration=immigration,
                            consent="refused", marker=f"{fam_a}-dtn").duty_to_notify
        pa, pb = sorted([case.referral.person, review_case.referral.person], key=lambda p: p.pk)
        cand = LinkCandidate.objects.create(person_a=pa, person_b=pb, match_probability=0.9, match_weight=6.0,
                                            model_version="matrix", found_by="batch")
        fresh, granted, applied = _permit_cases(actor=actor, fam=fam_a, la=la, immigration=immigration,
                                                deciders={"sca": helpers["sca"], "ieca": helpers["ieca"]})
        markers = [fam_a, fam_b, f"{fam_a}dtn", f"{fam_a}-narr", f"{fam_b}-narr", f"{fam_b}-why",
                   f"{fam_a}fresh", f"{fam_a}permit", f"{fam_a}applied", f"{fam_a}-permitwhy"]
        slot = Slot(name, case, review_case, decision, dtn, cand, fresh, granted, applied, markers)
        if la:
            _child_record(slot, helpers["hill_cs" if la == "HILLINGDON" else "cardiff_cs"], received, fam_a)
        if name in SUPPORT_SLOTS:
            _support(slot, helpers, received, SUPPORT_SLOTS[name][0])
        slots[name] = slot
    # A place frees up today, so the person waiting can be placed (the matching pages' writes).
    support_places(women_only=3, since=timezone.localdate())
    notes = {col: Notification.objects.create(recipient=user, kind="missing_episode_opened", reason="local_authority",
                                              object_type="matrix", object_id=col) for col, user in users.items()}
    other = Notification.objects.create(recipient=helpers["sca"], kind="missing_episode_opened", reason="decision_maker",
                                        object_type="matrix", object_id="helper")
    jobs = {col: _finished_bulletin_job(user) for col, user in users.items()}
    other_job = _finished_bulletin_job(helpers["sca"])
    drafts = {col: _draft(user) for col, user in users.items() if user.has_perm("nrm.create_referral")}
    return Universe(users=users, helpers=helpers, tokens=tokens, slots=slots, orgs=orgs, notifications=notes,
                    other_notification=other, jobs=jobs, other_job=other_job, intel=(intel := _intel(helpers)),
                    justice=_justice(helpers, intel),
                    operations=_operations(helpers, orgs),
                    drafts=drafts, other_draft=_draft(helpers["met2"]))



def _draft(user):
    """A referral saved part-way by ``user`` (only someone who may refer can save one)."""
    from palermo.drafts.services import referral_draft_save

    return referral_draft_save(actor=user, draft_id=None, answers={"where": {"nation": "england"}},
                               step="under-18", section=1)


def _finished_bulletin_job(user):
    """A finished bulletin job of ``user``'s with its (tiny) files, as an analyst's would be."""
    from palermo.jobs.kinds import job_folder
    from palermo.jobs.models import SUCCEEDED, Job

    job = Job.objects.create(kind="stats_bulletin", started_by=user, status=SUCCEEDED, done=2, total=2,
                             params={"from": "2025-01-01", "to": "2025-03-31"}, outcome={"files": 1},
                             finished_at=timezone.now())
    folder = job_folder(job) / "bulletin"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    return job


def _operations(helpers: dict, orgs: dict) -> dict[str, OperationSlot]:
    """Two operations in 2008: one led by UKHTC, one by the Metropolitan Police, each with an arrest."""
    import datetime as dt

    from palermo.operations.models import Arrest, Operation

    out = {}
    for name, who, code in (("op_ukhtc", "ukhtc_intel", "UKHTC"), ("op_met", "met_intel", "MET")):
        op = Operation.objects.create(reference=f"OP-2008-M{code}", name=f"Matrix operation {code}",
                                      starts_on=dt.date(2008, 1, 1), ends_on=dt.date(2008, 12, 31),
                                      lead_organisation=orgs[code], aims=[], aims_version="operations.aims@2006-02-21",
                                      created_by=helpers[who])
        arrest = Arrest.objects.create(operation=op, organisation=orgs[code], recorded_by=helpers[who],
                                       arrested_on=dt.date(2008, 3, 1), nation="england_wales")
        out[name] = OperationSlot(name, op, arrest)
    return out


def _intel(helpers: dict) -> dict[str, IntelSlot]:
    from palermo.intelligence.schemas import ReportIn
    from palermo.intelligence.services import report_create

    out = {}
    for i, (name, (who, (s, a, h), named)) in enumerate(INTEL_SLOTS.items()):
        marker, plate, suspect = f"Intelmarker{name.replace('_', '')}", f"ZQ{i}9 MTX", f"Suspect{name.replace('_', '')}"
        report = report_create(actor=helpers[who], data=ReportIn.model_validate({
            "reported_on": "2008-03-01", "source_evaluation": s, "intelligence_assessment": a, "handling_code": h,
            "handling_conditions": "Matrix conditions" if named else "", "permitted_organisations": named,
            "text": f"Synthetic {marker}", "entities": [{"kind": "person", "value": suspect}, {"kind": "vehicle", "value": plate},
                                                        {"kind": "phone", "value": f"0770090{i}999"},
                                                        {"kind": "ocg", "value": f"Matrix group {i}"},
                                                        # the same name again: a match proposal
                                                        {"kind": "person", "value": suspect}],
            "links": [{"source": 0, "target": 1, "kind": "uses"}]}))
        entity = report.mentions.order_by("id").first().entity
        group = report.mentions.get(entity__kind="ocg").entity
        from palermo.intelligence.models import MatchProposal

        people = report.mentions.filter(entity__kind="person").values("entity_id")
        proposal = MatchProposal.objects.get(a__in=people, b__in=people)
        out[name] = IntelSlot(name, report, entity, [marker, plate, suspect], f"0770090{i}999", group, proposal)
    return out


def _justice(helpers: dict, intel: dict[str, IntelSlot]) -> dict[str, JusticeSlot]:
    """One prosecution by the UKHTC (its suspect from ``intel_ukhtc``) and one by the Metropolitan
    Police (its suspect from ``intel_met_only``), each with one pending charge."""
    from palermo.justice.models import Charge
    from palermo.justice.schemas import ProsecutionIn
    from palermo.justice.services import prosecution_create

    out = {}
    for name, who, islot in (("justice_ukhtc", "ukhtc_intel", "intel_ukhtc"), ("justice_met", "met_intel", "intel_met_only")):
        p = prosecution_create(actor=helpers[who], data=ProsecutionIn.model_validate({
            "nation": "england_wales", "court_kind": "crown", "court_name": "Matrix Crown Court", "charged_on": "2008-06-01",
            "defendants": [{"entity_id": intel[islot].entity.pk, "charges": [
                {"offence_id": "SOA2003_s57", "offence_on": "2008-03-01"}]}]}))
        out[name] = JusticeSlot(name, p, Charge.objects.get(defendant__prosecution=p))
    return out


def _child_record(slot: Slot, la_user: User, received: dt.date, family: str) -> None:
    """The safeguarding record of a child slot's open case, kept by its local authority."""
    from palermo.children import services as child_services
    from palermo.children.schemas import GradingIn, MissingIn, NamedPersonIn, PlacementIn

    case = slot.case
    child_services.named_person_appoint(actor=la_user, case=case, data=NamedPersonIn(
        username=la_user.username, appointed_on=received))
    started = timezone.make_aware(dt.datetime.combine(received, dt.time(9, 0)))
    slot.placement = child_services.placement_start(actor=la_user, case=case, data=PlacementIn(
        new_setting_name=f"Matrix home {case.referral.local_authority.code}", new_setting_kind="childrens_home",
        started_at=started))
    slot.episode, _ = child_services.missing_episode_report(actor=la_user, case=case, data=MissingIn(
        went_missing_at=started + dt.timedelta(days=2), missing_from="placement",
        missing_from_detail=f"Synthetic {family}-missing"))
    child_services.grading_record(actor=la_user, case=case, data=GradingIn(
        level=4, graded_on=received, evidence_summary=f"Synthetic {family}-grade"))
    slot.markers += [f"{family}-missing", f"{family}-grade"]


def support_places(*, women_only: int, since: dt.date = dt.date(2011, 7, 1)) -> None:
    """Women-only places at the Salvation Army and the Poppy Project from ``since``."""
    for code in ("SALVARMY", "POPPY"):
        Capacity.objects.update_or_create(provider=ProviderProfile.objects.get(organisation__code=code),
                                          kind="women_only", starts_on=since,
                                          defaults={"places": women_only, "source": "matrix"})


def _support(slot: Slot, helpers: dict, received: dt.date, provider: str | None) -> None:
    """A positive reasonable grounds decision (its written reasons a marker), then a placement
    with ``provider`` or, with no place free, the waiting list."""
    from palermo.support import services as support_services
    from palermo.support.schemas import PlacementIn

    fam = slot.markers[0]
    services.decision_record(actor=helpers["sca"], case=slot.case, data=DecisionIn(
        kind="reasonable_grounds", outcome="positive", decided_on=received + dt.timedelta(days=1),
        reason_codes=["indicators_present"], reason_text=f"Synthetic reasons {fam}-rgwhy"))
    slot.markers.append(f"{fam}-rgwhy")
    slot.case.refresh_from_db()
    if provider:
        slot.support_placement = support_services.placement_create(
            actor=helpers["salvalloc"], case=slot.case,
            data=PlacementIn(provider=provider, kind="women_only", start_on=received + dt.timedelta(days=2)))
    else:
        slot.waiting = support_services.waiting_list_join(actor=helpers["salvalloc"], case=slot.case)
