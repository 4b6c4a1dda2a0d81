"""Roles and what each may do (design.md "Who uses Palermo").

A role is held through a membership of one organisation; scope follows the organisation:
first responders see their own organisation's referrals, decision makers and reviewers the cases
routed to their competent authority, children's services the child cases their local authority
leads. "View identity" is a separate capability from seeing a case (after tinyhands' VIEW PI).
"""

from __future__ import annotations

FIRST_RESPONDER = "first_responder"
DECISION_MAKER = "decision_maker"
REVIEWER = "reviewer"
SUPPORT_WORKER = "support_worker"
CHILDRENS_SERVICES = "childrens_services"
INTELLIGENCE_OFFICER = "intelligence_officer"
ANALYST = "analyst"
MONITOR = "monitor"
ADMINISTRATOR = "administrator"
# Allocates a competent authority's cases to its decision makers and sees their workload
# (issue 14); sees the cases routed there by reference and pseudonym, never identity.
TEAM_LEADER = "team_leader"

ROLE_CHOICES = [
    (FIRST_RESPONDER, "First responder"),
    (DECISION_MAKER, "Decision maker"),
    (REVIEWER, "Reviewer"),
    (SUPPORT_WORKER, "Support worker"),
    (CHILDRENS_SERVICES, "Children's services"),
    (INTELLIGENCE_OFFICER, "Intelligence officer"),
    (ANALYST, "Analyst"),
    (MONITOR, "Monitor"),
    (ADMINISTRATOR, "Administrator"),
    (TEAM_LEADER, "Team leader"),
]
ROLE_LABELS = dict(ROLE_CHOICES)

# Which organisation kinds may hold each role (a police force cannot make NRM decisions).
ROLE_ORG_KINDS = {
    FIRST_RESPONDER: {"police_force", "border_agency", "local_authority", "ngo", "support_provider"},
    DECISION_MAKER: {"competent_authority"},
    REVIEWER: {"competent_authority"},
    TEAM_LEADER: {"competent_authority"},
    SUPPORT_WORKER: {"support_provider", "ngo"},
    CHILDRENS_SERVICES: {"local_authority"},
    INTELLIGENCE_OFFICER: {"police_force", "border_agency", "competent_authority"},
    ANALYST: {"statistics_unit"},
    MONITOR: {"monitor"},
    ADMINISTRATOR: {
        "police_force", "border_agency", "local_authority", "ngo", "competent_authority",
        "support_provider", "statistics_unit", "monitor",
    },
}

# Roles that see a person's identity on the cases in their scope; the rest see a pseudonym.
IDENTITY_ROLES = {FIRST_RESPONDER, DECISION_MAKER, REVIEWER, CHILDRENS_SERVICES, SUPPORT_WORKER}

# Roles that open case content (a person's case, referral, support or intelligence records).
# Granting one needs a second administrator (four eyes); analysts, monitors and administrators
# see aggregates, the audit log or accounts, never case records.
CASE_CONTENT_ROLES = frozenset(
    {FIRST_RESPONDER, DECISION_MAKER, REVIEWER, CHILDRENS_SERVICES, SUPPORT_WORKER, INTELLIGENCE_OFFICER,
     TEAM_LEADER}
)

# Roles granted only when a second administrator approves: the case-content roles, and the
# administrator role itself, because an administrator approves grants (one administrator who
# could make a second administrator account alone could approve their own requests).
ROLES_NEEDING_SECOND_ADMINISTRATOR = CASE_CONTENT_ROLES | {ADMINISTRATOR}

# Roles whose holders must pass a second factor (a TOTP code) at every sign-in: they decide on
# people, see intelligence, or manage who may see what. Others may turn it on for themselves.
TWO_FACTOR_ROLES = frozenset({DECISION_MAKER, REVIEWER, INTELLIGENCE_OFFICER, ADMINISTRATOR, TEAM_LEADER})
