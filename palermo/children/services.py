"""Every write to a child's safeguarding record.

Each service is keyword-only, takes the acting user, runs in one transaction with the case row
locked, checks permission and the state of the record, and writes its audit event (ids, codes and
counts only) in the same transaction. The pages and the API call these.

What an age assessment changes (``age_assessment_record``; docs/children.md):

* **a child assessed as an adult**: refused while the child is reported missing or still in a
  care placement (record the return, end the placement first: until then the local authority
  keeps the lead); refused when an exact date of birth says under 18. Otherwise, from the
  assessment date, the case is an adult's: the referral's "under 18" answer becomes "no", the
  local authority's children's services lose the case (scope follows ``under_18``), the named
  person's appointment ends, letters go to the person. An open case then needs the adult's
  consent: given, it carries on (consent "given"); refused, it is withdrawn (reason
  ``adult_no_consent``). No answer is refused with a reason.
* **an adult assessed as a child**: a local authority must be named (refused without one); from
  the assessment date the case is a child's (``under_18`` "yes", consent "not required", the
  local authority leads); a named person is then needed and the board shows the gap.
* **either way**: the competent authority is worked out again by the dated routing rule for the
  referral's date with the new age (no rule routes by age today, so it stays); the person's
  assessed and claimed ages are updated; the referral's old values stay in its history and in
  the assessment's ``*_before`` columns.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Organisation
from palermo.children import policy
from palermo.children.models import (
    AgeAssessment,
    CarePlacement,
    CareSetting,
    DecisionLetter,
    LetterRecipient,
    MissingEpisode,
    NamedPerson,
    TraffickingGrading,
)
from palermo.children.schemas import (
    AgeAssessmentIn,
    GradingIn,
    MissingIn,
    NamedPersonIn,
    PlacementEndIn,
    PlacementIn,
    ReturnIn,
)
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.nrm import workflow
from palermo.nrm.models import Case, CaseTransition, Decision
from palermo.nrm.routing import competent_authority_for

ASSESSING_KINDS = {"local_authority", "border_agency"}


def _today() -> dt.date:
    return timezone.localdate()


def _lock(case: Case) -> Case:
    """Re-read the case inside the transaction, locked on PostgreSQL (SQLite's write lock is
    taken at BEGIN IMMEDIATE), so two people changing one child's record never interleave."""
    return (Case.objects.select_for_update(of=("self",))
            .select_related("referral", "referral__person", "referral__local_authority", "competent_authority")
            .get(pk=case.pk))


def _not_future(value, field: str, label: str) -> None:
    now = timezone.now() if isinstance(value, dt.datetime) else _today()
    if value > now:
        raise ValidationFailed(f"{label} is in the future", {field: f"{label} must be today or in the past"})


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _need_child_case(case: Case, what: str) -> None:
    if not case.referral.is_child:
        raise TransitionRefused(f"Cannot {what}: this case is an adult's (the person was assessed as 18 or over, "
                                f"or referred as an adult)")


# --- age assessments ------------------------------------------------------------------------


def _youngest_age_at(*, age: int, on: dt.date, at: dt.date) -> int:
    """The youngest age on ``at`` of someone aged ``age`` on ``on`` (born as late as possible:
    ``age`` years before ``on``). Retention reads a person's assessed age as their age on the
    referral date and keeps a child's record until they are 18, so it must never be overstated."""
    try:
        born = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        born = on.replace(year=on.year - age, day=28)
    return max(at.year - born.year - ((at.month, at.day) < (born.month, born.day)), 0)


