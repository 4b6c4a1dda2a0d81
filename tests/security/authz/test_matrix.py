"""The authorization matrix: every page, API operation and export × every role × how the record
relates to the user, checked against the table in ``matrix.csv`` (read ``README.md`` beside it).

The routes come from the URL configuration and the operations from the OpenAPI schema, so a new
route or operation with no row in the table fails ``test_every_route_and_operation_has_a_row``.
Each cell is one real request through the Django test client (a session for pages, a bearer
token for the API), inside a savepoint that is rolled back, so a permitted write really happens
and the next cell starts from the same records. Besides the expected outcome, every response is
searched for every synthetic person's name, narrative and reasons: a marker may appear only for
a role that sees that person's identity on the case page, never in an export, and a response
that shows an identity must have written an audit event.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from palermo.children.export import EXPORT_COLUMNS as CHILD_EXPORT_COLUMNS
from palermo.core.models import AuditEvent
from palermo.intelligence.export import EXPORT_COLUMNS as INTEL_EXPORT_COLUMNS
from palermo.intelligence.rules import can_use_intelligence
from palermo.justice.export import EXPORT_COLUMNS as JUSTICE_EXPORT_COLUMNS
from palermo.nrm.export import EXPORT_COLUMNS
from palermo.permits.export import EXPORT_COLUMNS as PERMIT_EXPORT_COLUMNS
from palermo.support.export import EXPORT_COLUMNS as SUPPORT_EXPORT_COLUMNS

from . import universe as U
from .calls import API, PAGES, Call, admin_call

MATRIX = Path(__file__).with_name("matrix.csv")
KEY_COLUMNS = ["surface", "method", "endpoint", "relation"]
VALUES = {"200", "201", "202", "302", "400", "401", "403", "404", "405", "409", "422",
          "sign-in", "admin-login", "id", "listed", "hidden", "n/a"}
#: Endpoints that list records: the cell says whether the slot's record is in the answer.
LISTS = {
    ("page", "GET", "/cases/"): "case", ("page", "GET", "/reviews/"): "review", ("page", "GET", "/duty-to-notify/"): "dtn",
    ("api", "GET", "/api/v1/cases"): "case", ("api", "POST", "/api/v1/cases/search"): "case",
    ("page", "POST", "/search/"): "case", ("api", "POST", "/api/v1/search"): "case",
    ("api", "GET", "/api/v1/cases.csv"): "case", ("api", "GET", "/api/v1/deadlines"): "case",
    ("api", "GET", "/api/v1/reviews"): "review", ("api", "GET", "/api/v1/duty-to-notify"): "dtn",
    ("export", "CLI", "palermo export cases"): "case",
    ("page", "GET", "/children/"): "case", ("page", "GET", "/children/export.csv"): "case",
    ("api", "GET", "/api/v1/children/cases"): "case", ("api", "GET", "/api/v1/children/cases.csv"): "case",
    ("page", "GET", "/permits/"): "permit", ("api", "GET", "/api/v1/permits"): "permit",
    ("api", "GET", "/api/v1/permits/applications"): "permit_application", ("api", "GET", "/api/v1/permits.csv"): "permit",
    ("export", "CLI", "palermo export permits"): "permit",
    ("page", "GET", "/support/"): "support", ("api", "GET", "/api/v1/support/caseload"): "support",
    ("api", "GET", "/api/v1/support/placements.csv"): "support",
    ("page", "GET", "/support/waiting-list/"): "waiting", ("api", "GET", "/api/v1/support/waiting-list"): "waiting",
    ("page", "GET", "/intelligence/"): "intel", ("page", "POST", "/intelligence/search/"): "intel",
    ("page", "GET", "/intelligence/export.csv"): "intel", ("api", "GET", "/api/v1/intelligence/reports"): "intel",
    ("api", "POST", "/api/v1/intelligence/search"): "intel", ("api", "GET", "/api/v1/intelligence/reports.csv"): "intel",
    ("page", "GET", "/justice/"): "justice", ("page", "GET", "/justice/export.csv"): "justice",
    ("api", "GET", "/api/v1/justice/prosecutions"): "justice", ("api", "GET", "/api/v1/justice/prosecutions.csv"): "justice",
    ("page", "GET", "/operations/"): "operation", ("api", "GET", "/api/v1/operations"): "operation",
}
#: Endpoints about an operation (palermo.operations): relations ``own_org`` (the user's organisation
#: leads or takes part in it) and ``none`` (universe.Universe.operation_relation).
OPERATION = {e for e in (
    "/operations/", "/operations/<int:operation_id>/", "/operations/<int:operation_id>/record/<slug:kind>/",
    "/operations/<int:operation_id>/report/", "/operations/<int:operation_id>/report.csv", "/api/v1/operations",
    "/api/v1/operations/{operation_id}", "/api/v1/operations/{operation_id}/report",
    "/api/v1/operations/{operation_id}/report.csv", "/api/v1/operations/{operation_id}/premises-visits",
    "/api/v1/operations/{operation_id}/victims", "/api/v1/operations/{operation_id}/arrests",
    "/api/v1/operations/{operation_id}/arrests/{arrest_id}/charges", "/api/v1/operations/{operation_id}/assets",
    "/api/v1/operations/{operation_id}/intelligence-reports")}
#: Endpoints about an intelligence report or entity: relations ``own_org``, ``permitted``, ``restricted``
#: (universe.Universe.intel_relation), checked against the intelligence slots.
INTEL = {"/intelligence/", "/intelligence/export.csv", "/intelligence/search/",
         "/intelligence/reports/<int:report_id>/", "/intelligence/entities/<int:entity_id>/",
         "/api/v1/intelligence/reports", "/api/v1/intelligence/search", "/api/v1/intelligence/reports.csv",
         "/api/v1/intelligence/reports/{report_id}", "/api/v1/intelligence/entities/{entity_id}",
         "/api/v1/intelligence/entities/{entity_id}/victim-links", "/intelligence/groups/<int:entity_id>/status/",
         "/intelligence/matches/<int:proposal_id>/", "/intelligence/entities/<int:entity_id>/victim-links/"}
#: Endpoints about a prosecution: relations ``own_org`` (recorded by the user's organisation) or ``none``
#: (universe.Universe.justice_relation), checked against the justice slots.
JUSTICE = {"/justice/", "/justice/export.csv", "/justice/prosecutions/<int:prosecution_id>/",
           "/justice/prosecutions/<int:prosecution_id>/victims/new/", "/justice/charges/<int:charge_id>/outcome/",
           "/api/v1/justice/prosecutions", "/api/v1/justice/prosecutions.csv",
           "/api/v1/justice/prosecutions/{prosecution_id}", "/api/v1/justice/charges/{charge_id}/outcome",
           "/api/v1/justice/prosecutions/{prosecution_id}/victims"}
#: Endpoints about a child's safeguarding record: checked against the child slots only (an adult's
#: case has no record to keep), so "routed" is a child's case routed to the user's authority.
CHILD_ONLY = {"/children/", "/children/export.csv", "/api/v1/children/cases", "/api/v1/children/cases.csv"} | {
    e for e in (
        "/children/cases/<int:case_id>/", "/children/cases/<int:case_id>/missing/",
        "/children/cases/<int:case_id>/missing/<int:episode_id>/return/", "/children/cases/<int:case_id>/named-person/",
        "/children/cases/<int:case_id>/placement/", "/children/cases/<int:case_id>/placements/<int:placement_id>/end/",
        "/children/cases/<int:case_id>/age-assessment/", "/children/cases/<int:case_id>/grading/",
        "/api/v1/children/cases/{case_id}", "/api/v1/children/cases/{case_id}/age-assessments",
        "/api/v1/children/cases/{case_id}/named-person", "/api/v1/children/cases/{case_id}/placements",
        "/api/v1/children/cases/{case_id}/placements/{placement_id}/end",
        "/api/v1/children/cases/{case_id}/missing-episodes",
        "/api/v1/children/cases/{case_id}/missing-episodes/{episode_id}/return",
        "/api/v1/children/cases/{case_id}/gradings")}
#: Endpoints about one notification: relation ``recipient`` (addressed to the user) or ``none``.
NOTIFICATION = {"/notifications/<int:notification_id>/read/", "/api/v1/notifications/{notification_id}/read"}
#: Endpoints about one background job: relation ``own`` (started by the user) or ``none``.
JOB = {"/jobs/<int:job_id>/", "/jobs/<int:job_id>/retry/", "/jobs/<int:job_id>/bulletin.zip",
       "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/retry"}
#: Which record of the slot an endpoint is about, when it is not the slot's open case.
#: A saved referral draft: ``own`` (saved by the column's user), ``none`` (a helper's).
DRAFT = {"/refer/drafts/<int:draft_id>/"}
RECORD = {"/reviews/<int:decision_id>/": "review", "/api/v1/cases/{case_id}/decisions/{decision_id}/review": "review",
          "/support/placements/<int:placement_id>/end/": "placement",
          "/api/v1/support/placements/{placement_id}/end": "placement"}
#: Exports: the columns each writes and the audit action that records it.
EXPORTS = {("api", "GET", "/api/v1/cases.csv"): (EXPORT_COLUMNS, "case.export"),
           ("export", "CLI", "palermo export cases"): (EXPORT_COLUMNS, "case.export"),
           ("page", "GET", "/children/export.csv"): (CHILD_EXPORT_COLUMNS, "child.export"),
           ("api", "GET", "/api/v1/children/cases.csv"): (CHILD_EXPORT_COLUMNS, "child.export"),
           ("api", "GET", "/api/v1/permits.csv"): (PERMIT_EXPORT_COLUMNS, "permit.export"),
           ("export", "CLI", "palermo export permits"): (PERMIT_EXPORT_COLUMNS, "permit.export"),
           ("api", "GET", "/api/v1/support/placements.csv"): (SUPPORT_EXPORT_COLUMNS, "support.export"),
           ("page", "GET", "/intelligence/export.csv"): (INTEL_EXPORT_COLUMNS, "intel.export"),
           ("api", "GET", "/api/v1/intelligence/reports.csv"): (INTEL_EXPORT_COLUMNS, "intel.export"),
           ("page", "GET", "/justice/export.csv"): (JUSTICE_EXPORT_COLUMNS, "justice.export"),
           ("api", "GET", "/api/v1/justice/prosecutions.csv"): (JUSTICE_EXPORT_COLUMNS, "justice.export")}
#: The support record: the only page besides the case page that shows a person's name, and then
#: only the name of the slot's person (never a narrative or a decision's reasons).
SUPPORT_RECORD = "/support/cases/<int:case_id>/"
#: Audit actions that record who saw a person's identity (a read, or a decision taken on it).
IDENTITY_READS = {"person.view", "link.candidates_view", "decision.view", "link.confirm", "link.reject", "link.unlink",
                  "child.record_view", "child.missing_return", "permit.view", "intel.report_view", "intel.entity_view"}


@dataclass(frozen=True)
class Row:
    surface: str
    method: str
    endpoint: str
    relation: str
    cells: dict[str, str]


def load_matrix() -> list[Row]:
    with MATRIX.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        assert reader.fieldnames == KEY_COLUMNS + U.COLUMNS, f"matrix.csv columns must be {KEY_COLUMNS + U.COLUMNS}"
        rows = [Row(r["surface"], r["method"], r["endpoint"], r["relation"], {c: r[c].strip() for c in U.COLUMNS})
                for r in reader]
    return rows


# --- what exists ------------------------------------------------------------------------------
def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield "/" + prefix + str(p.pattern)


def url_routes() -> set[str]:
    """Every route of the URL configuration except the API's operations (the schema lists those)."""
    api_ops = {path for _, path in openapi_operations()}
    out = set()
    for route in _walk(get_resolver()):
        as_openapi = route.replace("<", "{").replace(">", "}")
        if route.startswith("/api/v1/") and as_openapi in api_ops:
            continue
        out.add(route)
    return out


