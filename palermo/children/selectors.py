"""Every read of the children's records. Scope comes from ``children.rules``: lists filter by
``board_scope_q`` / ``record_scope_q``; one record is 404 when there is no such case and 403
(audited) outside scope. Showing the free text of a record (where a child went missing from, their
condition, a grading's evidence) is an access to personal data and is audited.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, QuerySet
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.children import policy
from palermo.children.models import (
    AgeAssessment,
    CarePlacement,
    DecisionLetter,
    MissingEpisode,
    NamedPerson,
    TraffickingGrading,
)
from palermo.children.rules import board_scope_q
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.nrm.models import Case
from palermo.people.countries import country_name

AGGREGATE_ROLES = (R.ANALYST, R.MONITOR)


def record_case_get_for_user(*, user, case_id: int) -> Case:
    """The case whose safeguarding record ``user`` asks for: NotFound if there is no such case,
    NotAllowed (audited) if its record is outside their scope."""
    case = (Case.objects.select_related("referral", "referral__person", "referral__local_authority",
                                        "referral__first_responder_org", "competent_authority")
            .filter(pk=case_id).first())
    if case is None:
        raise NotFound(f"There is no case {case_id}")
    if not user.has_perm("children.view_record", case):
        audit_record(actor=user, action="child.record_view_refused", obj=case)
        raise NotAllowed("This child's record is outside your scope")
    return case


# --- the children's board -------------------------------------------------------------------


def child_case_list_for_user(*, user) -> QuerySet[Case]:
    """The child cases the user's local authority leads, with what the board shows prefetched:
    the current named person and placement, open missing episodes and the latest grading."""
    return (
        Case.objects.filter(board_scope_q(user))
        .select_related("referral", "referral__person", "referral__local_authority", "competent_authority")
        .prefetch_related(
            Prefetch("named_persons", queryset=NamedPerson.objects.filter(ended_on__isnull=True).select_related("user"),
                     to_attr="current_named"),
            Prefetch("care_placements", queryset=CarePlacement.objects.filter(ended_at__isnull=True).select_related("setting"),
                     to_attr="current_placements"),
            Prefetch("missing_episodes", queryset=MissingEpisode.objects.filter(returned_at__isnull=True),
                     to_attr="open_episodes"),
            Prefetch("trafficking_gradings", queryset=TraffickingGrading.objects.order_by("-graded_on", "-id"),
                     to_attr="gradings_newest_first"),
        )
        .annotate(episode_count=Count("missing_episodes", distinct=True))
        .order_by("-referral__received_on", "-id")
    )


def board_row(case: Case) -> dict:
    """One row of the board (and of the CSV export): codes, references, dates and counts — no
    identity and no free text."""
    named = case.current_named[0] if case.current_named else None
    placement = case.current_placements[0] if case.current_placements else None
    grading = case.gradings_newest_first[0] if case.gradings_newest_first else None
    person = case.referral.person
    return {
        "case_id": case.pk,
        "reference": case.referral.reference,
        "person_reference": person.pseudonym if person else "",
        "nationalities": person.nationalities if person else [],
        "status": case.status,
        "local_authority": case.referral.local_authority.code if case.referral.local_authority else "",
        "named_person": named.user.get_full_name() or named.user.username if named else "",
        "named_person_username": named.user.username if named else "",
        "named_person_since": named.appointed_on if named else None,
        "placement_setting": placement.setting.name if placement else "",
        "placement_kind": placement.setting.kind if placement else "",
        "placement_since": placement.started_at if placement else None,
        "missing_now": bool(case.open_episodes),
        "missing_since": case.open_episodes[0].went_missing_at if case.open_episodes else None,
        "missing_episodes": case.episode_count,
        "latest_grading": grading.level if grading else None,
        "latest_grading_text": policy.level_text(grading.level, grading.graded_on) if grading else "",
        "latest_grading_on": grading.graded_on if grading else None,
    }


def open_episodes_for_user(*, user) -> QuerySet[MissingEpisode]:
    """Children reported missing now, from the cases on the user's board, longest missing first."""
    return (MissingEpisode.objects.filter(returned_at__isnull=True).filter(board_scope_q(user, prefix="case__"))
            .select_related("case", "case__referral", "placement", "placement__setting")
            .order_by("went_missing_at", "id"))