@transaction.atomic
def age_assessment_record(*, actor, case: Case, data: AgeAssessmentIn) -> AgeAssessment:
    """Record an age assessment; the case follows the assessed age from its date (module doc)."""
    if not actor.has_perm("children.record_age_assessment", case):
        raise NotAllowed("Only the lead local authority's children's services, or a decision maker at the competent "
                         "authority this case is routed to, can record an age assessment")
    case = _lock(case)
    ref = case.referral
    _not_future(data.assessed_on, "assessed_on", "Date of the assessment")
    if data.assessed_on < ref.received_on:
        raise ValidationFailed("Assessment before referral", {
            "assessed_on": "Date of the assessment must be on or after the date the referral was received"})
    assessor = Organisation.objects.filter(code=data.assessed_by, kind__in=ASSESSING_KINDS).first()
    if assessor is None:
        raise ValidationFailed("Unknown assessor", {"assessed_by": "Select the local authority or agency that assessed the age"})
    latest = case.age_assessments.order_by("-assessed_on", "-id").first()
    if latest is not None and data.assessed_on < latest.assessed_on:
        raise TransitionRefused(f"Cannot record an assessment dated before the one of {latest.assessed_on:%-d %B %Y}: "
                                f"record assessments in the order they were made")
    majority = policy.age_of_majority(data.assessed_on)
    child_after = data.assessed_age < majority.value
    child_before = ref.is_child
    is_open = case.status in workflow.OPEN_STATUSES
    before = {"under_18": ref.under_18, "consent": ref.consent, "la": ref.local_authority,
              "ca": case.competent_authority, "status": case.status}
    person = ref.person
    adult_consent = ""
    la_after = ref.local_authority
    if child_before and not child_after:
        if case.missing_episodes.filter(returned_at__isnull=True).exists():
            raise TransitionRefused("Cannot record that the person is an adult while they are reported missing: record "
                                    "their return first (until then the local authority keeps the lead)")
        if case.care_placements.filter(ended_at__isnull=True).exists():
            raise TransitionRefused("Cannot record that the person is an adult while they are in a care placement: end "
                                    "the placement first (the local authority stops looking after them)")
        if person and person.date_of_birth and person.dob_precision == "exact":
            dob = person.date_of_birth
            on = data.assessed_on
            if on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day)) < majority.value:
                raise TransitionRefused("Cannot record that the person is an adult: their recorded exact date of birth "
                                        "shows they are under 18")
        if is_open:
            if data.adult_consent not in {"given", "refused"}:
                raise ValidationFailed("Consent needed", {"adult_consent": (
                    "Select whether the person consents to stay in the NRM: an adult's case needs their consent")})
            adult_consent = data.adult_consent
        ref.under_18 = "no"
        ref.consent = "given" if adult_consent != "refused" else "refused"
        for np in NamedPerson.objects.select_for_update().filter(case=case, ended_on__isnull=True):
            np.ended_on, np.end_reason = data.assessed_on, "assessed_adult"
            np.save(update_fields=["ended_on", "end_reason"])
    elif child_after and not child_before:
        if data.local_authority:
            la_after = Organisation.objects.filter(code=data.local_authority, kind="local_authority",
                                                   disabled_on__isnull=True).first()
            if la_after is None:
                raise ValidationFailed("Unknown local authority", {"local_authority": "Select the local authority that will lead"})
        if la_after is None:
            raise ValidationFailed("Local authority needed", {"local_authority": (
                "Select the local authority that will lead: a child's case needs one")})
        ref.under_18, ref.consent, ref.local_authority = "yes", "not_required", la_after
    elif child_after:
        ref.under_18 = "yes"  # "not sure" settled
    ref.save()  # the referral's history (django-simple-history) keeps the values before
    if person is not None:
        if data.claimed_age is not None:
            person.claimed_age = _youngest_age_at(age=data.claimed_age, on=data.assessed_on, at=ref.received_on)
        person.assessed_age = _youngest_age_at(age=data.assessed_age, on=data.assessed_on, at=ref.received_on)
        person.save()
    if is_open:
        authority, rt = competent_authority_for(on=ref.received_on, nationalities=person.nationalities if person else [],
                                                immigration_enforcement=ref.immigration_enforcement, child=child_after)
        if authority.pk != case.competent_authority_id:
            case.competent_authority, case.routing_version = authority, f"{rt.version}:{rt.rule}"
    if adult_consent == "refused":
        new = workflow.next_status(case.status, "withdraw")
        CaseTransition.objects.create(case=case, action="withdraw", from_status=case.status, to_status=new, actor=actor,
                                      on=data.assessed_on, reason_code="adult_no_consent")
        case.status, case.withdrawn_on, case.withdrawal_reason = new, data.assessed_on, "adult_no_consent"
    case.save()
    assessment = AgeAssessment.objects.create(
        case=case, claimed_age=data.claimed_age, assessed_age=data.assessed_age, assessed_on=data.assessed_on,
        assessed_by=assessor, outcome="child" if child_after else "adult", adult_consent=adult_consent,
        under_18_before=before["under_18"], under_18_after=ref.under_18, consent_before=before["consent"],
        consent_after=ref.consent, local_authority_before=before["la"], local_authority_after=ref.local_authority,
        competent_authority_before=before["ca"], competent_authority_after=case.competent_authority,
        status_before=before["status"], status_after=case.status, rule_version=majority.version, recorded_by=actor,
    )
    audit_record(actor=actor, action="child.age_assessment", obj=assessment, detail={
        "case_id": case.pk, "outcome": assessment.outcome, "under_18": [before["under_18"], ref.under_18],
        "consent": [before["consent"], ref.consent],
        "local_authority": [getattr(before["la"], "code", None), getattr(ref.local_authority, "code", None)],
        "competent_authority": [before["ca"].code, case.competent_authority.code],
        "status": [before["status"], case.status], "rule": majority.version})
    return assessment