def openapi_operations() -> set[tuple[str, str]]:
    from palermo.api.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_route_and_operation_has_a_row_and_every_row_exists():
    """A new page, admin page or API operation fails here until the table says who may use it."""
    rows = load_matrix()
    in_table = {(r.surface, r.endpoint) for r in rows}
    routes = url_routes()
    operations = openapi_operations()  # built once: the schema takes seconds to build, and this loop has 400 rows
    missing = sorted(r for r in routes if ("page", r) not in in_table and ("admin", r) not in in_table)
    missing += sorted(f"{m} {p}" for m, p in operations if ("api", p) not in in_table
                      or not any(r.method == m and r.endpoint == p for r in rows))
    assert not missing, "Routes or operations with no row in matrix.csv:\n  " + "\n  ".join(missing)
    stale = sorted({f"{r.surface} {r.method} {r.endpoint}" for r in rows
                    if (r.surface in {"page", "admin"} and r.endpoint not in routes)
                    or (r.surface == "api" and (r.method, r.endpoint) not in operations)})
    assert not stale, "Rows in matrix.csv for routes that no longer exist:\n  " + "\n  ".join(stale)
    for r in rows:
        bad = {c: v for c, v in r.cells.items() if v not in VALUES}
        assert not bad, f"{r}: unknown values {bad} (allowed: {sorted(VALUES)})"
        assert r.relation in [*U.RELATIONS, "-"], r
        if r.surface == "page":
            assert (r.method, r.endpoint) in PAGES, f"no call for {r.method} {r.endpoint} in calls.PAGES"
        if r.surface == "api":
            assert (r.method, r.endpoint) in API, f"no call for {r.method} {r.endpoint} in calls.API"
    keys = Counter((r.surface, r.method, r.endpoint, r.relation) for r in rows)
    assert not [k for k, n in keys.items() if n > 1], "rows repeated in matrix.csv"