def board_counts_for_user(*, user) -> dict[str, int]:
    """For the dashboard: child cases on the board, children missing now, and cases with no named person."""
    cases = Case.objects.filter(board_scope_q(user))
    return {
        "child_cases": cases.count(),
        "missing_now": open_episodes_for_user(user=user).count(),
        "without_named_person": cases.exclude(
            pk__in=NamedPerson.objects.filter(ended_on__isnull=True).values("case_id")).count(),
    }


# --- one child's record -----------------------------------------------------------------------


def child_record_for_user(*, user, case: Case, purpose: str = "view") -> dict:
    """Everything on the child's safeguarding record the user may see. Reading it shows free text
    about the child, so it is audited (``child.record_view``) — the caller has already checked
    ``children.view_record`` (``record_case_get_for_user``)."""
    ref = case.referral
    named = NamedPerson.objects.filter(case=case).select_related("user", "appointed_by").order_by("-appointed_on", "-id")
    episodes = list(MissingEpisode.objects.filter(case=case).select_related("placement__setting", "reported_by")
                    .order_by("-went_missing_at", "-id"))
    placements = list(CarePlacement.objects.filter(case=case).select_related("setting").order_by("-started_at", "-id"))
    gradings = list(TraffickingGrading.objects.filter(case=case).select_related("graded_by", "organisation")
                    .order_by("-graded_on", "-id"))
    assessments = list(AgeAssessment.objects.filter(case=case).select_related(
        "assessed_by", "local_authority_before", "local_authority_after", "competent_authority_before",
        "competent_authority_after", "recorded_by").order_by("-assessed_on", "-id"))
    letters = list(DecisionLetter.objects.filter(case=case).select_related("decision").prefetch_related(
        "recipients", "recipients__organisation", "recipients__user", "recipients__person").order_by("-issued_on", "-id"))
    audit_record(actor=user, action="child.record_view", obj=case, detail={
        "case_id": case.pk, "purpose": purpose, "episodes": len(episodes), "gradings": len(gradings)})
    current_named = next((n for n in named if n.ended_on is None), None)
    child_since = next((a.assessed_on for a in assessments), None)
    return {
        "case_id": case.pk,
        "reference": ref.reference,
        "person_reference": ref.person.pseudonym if ref.person else "",
        "child": ref.is_child,
        "under_18": ref.under_18,
        "age_since": child_since,
        "status": case.status,
        "local_authority": ref.local_authority,
        "competent_authority": case.competent_authority,
        "named_person": current_named,
        "named_person_history": [n for n in named if n.ended_on is not None],
        "placements": placements,
        "current_placement": next((p for p in placements if p.ended_at is None), None),
        "episodes": episodes,
        "open_episode": next((e for e in episodes if e.returned_at is None), None),
        "gradings": [{"grading": g, "text": policy.level_text(g.level, g.graded_on)} for g in gradings],
        "assessments": assessments,
        "letters": letters,
    }