# --- the named person -----------------------------------------------------------------------


def named_person_candidates(case: Case):
    """Who may be named: active members of the lead local authority's children's services."""
    return (get_user_model().objects.filter(
        is_active=True, memberships__role=R.CHILDRENS_SERVICES, memberships__organisation=case.referral.local_authority,
        memberships__organisation__disabled_on__isnull=True).distinct().order_by("last_name", "first_name", "username"))


@transaction.atomic
def named_person_appoint(*, actor, case: Case, data: NamedPersonIn) -> NamedPerson:
    """Name the person responsible for the child's care (seed note §6: the Home Affairs Committee's
    "specified person"); the previous appointment ends the same day."""
    if not actor.has_perm("children.keep_record", case):
        raise NotAllowed("Only the lead local authority's children's services can name the person responsible")
    case = _lock(case)
    _need_child_case(case, "name a person responsible for the child's care")
    _not_future(data.appointed_on, "appointed_on", "Date of the appointment")
    user = named_person_candidates(case).filter(username=data.username).first()
    if user is None:
        raise ValidationFailed("Not in children's services", {"username": (
            "Select a member of the lead local authority's children's services")})
    current = NamedPerson.objects.select_for_update().filter(case=case, ended_on__isnull=True).first()
    if current is not None:
        if current.user_id == user.pk:
            raise TransitionRefused("This person is already the person responsible for the child's care")
        if data.appointed_on < current.appointed_on:
            raise ValidationFailed("Before the current appointment", {"appointed_on": (
                f"Date of the appointment must be on or after {current.appointed_on:%-d %B %Y}, when the current "
                f"person was named")})
        current.ended_on, current.end_reason = data.appointed_on, "replaced"
        current.save(update_fields=["ended_on", "end_reason"])
    named = NamedPerson.objects.create(case=case, user=user, local_authority=case.referral.local_authority,
                                       appointed_on=data.appointed_on, appointed_by=actor)
    audit_record(actor=actor, action="child.named_person", obj=named,
                 detail={"case_id": case.pk, "user_id": user.pk, "replaced": current.pk if current else None})
    return named


def named_person_current(case: Case) -> NamedPerson | None:
    return NamedPerson.objects.filter(case=case, ended_on__isnull=True).select_related("user").first()


# --- care placements ------------------------------------------------------------------------


