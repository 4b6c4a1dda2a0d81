"""What a case looks like to a given user: one function used by the API and the pages, so the
same person never sees more on one than on the other."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from palermo.core.aggregates import joined_rows, joined_values
from palermo.core.compiled import compiled_values
from palermo.law.retention import KINDS
from palermo.nrm import codes, workflow
from palermo.nrm.elements import case_elements_assessment
from palermo.nrm.models import CHILD_UNDER_18, Case, ReferralExploitationType
from palermo.nrm.rules import CaseScope, case_scope
from palermo.nrm.selectors import (
    CaseFilters,
    case_list_filtered,
    case_list_for_user,
    identity_for_user,
    next_due,
    working_days_left,
)


def actions_for_user(*, user, case: Case) -> list[str]:
    """The workflow actions this user may take on this case right now, and only those."""
    out = []
    decide = user.has_perm("nrm.decide_case", case)
    for action in workflow.allowed_actions(case.status):
        if action in {"rg_positive", "rg_negative", "cg_positive", "cg_negative", "reconsider_accept", "reconsider_refuse"}:
            if decide:
                out.append(action)
        elif action in {"review_agree", "review_return"}:
            pending = case.decisions.filter(state="awaiting_review").first()
            if pending and user.has_perm("nrm.review_decision", case) and pending.decided_by_id != user.pk:
                out.append(action)
        elif action == "withdraw" and user.has_perm("nrm.withdraw_case", case):
            out.append(action)
    return out


# What a list row reads: first-class columns only (nothing encrypted, nothing decoded from JSON).
SUMMARY_COLUMNS = {
    "id": "id", "status": "status", "rg_due": "rg_due", "cg_earliest": "cg_earliest",
    "reconsideration_deadline": "reconsideration_deadline", "ca": "competent_authority__code",
    "referral_id": "referral_id", "reference": "referral__reference",
    "external_reference": "referral__external_reference", "received_on": "referral__received_on",
    "nation": "referral__nation", "under_18": "referral__under_18", "pseudonym": "referral__person__pseudonym",
}


def case_summaries(qs, today: dt.date, *, start: int = 0, stop: int | None = None) -> list[dict]:
    """``case_summary`` of each case in ``qs[start:stop]`` (a ``case_list_for_user`` queryset),
    read as plain rows in one query, exploitation types included (``joined_rows``). Building
    model instances for a page of 50 (case, referral, person, two organisations and the types:
    ~300 objects with every column converted) cost most of ``GET /api/v1/cases`` (issue 12's
    benchmark); the answer is the same (tests/nrm/test_case_summaries.py)."""
    rows = list(_summary_rows(qs.select_related(None).prefetch_related(None))[start:stop])
    return [_summary_from_row(raw, today) for raw in rows]


def _summary_rows(qs):
    types = joined_rows(ReferralExploitationType, on="referral_id", outer=Case._meta.get_field("referral"), column="code")
    return qs.values(*SUMMARY_COLUMNS.values(), types=types)


def _summary_from_row(raw: dict, today: dt.date) -> dict:
    r = {key: raw[column] for key, column in SUMMARY_COLUMNS.items()}
    # next_due and working_days_left read these attributes only
    case = SimpleNamespace(status=r["status"], rg_due=r["rg_due"], cg_earliest=r["cg_earliest"],
                           reconsideration_deadline=r["reconsideration_deadline"],
                           referral=SimpleNamespace(nation=r["nation"]))
    nd = next_due(case)
    return {
        "id": r["id"],
        "reference": r["reference"],
        "external_reference": r["external_reference"],
        "status": r["status"],
        "status_label": workflow.STATUS_LABELS[r["status"]],
        "competent_authority": r["ca"],
        "received_on": r["received_on"],
        "nation": r["nation"],
        "child": r["under_18"] in CHILD_UNDER_18,
        "exploitation_types": joined_values(raw["types"]),
        "person_reference": r["pseudonym"],
        "next_due": {"kind": nd[0], "date": nd[1], "working_days_left": working_days_left(case, today)} if nd else None,
    }


# The filters a compiled page takes (``palermo.core.compiled``): each a value the ORM passes to
# the database unchanged. Any other (a name search, which is audited; a reference, matched in
# part; due dates; possible matches) goes through the ORM.
COMPILED_FILTERS = ("status", "competent_authority", "exploitation_type", "nation")


def case_page_for_user(*, user, filters: CaseFilters, start: int, stop: int,
                       today: dt.date | None = None) -> tuple[list[dict], int]:
    """One page of the user's list (``case_summaries`` of ``case_list_for_user(user, filters)
    [start:stop]``) and how many cases match, the same answer whichever way it is read
    (tests/nrm/test_case_page_compiled.py). The common lists, filtered by status, authority,
    exploitation type, nation or age group, run SQL compiled once per shape; the rest the ORM."""
    today = today or timezone.localdate()
    other = {name: value for name, value in vars(filters).items()
             if value and name not in COMPILED_FILTERS and name != "age_group"}
    if not other:
        scope = case_scope(user)
        chosen = tuple(name for name in COMPILED_FILTERS if getattr(filters, name))
        values = {"first_responder": scope.first_responder, "authority": scope.authority,
                  "childrens_services": scope.childrens_services,
                  **{name: getattr(filters, name) for name in chosen}}
        shape = (chosen, filters.age_group if filters.age_group in {"child", "adult"} else None)

        def build(v, *, counted: bool):
            f = CaseFilters(age_group=shape[1], **{name: v[name] for name in chosen})
            qs = case_list_filtered(CaseScope(v["first_responder"], v["authority"], v["childrens_services"]), f)
            return qs.order_by().values("id") if counted else _summary_rows(qs)

        page = compiled_values("case_page", shape, values, lambda v: build(v, counted=False))
        count = compiled_values("case_count", shape, values, lambda v: build(v, counted=True))
        if page is not None and count is not None:
            return ([_summary_from_row(raw, today) for raw in page.page(values, start=start, stop=stop)],
                    count.count(values))
    qs = case_list_for_user(user=user, filters=filters, today=today)
    return case_summaries(qs, today, start=start, stop=stop), qs.count()


def case_summary(case: Case, today: dt.date) -> dict:
    ref = case.referral
    nd = next_due(case)
    return {
        "id": case.pk,
        "reference": ref.reference,
        "external_reference": ref.external_reference,
        "status": case.status,
        "status_label": workflow.STATUS_LABELS[case.status],
        "competent_authority": case.competent_authority.code,
        "received_on": ref.received_on,
        "nation": ref.nation,
        "child": ref.is_child,
        "exploitation_types": ref.exploitation_types,
        "person_reference": ref.person.pseudonym if ref.person else None,
        "next_due": {"kind": nd[0], "date": nd[1], "working_days_left": working_days_left(case, today)} if nd else None,
    }


def retention_notice(referral) -> dict | None:
    """What to show instead of the identity once a retention rule removed it (palermo.retention):
    the day, the rule version and a plain sentence. None while the identity is held."""
    if referral.anonymised_on is None:
        return None
    rule_from = None
    if "@" in referral.retention_rule:
        rule_from = dt.date.fromisoformat(referral.retention_rule.rsplit("@", 1)[1])
    text = "Identity removed under the retention rule"
    if rule_from:
        text += f" of {rule_from:%-d %B %Y}"
    kind = KINDS.get(referral.retention_rule.split("@")[0].removeprefix("retention."))
    return {"anonymised_on": referral.anonymised_on, "rule": referral.retention_rule, "rule_from": rule_from,
            "title": kind.label if kind else "", "notice": f"{text}, on {referral.anonymised_on:%-d %B %Y}."}


def case_detail_for_user(*, user, case: Case, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    # Free-text notes may describe the person: shown only to those who may see the identity.
    show_notes = user.has_perm("people.view_identity", case)
    ref = case.referral
    person = ref.person
    data = case_summary(case, today)
    reason_labels = {**{k: v.label for k, v in codes.codes("decision_reasons").items()},
                     **{k: v.label for k, v in codes.codes("reconsideration_reasons").items()}}
    data.update({
        # Which of the two views (schemas CasePseudonymous / CaseWithIdentity) this is.
        "view": "identity" if show_notes else "pseudonymous",
        "routing": case.routing_version,
        "first_responder_org": ref.first_responder_org.code,
        "police_force_area": ref.police_force_area,
        "exploitation_location": ref.exploitation_location,
        "exploitation_country": ref.exploitation_country,
        "indicators": ref.indicators,
        "flags": ref.flags,
        "age_at_exploitation": ref.age_at_exploitation,
        "local_authority": ref.local_authority.code if ref.local_authority else None,
        "person": None if person is None else {
            "reference": person.pseudonym,
            "gender": person.gender,
            "nationalities": person.nationalities,
            "languages": person.languages,
            "interpreter_needed": person.interpreter_needed,
            "claimed_age": person.claimed_age,
            "assessed_age": person.assessed_age,
            "identity": identity_for_user(user=user, case=case),
            "identity_removed": person.anonymised_on is not None,
        },
        # Set once a retention rule removed the identity and the free text (palermo.retention).
        "retention": retention_notice(ref),
        "due_dates": {
            "reasonable_grounds_due": case.rg_due,
            "reasonable_grounds_due_rule": case.rg_due_version,
            "recovery_period_start": case.recovery_period_start,
            "recovery_period_minimum_end": case.recovery_period_min_end,
            "recovery_period_rule": case.recovery_version,
            "conclusive_grounds_earliest": case.cg_earliest,
            "conclusive_grounds_rule": case.cg_earliest_version,
            "reconsideration_deadline": case.reconsideration_deadline,
            "reconsideration_rule": case.reconsideration_version,
        },
        "decisions": [
            {
                "id": d.pk, "kind": d.kind, "outcome": d.outcome, "state": d.state, "decided_on": d.decided_on,
                "decided_by": d.decided_by.username, "reason_codes": d.reason_codes,
                "reason_labels": [reason_labels.get(c, c) for c in d.reason_codes],
                "reviewed_by": d.reviewed_by.username if d.reviewed_by else None, "reviewed_on": d.reviewed_on,
                # Free text can describe the person: only for those who may see identity.
                "reason_text": d.reason_text if show_notes else None,
                "review_note": d.review_note if show_notes else None,
            }
            for d in case.decisions.select_related("decided_by", "reviewed_by")
        ],
        "history": [
            {"action": t.action, "from": t.from_status, "to": t.to_status, "on": t.on, "at": t.at,
             "by": t.actor.username, "by_name": t.actor.get_full_name() or t.actor.username,
             "decision_id": t.decision_id, "reason_code": t.reason_code,
             "note": t.note if show_notes else None}
            for t in case.transitions.select_related("actor")
        ],
        "allowed_actions": actions_for_user(user=user, case=case),
        "palermo_elements": case_elements_assessment(case),
    })
    return data