def record_out(record: dict) -> dict:
    """The record as JSON for the API (ids, codes, dates and the free text the user may see)."""
    def dt_(v):
        return v.isoformat() if v else None

    def user_(u):
        return {"username": u.username, "name": u.get_full_name() or u.username} if u else None

    named = record["named_person"]
    return {
        "case_id": record["case_id"], "reference": record["reference"], "person_reference": record["person_reference"],
        "child": record["child"], "under_18": record["under_18"], "status": record["status"],
        "local_authority": record["local_authority"].code if record["local_authority"] else None,
        "competent_authority": record["competent_authority"].code,
        "named_person": {**user_(named.user), "appointed_on": dt_(named.appointed_on)} if named else None,
        "named_person_history": [{**user_(n.user), "appointed_on": dt_(n.appointed_on), "ended_on": dt_(n.ended_on),
                                  "end_reason": n.end_reason} for n in record["named_person_history"]],
        "placements": [{"id": p.pk, "setting": p.setting.name, "setting_kind": p.setting.kind,
                        "started_at": dt_(p.started_at), "ended_at": dt_(p.ended_at), "end_reason": p.end_reason or None}
                       for p in record["placements"]],
        "missing_episodes": [episode_out(e) for e in record["episodes"]],
        "gradings": [{"id": g["grading"].pk, "level": g["grading"].level, "level_text": g["text"],
                      "graded_on": dt_(g["grading"].graded_on), "graded_by": user_(g["grading"].graded_by),
                      "organisation": g["grading"].organisation.code, "evidence_summary": g["grading"].evidence_summary}
                     for g in record["gradings"]],
        "age_assessments": [{
            "id": a.pk, "assessed_on": dt_(a.assessed_on), "assessed_by": a.assessed_by.code, "claimed_age": a.claimed_age,
            "assessed_age": a.assessed_age, "outcome": a.outcome, "adult_consent": a.adult_consent or None,
            "under_18": [a.under_18_before, a.under_18_after], "consent": [a.consent_before, a.consent_after],
            "local_authority": [getattr(a.local_authority_before, "code", None), getattr(a.local_authority_after, "code", None)],
            "competent_authority": [a.competent_authority_before.code, a.competent_authority_after.code],
            "status": [a.status_before, a.status_after], "rule": a.rule_version} for a in record["assessments"]],
        "decision_letters": [letter_out(lt) for lt in record["letters"]],
    }


def episode_out(e: MissingEpisode) -> dict:
    def dt_(v):
        return v.isoformat() if v else None

    return {"id": e.pk, "open": e.returned_at is None, "went_missing_at": dt_(e.went_missing_at),
            "placement_id": e.placement_id, "missing_from": e.missing_from, "missing_from_detail": e.missing_from_detail,
            "reported_to_police_at": dt_(e.reported_to_police_at), "police_reference": e.police_reference or None,
            "returned_at": dt_(e.returned_at), "found_where": e.found_where or None, "found_detail": e.found_detail,
            "return_condition": e.return_condition}


def letter_out(letter: DecisionLetter) -> dict:
    recipients = []
    for r in letter.recipients.all():
        if r.kind == "local_authority":
            recipients.append({"kind": r.kind, "organisation": r.organisation.code})
        elif r.kind == "named_person":
            recipients.append({"kind": r.kind, "username": r.user.username, "organisation": r.organisation.code})
        else:
            recipients.append({"kind": r.kind, "person_reference": r.person.pseudonym})
    d = letter.decision
    return {"decision_id": d.pk, "kind": d.kind, "outcome": d.outcome, "issued_on": letter.issued_on.isoformat(),
            "for_child": letter.for_child, "named_person_missing": letter.named_person_missing, "recipients": recipients}


# --- time from placement to first missing episode -------------------------------------------


@dataclass
class StatRow:
    label: str
    placements: int
    went_missing: int
    within: list[int]  # one count per band: first missing episode within the band's hours
    median_hours: float | None
    combined: bool = False  # the row for groups too small to show on their own


@dataclass
class MissingStatistics:
    scope: str  # "local_authority" (exact counts) or "national" (aggregates only)
    minimum: int
    minimum_version: str
    bands: list[policy.Band]
    bands_version: str
    by_setting: list[StatRow] = field(default_factory=list)
    by_nationality: list[StatRow] = field(default_factory=list)
    total: StatRow | None = None

    def shown(self, count: int) -> str:
        """A count as the page shows it: exact for the local authority's own children; for
        aggregate roles, a count from 1 to minimum - 1 is "fewer than N" (it could point to a child)."""
        if self.scope == "national" and 0 < count < self.minimum:
            return f"fewer than {self.minimum}"
        return str(count)

    def share(self, part: int, whole: int) -> str:
        """A percentage, only when it rests on at least ``minimum`` children — and, for aggregate
        roles, only when the count it comes from is shown too (a share of a hidden count would
        give the count away)."""
        if whole < self.minimum or self.shown(part) != str(part):
            return ""
        return f"{round(100 * part / whole)}%"