@transaction.atomic
def placement_start(*, actor, case: Case, data: PlacementIn) -> CarePlacement:
    """Record where the local authority placed the child, from when. The current placement, if
    any, must be ended first (one placement at a time)."""
    if not actor.has_perm("children.keep_record", case):
        raise NotAllowed("Only the lead local authority's children's services can record a care placement")
    case = _lock(case)
    _need_child_case(case, "record a care placement")
    started = _aware(data.started_at)
    _not_future(started, "started_at", "Date the placement started")
    la = case.referral.local_authority
    if data.setting_id:
        setting = CareSetting.objects.filter(pk=data.setting_id, local_authority=la).first()
        if setting is None:
            raise ValidationFailed("Unknown setting", {"setting_id": "Select one of the local authority's care settings"})
    else:
        name = data.new_setting_name.strip()
        errors = {}
        if not name:
            errors["new_setting_name"] = "Select a care setting or enter the name of a new one"
        if not data.new_setting_kind:
            errors["new_setting_kind"] = "Select what kind of setting the new one is"
        if errors:
            raise ValidationFailed("Setting needed", errors)
        setting, _ = CareSetting.objects.get_or_create(local_authority=la, name=name,
                                                       defaults={"kind": data.new_setting_kind})
    if CarePlacement.objects.filter(case=case, ended_at__isnull=True).exists():
        raise TransitionRefused("End the current placement first: a child has one care placement at a time")
    last = CarePlacement.objects.filter(case=case).order_by("-ended_at").first()
    if last is not None and last.ended_at and started < last.ended_at:
        raise ValidationFailed("Overlaps", {"started_at": (
            f"The placement must start after the last one ended ({timezone.localtime(last.ended_at):%-d %B %Y %H:%M})")})
    placement = CarePlacement.objects.create(case=case, setting=setting, local_authority=la, started_at=started,
                                             recorded_by=actor)
    audit_record(actor=actor, action="child.placement_start", obj=placement,
                 detail={"case_id": case.pk, "setting_id": setting.pk, "kind": setting.kind})
    return placement


@transaction.atomic
def placement_end(*, actor, case: Case, placement_id: int, data: PlacementEndIn) -> CarePlacement:
    if not actor.has_perm("children.keep_record", case):
        raise NotAllowed("Only the lead local authority's children's services can end a care placement")
    case = _lock(case)
    placement = CarePlacement.objects.select_for_update().filter(pk=placement_id, case=case).first()
    if placement is None:
        raise NotFound(f"Case {case.pk} has no placement {placement_id}")
    if placement.ended_at is not None:
        raise TransitionRefused("This placement has already ended")
    ended = _aware(data.ended_at)
    _not_future(ended, "ended_at", "Date the placement ended")
    if ended < placement.started_at:
        raise ValidationFailed("Before start", {"ended_at": "The placement must end after it started"})
    placement.ended_at, placement.end_reason = ended, data.end_reason
    placement.save(update_fields=["ended_at", "end_reason"])
    audit_record(actor=actor, action="child.placement_end", obj=placement,
                 detail={"case_id": case.pk, "reason": data.end_reason})
    return placement


# --- missing from care ----------------------------------------------------------------------


def new_request_key() -> str:
    """A key for one report-missing form: the form carries it, so sending it twice is one report."""
    return uuid.uuid4().hex


@transaction.atomic
def missing_episode_report(*, actor, case: Case, data: MissingIn) -> tuple[MissingEpisode, bool]:
    """Record that the child went missing, and alert — at once and exactly once — the lead local
    authority's children's services, the named person and the case's decision maker, in Palermo
    and by e-mail (``missing_alert_recipients``). Returns (episode, created).

    Exactly once: a retry with the same ``request_key`` returns the episode already recorded and
    alerts nobody again; a second report while the child is already missing (two people at once)
    is refused with a reason (the case row is locked, and a partial unique index allows one open
    episode per case)."""
    if not actor.has_perm("children.keep_record", case):
        raise NotAllowed("Only the lead local authority's children's services can report a child missing")
    key = data.request_key.strip() or None
    if key:
        earlier = MissingEpisode.objects.filter(request_key=key).first()
        if earlier is not None:
            if earlier.case_id != case.pk:
                raise ValidationFailed("Key used", {"request_key": "This request key belongs to another report"})
            return earlier, False
    case = _lock(case)
    if key and (earlier := MissingEpisode.objects.filter(request_key=key).first()) is not None:
        return earlier, False  # the first attempt committed while this one waited for the lock
    _need_child_case(case, "report a child missing")
    went = _aware(data.went_missing_at)
    _not_future(went, "went_missing_at", "Date the child went missing")
    police_at = _aware(data.reported_to_police_at) if data.reported_to_police_at else None
    if police_at is not None:
        _not_future(police_at, "reported_to_police_at", "Date reported to the police")
        if police_at < went:
            raise ValidationFailed("Police before missing", {
                "reported_to_police_at": "Date reported to the police must be on or after the date the child went missing"})
    open_now = MissingEpisode.objects.filter(case=case, returned_at__isnull=True).first()
    if open_now is not None:
        raise TransitionRefused(
            f"This child is already reported missing (since {timezone.localtime(open_now.went_missing_at):%-d %B %Y %H:%M}): "
            f"the alert has been sent. Record their return when they are found")
    # the placement the child was in then (if any): the statistic counts from its start
    placement = (CarePlacement.objects.filter(case=case, started_at__lte=went)
                 .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=went)).order_by("-started_at").first())
    try:
        with transaction.atomic():
            episode = MissingEpisode.objects.create(
                case=case, placement=placement, went_missing_at=went, missing_from=data.missing_from,
                missing_from_detail=data.missing_from_detail.strip(), reported_to_police_at=police_at,
                police_reference=data.police_reference.strip(), reported_by=actor, request_key=key)
    except IntegrityError:
        raise TransitionRefused("This child is already reported missing: the alert has been sent") from None
    recipients = missing_alert_recipients(case, exclude=actor)
    from palermo.notifications.services import notification_send

    sent = notification_send(actor=actor, kind="missing_episode_opened", case=case, obj=episode, recipients=recipients,
                             context={"went_missing_at": timezone.localtime(went)})
    audit_record(actor=actor, action="child.missing_report", obj=episode, detail={
        "case_id": case.pk, "placement_id": placement.pk if placement else None, "missing_from": data.missing_from,
        "police_reported": police_at is not None, "notified": len(sent)})
    return episode, True