def test_the_matrix_has_at_least_500_cells_that_make_a_request():
    cells = sum(1 for r in load_matrix() for v in r.cells.values() if v != "n/a")
    assert cells >= 500, cells


# --- running the cells ------------------------------------------------------------------------
class Runner:
    """Makes each cell's request as its column's user and says what happened, in the table's words."""

    def __init__(self, universe: U.Universe, rows: list[Row]):
        self.u = universe
        self.rows = rows
        self.web = {}
        for col in U.COLUMNS:
            client = Client()
            if col != U.ANONYMOUS:
                client.force_login(universe.users[col])
            self.web[col] = client
        self.api = Client()
        self._relations: dict[tuple, str] = {}
        page_detail = next(r for r in rows if r.surface == "page" and r.endpoint == "/cases/<int:case_id>/"
                           and r.relation == "own")
        assert page_detail
        self.sees_identity = self._identity_visibility()
        self.sees_support_identity = self._identity_visibility(SUPPORT_RECORD)
        self.failures: list[str] = []

    def _identity_visibility(self, endpoint: str = "/cases/<int:case_id>/") -> dict[str, set[str]]:
        """Column -> slots whose people it may see by name: the case page's row says so (or, for
        the name alone, the support record's)."""
        detail = {r.relation: r.cells for r in self.rows if r.surface == "page" and r.endpoint == endpoint}
        out = {}
        for col in U.COLUMNS:
            out[col] = {name for name, slot in self.u.slots.items()
                        if detail.get(self.relation("case", col, slot), {}).get(col) == "id"}
        return out

    def relation(self, kind: str, col: str, slot) -> str:
        """How ``slot`` relates to the column's user (universe.Universe's rules), worked out once:
        every cell starts from the same records (each is rolled back), so the answer cannot
        change, and working it out is a dozen queries (it was 40% of this test's time)."""
        key = (kind, col, id(slot))
        if key not in self._relations:
            rule = {"case": self.u.relation, "intel": self.u.intel_relation, "justice": self.u.justice_relation,
                    "operation": self.u.operation_relation}[kind]
            self._relations[key] = rule(col, slot)
        return self._relations[key]

    def slot(self, row: Row, col: str):
        if row.endpoint in INTEL and row.relation != "-":
            return next((s for s in self.u.intel.values() if self.relation("intel", col, s) == row.relation), None)
        if row.endpoint in JUSTICE and row.relation != "-":
            return next((s for s in self.u.justice.values() if self.relation("justice", col, s) == row.relation), None)
        if row.endpoint in OPERATION and row.relation != "-":
            return next((s for s in self.u.operations.values() if self.relation("operation", col, s) == row.relation),
                        None)
        if row.endpoint in NOTIFICATION:
            note = (self.u.notifications.get(col) if row.relation == "recipient"
                    else self.u.other_notification if row.relation == "none" else None)
            return U.NoteSlot(row.relation, note) if note is not None else None
        if row.endpoint in JOB:
            job = (self.u.jobs.get(col) if row.relation == "own"
                   else self.u.other_job if row.relation == "none" else None)
            return U.JobSlot(row.relation, job) if job is not None else None
        if row.endpoint in DRAFT:
            draft = (self.u.drafts.get(col) if row.relation == "own"
                     else self.u.other_draft if row.relation == "none" else None)
            return U.JobSlot(row.relation, draft) if draft is not None else None
        kind = LISTS.get((row.surface, row.method, row.endpoint)) or RECORD.get(row.endpoint, "case")
        child = row.endpoint in CHILD_ONLY
        for slot in self.u.slots.values():
            if (self.relation("case", col, slot) == row.relation and (kind != "dtn" or slot.dtn is not None)
                    and (not child or slot.case.referral.is_child)
                    and (kind != "placement" or slot.support_placement is not None)):
                return slot
        return None

    def reference(self, row: Row, slot) -> str:
        kind = LISTS[(row.surface, row.method, row.endpoint)]
        if kind == "intel":
            return slot.report.reference
        if kind == "justice":
            return slot.prosecution.reference
        if kind == "operation":
            return slot.operation.reference
        return {"case": slot.case.referral.reference, "review": slot.review_case.referral.reference,
                "dtn": slot.dtn.reference if slot.dtn else "", "permit": slot.permit_case.referral.reference,
                "permit_application": slot.applied_case.referral.reference,
                "support": slot.case.referral.person.pseudonym, "waiting": slot.case.referral.person.pseudonym}[kind]

    def request(self, row: Row, col: str, call: Call):
        if row.surface == "export":
            user = self.u.users.get(col)
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "export.csv"
                try:  # anonymous: nobody to export as, which the command refuses
                    call_command("export", row.endpoint.split()[-1], "--as", user.username if user else "m.no-such-user",
                                 "--output", str(out), stdout=io.StringIO(), stderr=io.StringIO())
                except CommandError:
                    return 401, b""
                return 200, out.read_bytes()
        if row.surface == "api":
            headers = {} if col == U.ANONYMOUS else {"Authorization": f"Bearer {self.u.tokens[col]}"}
            fn = getattr(self.api, row.method.lower())
            if call.data is not None:
                resp = fn(call.path, json.dumps(call.data), content_type="application/json", headers=headers)
            else:
                resp = fn(call.path, headers=headers)
        else:
            client = self.web[col]
            fn = getattr(client, row.method.lower())
            resp = fn(call.path, call.data) if call.data is not None else fn(call.path)
        body = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
        return resp, body

    def run(self, row: Row, col: str) -> None:
        expected = row.cells[col]
        slot = None if row.relation == "-" else self.slot(row, col)
        where = f"{row.surface} {row.method} {row.endpoint} [{row.relation}] as {col}"
        if row.relation != "-" and slot is None:
            if expected != "n/a":
                self.failures.append(f"{where}: expected {expected}, but no record has this relation to {col} (write n/a)")
            return
        if expected == "n/a":
            self.failures.append(f"{where}: written n/a, but slot {slot.name} has this relation: write the outcome")
            return
        call = self.call_for(row, slot)
        user = self.u.users.get(col)
        sid = transaction.savepoint()
        try:
            before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            resp, body = self.request(row, col, call)
            text = body.decode("utf-8", "replace")
            got = self.observe(row, resp, text, slot)
            if got != expected:
                self.failures.append(f"{where}: expected {expected}, got {got}")
            self.check_leaks(row, col, text, where, got)
            if slot is not None and user is not None and any(m in text for m in slot.markers):
                actions = set(AuditEvent.objects.filter(id__gt=before, actor=user).values_list("action", flat=True))
                if not actions & IDENTITY_READS:
                    self.failures.append(f"{where}: showed an identity without an audit event (events: {sorted(actions)})")
            if (row.surface, row.method, row.endpoint) in EXPORTS and got in {"listed", "hidden"}:
                self.check_export(where, text, user, before, *EXPORTS[(row.surface, row.method, row.endpoint)])
        finally:
            transaction.savepoint_rollback(sid)

    def call_for(self, row: Row, slot) -> Call:
        if row.surface == "admin":
            return admin_call(row.endpoint, self.u)
        if row.surface == "export":
            return Call("")
        table = PAGES if row.surface == "page" else API
        return table[(row.method, row.endpoint)](self.u, slot)

    def observe(self, row: Row, resp, text: str, slot) -> str:
        status = resp if isinstance(resp, int) else resp.status_code
        if status == 302:
            location = resp["Location"]
            if row.surface == "admin" and location.startswith("/admin/"):
                return "admin-login" if location.startswith("/admin/login/") else "302"
            if location.startswith("/sign-in/"):
                return "sign-in"
            if location.startswith("/admin/login/"):
                return "admin-login"
            return "302"
        if status == 200 and (row.surface, row.method, row.endpoint) in LISTS:
            return "listed" if self.reference(row, slot) in text else "hidden"
        if status == 200 and slot is not None and any(m in text for m in slot.markers):
            return "id"
        return str(status)

    def check_leaks(self, row: Row, col: str, text: str, where: str, got: str) -> None:
        user = self.u.users.get(col)
        for name, islot in self.u.intel.items():
            allowed = user is not None and can_use_intelligence(user) and self.relation("intel", col, islot) != "restricted"
            if not allowed and any(m in text for m in islot.markers):
                self.failures.append(f"{where}: LEAK of intelligence report {name} to {col}")
                return
        export = (row.surface, row.method, row.endpoint) in EXPORTS
        allowed = set() if export else self.sees_identity[col]
        names_only = set() if export else self.sees_support_identity[col]
        for marker, slot_name in self.u.all_markers().items():
            if marker in text and slot_name not in allowed and not (
                    slot_name in names_only and marker == self.u.slots[slot_name].name_marker):
                self.failures.append(f"{where}: LEAK of {slot_name}'s person ({marker}) to {col}")
                return

    def check_export(self, where: str, text: str, user, before: int, columns: list[str], action: str) -> None:
        header = next(csv.reader(io.StringIO(text)), [])
        if header != columns:
            self.failures.append(f"{where}: export columns {header} are not {columns}")
        if not AuditEvent.objects.filter(id__gt=before, actor=user, action=action).exists():
            self.failures.append(f"{where}: export not audited")


@pytest.fixture
def runner(db, settings):
    settings.PALERMO_LINK_ON_REFERRAL = False
    return Runner(U.build(), load_matrix())


@pytest.mark.parametrize("surface", ["page", "api", "export", "admin"])
def test_matrix(runner, surface):
    """Every cell of the table for one surface; all mismatches are reported together."""
    cells = 0
    for row in runner.rows:
        if row.surface != surface:
            continue
        for col in U.COLUMNS:
            runner.run(row, col)
            cells += 1
    assert cells, f"no rows for {surface}"
    assert not runner.failures, f"{len(runner.failures)} of {cells} cells differ from matrix.csv:\n  " + "\n  ".join(runner.failures)
