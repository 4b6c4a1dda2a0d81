"""Operation ids named for the clients generated from the schema (``listCases``, ``getCase``…).

Generators turn an operation id into a method name, so an id is part of the contract: once
published it never changes (tests/api/operation_ids.txt is the snapshot, and a test fails when an
id changes or disappears). The table is keyed by the view function's module and name, so
endpoints keep their Python names and this file is the one place the public names live.
An endpoint missing here gets a camelCase id from its function name (and the snapshot test asks
for it to be added to both lists).
"""

from __future__ import annotations

OPERATION_IDS: dict[str, str] = {
    # NRM
    "palermo.nrm.api.referral_create": "createReferral",
    "palermo.nrm.api.case_list": "listCases",
    "palermo.nrm.api.case_search": "searchCases",
    "palermo.nrm.api.case_export": "exportCasesCsv",
    "palermo.nrm.api.case_get": "getCase",
    "palermo.nrm.api.case_history": "getCaseHistory",
    "palermo.nrm.api.case_actions": "listCaseActions",
    "palermo.nrm.api.decision_create": "recordDecision",
    "palermo.nrm.api.decision_review": "reviewDecision",
    "palermo.nrm.api.case_withdraw": "withdrawCase",
    "palermo.nrm.api.case_elements": "recordCaseElements",
    "palermo.nrm.api.deadlines": "listDeadlines",
    "palermo.nrm.api.reviews": "listReviews",
    "palermo.nrm.api.duty_to_notify": "listDutyToNotifyReports",
    # Events and audit
    "palermo.api.events.event_list": "listEvents",
    "palermo.core.api.audit_events": "listAuditEvents",
    # Linkage
    "palermo.linkage.api.case_link_candidates": "listLinkCandidates",
    "palermo.linkage.api.candidate_decide": "decideLinkCandidate",
    "palermo.linkage.api.candidate_unlink": "unlinkLinkCandidate",
    "palermo.linkage.api.person_cluster_get": "getPersonCluster",
    # Children
    "palermo.children.api.board": "listChildCases",
    "palermo.children.api.board_export": "exportChildCasesCsv",
    "palermo.children.api.record": "getChildRecord",
    "palermo.children.api.age_assessment": "recordAgeAssessment",
    "palermo.children.api.named_person": "setNamedPerson",
    "palermo.children.api.placement": "createCarePlacement",
    "palermo.children.api.placement_end": "endCarePlacement",
    "palermo.children.api.missing_report": "reportChildMissing",
    "palermo.children.api.missing_return": "recordChildReturn",
    "palermo.children.api.grading": "recordGrading",
    "palermo.children.api.missing_statistics": "getMissingStatistics",
    # Notifications
    "palermo.notifications.api.notification_list": "listNotifications",
    "palermo.notifications.api.notification_read": "markNotificationRead",
    "palermo.notifications.api.notifications_read_all": "markAllNotificationsRead",
    # Residence permits
    "palermo.permits.api.permit_get": "getCasePermit",
    "palermo.permits.api.permit_application_create": "createPermitApplication",
    "palermo.permits.api.permit_decide": "decidePermitApplication",
    "palermo.permits.api.permit_list": "listPermits",
    "palermo.permits.api.permit_applications_awaiting": "listPermitApplicationsAwaiting",
    "palermo.permits.api.permit_export": "exportPermitsCsv",
    # Releases and statistics
    "palermo.releases.api.budgets": "listPrivacyBudgets",
    "palermo.releases.api.private_releases": "listPrivateReleases",
    "palermo.releases.api.private_release_create": "createPrivateRelease",
    "palermo.releases.api.microdata": "exportMicrodataCsv",
    "palermo.releases.api.monitoring_report": "getMonitoringReport",
    "palermo.stats.api.stats_tables": "getStatisticsTables",
    # Support
    "palermo.support.api.caseload": "listSupportCaseload",
    "palermo.support.api.record": "getSupportRecord",
    "palermo.support.api.matching": "getSupportMatching",
    "palermo.support.api.placement_create": "createSupportPlacement",
    "palermo.support.api.service_create": "recordSupportService",
    "palermo.support.api.waiting_list_join": "joinWaitingList",
    "palermo.support.api.placement_end": "endSupportPlacement",
    "palermo.support.api.waiting_list": "listWaitingList",
    "palermo.support.api.providers": "listSupportProviders",
    "palermo.support.api.placements_export": "exportSupportPlacementsCsv",
    # Casework and letters
    "palermo.casework.api.search": "findCases",
    "palermo.casework.api.allocate": "allocateCase",
    "palermo.casework.api.my_cases": "listMyCases",
    "palermo.casework.api.workload": "getWorkload",
    "palermo.letters.api.letter_list": "listDecisionLetters",
    "palermo.letters.api.letter_pdf": "getDecisionLetterPdf",
    # Background jobs
    "palermo.jobs.api.job_list": "listJobs",
    "palermo.jobs.api.job_get": "getJob",
    "palermo.jobs.api.job_retry": "retryJob",
    "palermo.jobs.api.link_run_start": "startLinkRun",
    # Intelligence
    "palermo.intelligence.api.list_reports": "listIntelligenceReports",
    "palermo.intelligence.api.create_report": "createIntelligenceReport",
    "palermo.intelligence.api.get_report": "getIntelligenceReport",
    "palermo.intelligence.api.search": "searchIntelligence",
    "palermo.intelligence.api.get_entity": "getIntelligenceEntity",
    "palermo.intelligence.api.create_victim_link": "createIntelligenceVictimLink",
    "palermo.intelligence.api.export_reports": "exportIntelligenceReports",
    "palermo.intelligence.api.list_groups": "listIntelligenceGroups",
    "palermo.intelligence.api.get_network": "getIntelligenceNetwork",
    # Justice
    "palermo.justice.api.list_prosecutions": "listProsecutions",
    "palermo.justice.api.create_prosecution": "createProsecution",
    "palermo.justice.api.get_prosecution": "getProsecution",
    "palermo.justice.api.record_outcome": "recordChargeOutcome",
    "palermo.justice.api.create_victim": "createProsecutionVictim",
    "palermo.justice.api.export_prosecutions": "exportProsecutions",
    "palermo.justice.api.get_statistics": "getJusticeStatistics",
    "palermo.operations.api.list_operations": "listOperations",
    "palermo.operations.api.create_operation": "createOperation",
    "palermo.operations.api.get_operation": "getOperation",
    "palermo.operations.api.get_operation_report": "getOperationReport",
    "palermo.operations.api.export_operation_report": "exportOperationReport",
    "palermo.operations.api.record_premises_visit": "recordOperationPremisesVisit",
    "palermo.operations.api.record_victim": "recordOperationVictim",
    "palermo.operations.api.record_arrest": "recordOperationArrest",
    "palermo.operations.api.record_charge": "recordOperationCharge",
    "palermo.operations.api.record_assets": "recordOperationAssets",
    "palermo.operations.api.record_intelligence": "recordOperationIntelligenceReport",
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def operation_id_for(view_func) -> str:
    key = f"{view_func.__module__}.{view_func.__name__}"
    return OPERATION_IDS.get(key) or camel(view_func.__name__)