def missing_alert_recipients(case: Case, *, exclude=None) -> dict:
    """Who is alerted when the child goes missing, each once, with why (the first that applies):

    * the named person (if active);
    * every active member of the lead local authority's children's services;
    * the case's decision maker: whoever recorded the latest decision on the case, while they are
      still a decision maker at the competent authority it is routed to; before any decision (or
      if they have moved on), every decision maker there, since the case is in their queue.

    The person who reported the child missing is not alerted of their own report."""
    users = get_user_model().objects.filter(is_active=True)
    out: dict = {}
    named = named_person_current(case)
    if named is not None and named.user.is_active:
        out[named.user] = "named_person"
    la = case.referral.local_authority
    if la is not None and la.disabled_on is None:
        for u in users.filter(memberships__role=R.CHILDRENS_SERVICES, memberships__organisation=la).distinct():
            out.setdefault(u, "local_authority")
    ca = case.competent_authority
    deciders = users.filter(memberships__role=R.DECISION_MAKER, memberships__organisation=ca,
                            memberships__organisation__disabled_on__isnull=True).distinct()
    latest = Decision.objects.filter(case=case).order_by("-decided_on", "-id").select_related("decided_by").first()
    if latest is not None and deciders.filter(pk=latest.decided_by_id).exists():
        out.setdefault(latest.decided_by, "decision_maker")
    else:
        for u in deciders:
            out.setdefault(u, "decision_maker")
    if exclude is not None:
        out = {u: why for u, why in out.items() if u.pk != exclude.pk}
    return out