def missing_statistics_scope(user) -> str:
    if user.has_role(R.CHILDRENS_SERVICES):
        return "local_authority"
    if user.has_role(*AGGREGATE_ROLES):
        return "national"
    return "none"


def placement_firsts(placements: QuerySet[CarePlacement]) -> list[tuple[CarePlacement, float | None]]:
    """Each placement with the hours from its start to the first missing episode from it (None
    when the child has not gone missing from it)."""
    firsts = dict(MissingEpisode.objects.filter(placement__in=placements).values("placement_id")
                  .annotate(first=Min("went_missing_at")).values_list("placement_id", "first"))
    out = []
    for p in placements:
        first = firsts.get(p.pk)
        out.append((p, (first - p.started_at).total_seconds() / 3600 if first else None))
    return out


def _row(label: str, items: list[tuple[CarePlacement, float | None]], bands: list[policy.Band], minimum: int,
         combined: bool = False) -> StatRow:
    hours = [h for _, h in items if h is not None]
    return StatRow(label=label, placements=len(items), went_missing=len(hours),
                   within=[sum(1 for h in hours if h <= b.hours) for b in bands],
                   median_hours=round(statistics.median(hours), 1) if len(hours) >= minimum else None,
                   combined=combined)


def _grouped(items, key, bands, minimum, other_label: str) -> list[StatRow]:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item[0])].append(item)
    rows, small = [], []
    for label in sorted(groups):
        if len(groups[label]) >= minimum:
            rows.append(_row(label, groups[label], bands, minimum))
        else:
            small.extend(groups[label])
    rows.sort(key=lambda r: (-r.placements, r.label))
    if small:
        rows.append(_row(other_label, small, bands, minimum, combined=True))
    return rows


def missing_statistics_for_user(*, user, today: dt.date | None = None) -> MissingStatistics:
    """Time from a care placement starting to the child's first missing episode from it, by care
    setting and by nationality (seed note §6: at least 77 children went missing from one home,
    "most within a week and many within 24 hours").

    Scope: children's services see their local authority's placements with exact counts;
    analysts and monitors see every placement as aggregates. Small numbers (the dated parameter
    ``children.statistics_minimum_count``): a setting or nationality with fewer placements is
    combined into one "other" row; a percentage or median resting on fewer is not shown; and for
    aggregate roles a count below it reads "fewer than N"."""
    today = today or timezone.localdate()
    scope = missing_statistics_scope(user)
    if scope == "none":
        raise NotAllowed("Your role does not include statistics on children missing from care")
    minimum, minimum_version = policy.statistics_minimum_count(today)
    bands, bands_version = policy.missing_time_bands(today)
    placements = CarePlacement.objects.select_related("setting", "local_authority", "case__referral__person")
    if scope == "local_authority":
        placements = placements.filter(local_authority__in=user.organisations_for(R.CHILDRENS_SERVICES))
    items = placement_firsts(placements.order_by("id"))
    stats = MissingStatistics(scope=scope, minimum=minimum, minimum_version=minimum_version, bands=bands,
                              bands_version=bands_version)

    def setting_label(p: CarePlacement) -> str:
        return p.setting.name if scope == "local_authority" else f"{p.setting.name} ({p.local_authority.name})"

    def nationality_label(p: CarePlacement) -> str:
        person = p.case.referral.person
        codes = person.nationalities if person else []
        return country_name(codes[0]) if codes else "Not known"

    stats.by_setting = _grouped(items, setting_label, bands, minimum, f"Other settings (each with fewer than {minimum} placements)")
    stats.by_nationality = _grouped(items, nationality_label, bands, minimum,
                                    f"Other nationalities (each with fewer than {minimum} placements)")
    stats.total = _row("All placements", items, bands, minimum)
    audit_record(actor=user, action="child.missing_statistics", object_type="children.careplacement",
                 detail={"scope": scope, "placements": len(items)})
    return stats