@transaction.atomic
def missing_episode_return(*, actor, case: Case, episode_id: int, data: ReturnIn) -> MissingEpisode:
    """Record that the missing child was found or came back: when, where, their condition."""
    if not actor.has_perm("children.keep_record", case):
        raise NotAllowed("Only the lead local authority's children's services can record a child's return")
    case = _lock(case)
    episode = MissingEpisode.objects.select_for_update().filter(pk=episode_id, case=case).first()
    if episode is None:
        raise NotFound(f"Case {case.pk} has no missing episode {episode_id}")
    if episode.returned_at is not None:
        raise TransitionRefused("The return has already been recorded for this episode")
    returned = _aware(data.returned_at)
    _not_future(returned, "returned_at", "Date the child was found or returned")
    if returned < episode.went_missing_at:
        raise ValidationFailed("Before missing", {
            "returned_at": "Date the child was found or returned must be after they went missing"})
    if not data.return_condition.strip():
        raise ValidationFailed("Condition needed", {"return_condition": "Enter the child's condition on return"})
    if data.reported_to_police_at and episode.reported_to_police_at is None:
        police_at = _aware(data.reported_to_police_at)
        _not_future(police_at, "reported_to_police_at", "Date reported to the police")
        if police_at < episode.went_missing_at:
            raise ValidationFailed("Police before missing", {
                "reported_to_police_at": "Date reported to the police must be on or after the date the child went missing"})
        episode.reported_to_police_at = police_at
    if data.police_reference.strip() and not episode.police_reference:
        episode.police_reference = data.police_reference.strip()
    episode.returned_at, episode.found_where = returned, data.found_where
    episode.found_detail, episode.return_condition = data.found_detail.strip(), data.return_condition.strip()
    episode.return_recorded_by = actor
    episode.save()
    audit_record(actor=actor, action="child.missing_return", obj=episode, detail={
        "case_id": case.pk, "found_where": data.found_where,
        "hours_missing": int((returned - episode.went_missing_at).total_seconds() // 3600)})
    return episode


# --- trafficking-likelihood grading ---------------------------------------------------------


@transaction.atomic
def grading_record(*, actor, case: Case, data: GradingIn) -> TraffickingGrading:
    """Record how likely the grader judges it that the child was trafficked (CEOP's levels 1 to 5,
    seed note §6) and the evidence. An aid for people: it changes no status, deadline, decision or
    routing of the case."""
    if not actor.has_perm("children.record_grading", case):
        raise NotAllowed("Only the lead local authority's children's services, or a decision maker at the competent "
                         "authority this case is routed to, can record a grading")
    case = _lock(case)
    _need_child_case(case, "grade a child's case")
    _not_future(data.graded_on, "graded_on", "Date of the grading")
    if data.graded_on < case.referral.received_on:
        raise ValidationFailed("Before referral", {
            "graded_on": "Date of the grading must be on or after the date the referral was received"})
    levels, version = policy.grading_scale(data.graded_on)
    if data.level not in {lv.level for lv in levels}:
        raise ValidationFailed("Unknown level", {"level": "Select a level from 1 to 5"})
    if not data.evidence_summary.strip():
        raise ValidationFailed("Evidence needed", {"evidence_summary": "Enter the evidence the grading rests on"})
    orgs = actor.organisations_for(R.CHILDRENS_SERVICES, R.DECISION_MAKER)
    org_id = (case.referral.local_authority_id if case.referral.local_authority_id in orgs
              else case.competent_authority_id if case.competent_authority_id in orgs else orgs[0])
    grading = TraffickingGrading.objects.create(case=case, level=data.level, evidence_summary=data.evidence_summary.strip(),
                                                graded_on=data.graded_on, graded_by=actor, organisation_id=org_id,
                                                scale_version=version)
    audit_record(actor=actor, action="child.grading", obj=grading,
                 detail={"case_id": case.pk, "level": data.level, "scale": version})
    return grading


# --- decision letters -----------------------------------------------------------------------


def decision_letter_issue(*, actor, decision: Decision) -> DecisionLetter:
    """Record who the letter of ``decision`` goes to, when the decision takes effect (a positive
    decision or a reconsideration when it is recorded, a negative one when the reviewer agrees).

    For a child's case (as the case stands that day): the lead local authority and the named
    person, never the child — the database refuses a ``person`` recipient on a child's letter.
    For an adult's case: the person. Called by ``nrm.services`` inside the decision's transaction."""
    case = decision.case
    ref = case.referral
    existing = DecisionLetter.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    child = ref.is_child
    named = named_person_current(case) if child else None
    letter = DecisionLetter.objects.create(decision=decision, case=case, issued_on=decision.reviewed_on or decision.decided_on,
                                           for_child=child, named_person_missing=child and named is None)
    if child:
        if ref.local_authority_id:
            LetterRecipient(letter=letter, kind="local_authority", organisation_id=ref.local_authority_id).save()
        if named is not None:
            LetterRecipient(letter=letter, kind="named_person", user=named.user, organisation_id=named.local_authority_id).save()
    elif ref.person_id:
        LetterRecipient(letter=letter, kind="person", person_id=ref.person_id).save()
    audit_record(actor=actor, action="decision.letter", obj=letter, detail={
        "case_id": case.pk, "decision_id": decision.pk, "child": child,
        "recipients": sorted(letter.recipients.values_list("kind", flat=True)), "named_person_missing": letter.named_person_missing})
    return letter
