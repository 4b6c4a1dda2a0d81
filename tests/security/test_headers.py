"""Security headers on every kind of response (issue 13, item 6).

Every URL Palermo routes (read from the URL configuration itself, so a new page is checked the day
it is added), every operation of the API's OpenAPI schema, the Swagger docs, the admin, the error
pages and the static files carry: a Content-Security-Policy without 'unsafe-inline' or
'unsafe-eval'; nosniff; a same-origin Referrer-Policy and Cross-Origin-Opener-Policy; a
Permissions-Policy denying camera, microphone, geolocation, payment and USB; and, except static
files, ``Cache-Control: no-store`` and ``X-Frame-Options: DENY``. Every HTML page is also free of
the inline script and style that policy would block (the browser journeys prove the pages still
work with it on)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from palermo.accounts.models import ApiToken, Organisation, RoleGrantRequest
from palermo.children.schemas import MissingIn, PlacementIn
from palermo.children.services import missing_episode_report, placement_start
from palermo.law.offences import offence_list
from palermo.linkage.models import LinkCandidate
from palermo.notifications.models import Notification
from palermo.web.referral import STEPS
from tests.security.helpers import Api, person, web
from tests.support.helpers import support_people

pytestmark = pytest.mark.django_db

FORBIDDEN_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")
EXPECTED_STATUSES = {200, 301, 302, 401, 403, 404, 405, 409, 422}

# Markup a policy without 'unsafe-inline' blocks: a script element without src (a JSON data
# block is not run, so it is allowed), a style element or attribute, an event-handler attribute,
# a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style[\s>]|<[^>]*\sstyle\s*=|<[^>]*\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def csp(resp) -> dict[str, list[str]]:
    """The Content-Security-Policy header as ``{directive: [sources]}``."""
    directives = {}
    for part in resp.headers.get("Content-Security-Policy", "").split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name.lower()] = sources
    return directives


def assert_secure_headers(resp, where: str, *, static: bool = False) -> None:
    policy = csp(resp)
    assert policy, f"{where}: no Content-Security-Policy"
    assert policy.get("default-src") == ["'self'"], (where, policy)
    assert policy.get("script-src") == ["'self'"] and policy.get("style-src") == ["'self'"], (where, policy)
    assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") == ["'none'"], (where, policy)
    assert policy.get("form-action") == ["'self'"] and policy.get("frame-ancestors") == ["'none'"], (where, policy)
    weak = {s for sources in policy.values() for s in sources} & FORBIDDEN_SOURCES
    assert not weak, f"{where}: the policy allows {weak}"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "same-origin", where
    assert resp.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    permissions = resp.headers.get("Permissions-Policy", "")
    missing = [f for f in DENIED_FEATURES if f"{f}=()" not in permissions]
    assert not missing, f"{where}: Permissions-Policy does not deny {missing}"
    cache = resp.headers.get("Cache-Control", "")
    if static:
        assert "no-store" not in cache and "max-age" in cache, (where, cache)
    else:
        assert cache == "no-store", (where, cache)
        assert resp.headers.get("X-Frame-Options") == "DENY", where
    if resp.headers.get("Content-Type", "").startswith("text/html"):
        body = resp.content.decode()
        found = INLINE.search(body)
        assert found is None, f"{where}: inline script or style the policy blocks: {found and found.group(0)!r}"


# --- the objects every URL parameter needs -------------------------------------------------


@pytest.fixture
def things(world):
    """Real objects for every parameter a URL takes: a case in the SCA's scope with a negative
    decision awaiting review, a possible match, an organisation with history, a group, a token."""
    for user in (world.admin,):
        user.is_staff = True
        user.save()
    case = world.case(person=person())
    negative = world.rg(case, outcome="negative")
    other = world.case(person=person(given="Ksanthippa"))
    candidate = LinkCandidate.objects.create(
        person_a=case.referral.person, person_b=other.referral.person, match_probability=0.9, match_weight=5.0,
        model_version="t", found_by="referral")
    org = Organisation.objects.get(code="SCA")
    org.name = org.name + " "
    org.save()  # a second history record
    Group.objects.create(name="Example group")
    ApiToken.issue(world.decider)
    RoleGrantRequest.objects.create(user=world.analyst, organisation=org, role="reviewer", requested_by=world.admin)
    # a child's case with a safeguarding record: a care placement and an open missing episode,
    # which alert the decision makers (a notification for the decision maker's visit)
    child = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child",
                       person=person(given="Ksenija", family="Childcase"))
    placement = placement_start(actor=world.children, case=child, data=PlacementIn(
        new_setting_name="Headers home", new_setting_kind="childrens_home", started_at=timezone.now() - dt.timedelta(days=1)))
    episode, _ = missing_episode_report(actor=world.children, case=child, data=MissingIn(
        went_missing_at=timezone.now() - dt.timedelta(hours=2), missing_from="placement"))
    note = Notification.objects.filter(recipient=world.decider).first()
    # Support: a person awaiting a place (the Salvation Army's allocator may match them) and a
    # person placed with the Salvation Army (its support workers record services, end it).
    awaiting, placed = support_people(world)
    # a case with a decision in effect, so it has a decision letter (issue 14)
    lettered = world.case(person=person(given="Ottoline", family="Letterby"))
    world.rg(lettered)
    # the analyst's finished bulletin job, with its files (the job pages and the download)
    from tests.security.authz.universe import _finished_bulletin_job

    job = _finished_bulletin_job(world.analyst)
    from palermo.drafts.services import referral_draft_save

    draft = referral_draft_save(actor=world.responder, draft_id=None, answers={"where": {"nation": "wales"}},
                                step="under-18", section=1)
    from palermo.intelligence.schemas import ReportIn
    from palermo.intelligence.services import report_create

    report = report_create(actor=world.intel, data=ReportIn.model_validate({
        "reported_on": "2008-01-02", "source_evaluation": "A", "intelligence_assessment": "1", "handling_code": "1",
        "text": "Synthetic headers report", "entities": [{"kind": "ocg", "value": "Headers group"}]}))
    people = report_create(actor=world.intel, data=ReportIn.model_validate({
        "reported_on": "2008-01-02", "source_evaluation": "A", "intelligence_assessment": "1", "handling_code": "1",
        "text": "Synthetic headers report", "entities": [{"kind": "person", "value": "Headers Suspect"},
                                                         {"kind": "person", "value": "Headers Suspect"}]}))
    from palermo.intelligence.models import MatchProposal
    from palermo.justice.schemas import ProsecutionIn
    from palermo.justice.services import prosecution_create

    justice_suspect = report_create(actor=world.intel, data=ReportIn.model_validate({
        "reported_on": "2008-01-02", "source_evaluation": "A", "intelligence_assessment": "1", "handling_code": "1",
        "text": "Synthetic headers defendant", "entities": [{"kind": "person", "value": "Justice Defendant"}]}))
    prosecution = prosecution_create(actor=world.intel, data=ProsecutionIn.model_validate({
        "nation": "england_wales", "court_kind": "crown", "court_name": "Headers Crown Court", "charged_on": "2008-06-01",
        "defendants": [{"entity_id": justice_suspect.mentions.get().entity_id,
                        "charges": [{"offence_id": "SOA2003_s57", "offence_on": "2008-01-01"}]}]}))
    from palermo.operations.models import Arrest, Operation

    operation = Operation.objects.create(reference="OP-2008-HDR", name="Headers operation", starts_on=dt.date(2008, 1, 1),
                                         lead_organisation=world.intel.memberships.first().organisation, aims=[],
                                         aims_version="operations.aims@2006-02-21", created_by=world.intel)
    arrest = Arrest.objects.create(operation=operation, organisation=operation.lead_organisation, recorded_by=world.intel,
                                   arrested_on=dt.date(2008, 3, 1), nation="england_wales")
    return {"operation": operation, "arrest": arrest, "report": report, "group": report.mentions.get().entity, "proposal": MatchProposal.objects.get(), "prosecution": prosecution,
            "suspect": people.mentions.order_by("id").first().entity, "job": job, "draft": draft, "case": case, "decision": negative, "candidate": candidate, "org": org, "child_case": child,
            "lettered": lettered,
            "placement": placement, "episode": episode, "notification": note,
            "support_awaiting": awaiting, "support_placement": placed}


def _admin_object_id(route: str):
    """The primary key of a real object of the model an admin route is for."""
    if route.startswith("admin/r/"):  # "view on site": the content type's object, here an organisation
        return Organisation.objects.order_by("pk").first().pk
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    model = apps.get_model(match.group(1), match.group(2))
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to open {route}"
    return obj.pk


def _value(name: str, route: str, things: dict) -> str:
    """A real value for URL parameter ``name`` of ``route``. A parameter not listed here fails the
    test, so a new kind of URL cannot go unchecked."""
    org = things["org"]
    values = {
        # the children's routes are about a child's case (an adult's has no safeguarding record)
        "case_id": lambda: (things["child_case"].pk if "children/" in route
                            else things["lettered"].pk if "/letters" in route
                            else things["support_placement"].case_id if route.startswith("support/") and "services" in route
                            else things["support_awaiting"].pk if route.startswith("support/") else things["case"].pk),
        "episode_id": lambda: things["episode"].pk,
        "letter_id": lambda: things["lettered"].decision_letters.get().pk,
        "recipient": lambda: "first_responder",
        "placement_id": lambda: things["support_placement" if route.startswith(("support/", "api/v1/support/"))
                                       else "placement"].pk,
        "notification_id": lambda: things["notification"].pk,
        "job_id": lambda: things["job"].pk,
        "draft_id": lambda: things["draft"].pk,
        "code": lambda: "SALVARMY",
        "decision_id": lambda: things["decision"].pk,
        "candidate_id": lambda: things["candidate"].pk,
        "pseudonym": lambda: things["case"].referral.person.pseudonym,
        "offence_id": lambda: offence_list()[0].id,
        "slug": lambda: next(iter(STEPS)),
        "object_id": lambda: _admin_object_id(route),
        "content_type_id": lambda: ContentType.objects.get_for_model(Organisation).pk,
        "id": lambda: things["world"].admin.pk,
        "app_label": lambda: "accounts",
        "url": lambda: "no-such-admin-page/",
        "history_id": lambda: org.history.order_by("history_id").first().history_id,
        "filename": lambda: "nrm-statistics.ods",
        "report_id": lambda: things["report"].pk,
        "entity_id": lambda: things["suspect" if "victim-links" in route else "group"].pk,
        "proposal_id": lambda: things["proposal"].pk,
        "prosecution_id": lambda: things["prosecution"].pk,
        "charge_id": lambda: things["prosecution"].defendants.get().charges.get().pk,
        "operation_id": lambda: things["operation"].pk,
        "arrest_id": lambda: things["arrest"].pk,
        "kind": lambda: "premises",
    }
    assert name in values, f"URL parameter {name!r} of {route!r} has no test value: add one to _value()"
    return str(values[name]())


def _concrete(route: str, things: dict) -> str:
    """``route`` (a path() route or a regex) with every parameter replaced by a real value."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _value(m.group(1), route, things), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _value(m.group(1), route, things), route)
    positional = iter(["object_id", "history_id"])  # simple_history's ^([^/]+)/history/([^/]+)/$
    route = re.sub(r"\(\[\^/\]\+\)", lambda m: _value(next(positional), route, things), route)
    return "/" + route.replace("^", "").replace("$", "")


def every_route(patterns=None, prefix: str = ""):
    """Every route of the URL configuration, with its prefixes, as written."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from every_route(p.url_patterns, prefix + str(p.pattern))
        else:
            assert isinstance(p, URLPattern)
            yield prefix + str(p.pattern)


def test_every_routed_url_carries_the_policy_for_every_kind_of_visitor(world, things):
    """Every route, fetched anonymously and as a first responder, a decision maker, a reviewer, a
    monitor, an analyst (the microdata pages are theirs alone) and an administrator: whatever the
    answer (page, redirect to sign in, 403, 404, 409, the API's 401), the headers are there."""
    things["world"] = world
    routes = list(every_route())
    assert len(routes) > 60 and "api/v1/docs" in routes and "admin/" in routes
    visitors = {"anonymous": Client()} | {who: web(getattr(world, who)) for who in
                                           ("responder", "decider", "reviewer", "children", "monitor", "analyst",
                                            "admin", "support", "intel")}
    # half-way through signing in: the password was right, the 6-digit code is still to come
    from palermo.accounts.roles import TEAM_LEADER
    from tests.factories import make_user

    visitors["team leader"] = web(make_user("t.lead", TEAM_LEADER, world.orgs["SCA"]))
    visitors["decider, password only"] = Client()
    visitors["decider, password only"].post("/sign-in/", {"username": world.decider.username,
                                                          "password": "test-password-123"})
    seen: dict[int, int] = {}
    rendered = set()
    for route in routes:
        url = _concrete(route, things)
        for who, client in visitors.items():
            resp = client.get(url)
            where = f"GET {url} as {who} ({resp.status_code})"
            assert resp.status_code in EXPECTED_STATUSES, where
            assert_secure_headers(resp, where)
            seen[resp.status_code] = seen.get(resp.status_code, 0) + 1
            if resp.status_code in (200, 409):
                rendered.add(route)
    # The walk reached real pages, not just sign-in redirects: every web page (but those that
    # only redirect without a referral under way) and the admin's pages were rendered for
    # someone, and each kind of refusal was seen.
    assert {200, 302, 403, 404, 409} <= set(seen), seen
    only_redirect = {"", "refer/<slug:slug>/", "refer/check-your-answers/", "refer/confirmation/"}
    only_post = {"notifications/<int:notification_id>/read/", "notifications/read-all/",  # GET is 405
                 "jobs/<int:job_id>/retry/", "jobs/link-run/", "jobs/bulletin/",
                 "intelligence/matches/<int:proposal_id>/"}
    web_pages = {r for r in routes if not r.startswith(("admin/", "api/"))} - only_redirect - only_post
    assert web_pages <= rendered, sorted(web_pages - rendered)
    assert {"admin/", "admin/accounts/organisation/", "admin/accounts/organisation/<path:object_id>/history/",
            "api/v1/docs", "api/v1/openapi.json"} <= rendered


def test_every_api_operation_carries_the_policy_and_no_store(world, things):
    """Each operation of the OpenAPI schema, called with its own method by a decision maker's
    token (a body that fails validation is answered 422: those answers too)."""
    things["world"] = world
    schema = Client().get("/api/v1/openapi.json").json()
    api = Api(world.decider)
    calls = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m, p=path: _value(m.group(1), p, things), path).removeprefix("/api/v1")
        for method in operations:
            if method == "get":
                resp = api.get(url)
            elif method in ("post", "put"):
                resp = getattr(api, method)(url, {})
            else:
                pytest.fail(f"{method.upper()} {path}: add this method to the test")
            where = f"{method.upper()} {path} ({resp.status_code})"
            assert resp.status_code in EXPECTED_STATUSES, where
            assert_secure_headers(resp, where)
            calls += 1
    assert calls >= 15
    resp = Client().get("/api/v1/cases")  # no token
    assert resp.status_code == 401
    assert_secure_headers(resp, "GET /api/v1/cases without a token")


def test_the_api_docs_allow_data_images_and_nothing_else_more():
    """Swagger UI's stylesheet draws its icons as data: images; only that page allows them."""
    docs, page = Client().get("/api/v1/docs"), Client().get("/sign-in/")
    assert docs.status_code == 200 and "swagger-ui-init.js" in docs.content.decode()
    assert csp(docs)["img-src"] == ["'self'", "data:"] and csp(page)["img-src"] == ["'self'"]
    assert {k: v for k, v in csp(docs).items() if k != "img-src"} == {k: v for k, v in csp(page).items() if k != "img-src"}


def test_error_pages_carry_the_policy(world, settings):
    """404, 403 (including a refused CSRF token) and 500 pages."""
    settings.ROOT_URLCONF = "tests.security.urls_server_error"
    assert_secure_headers(Client().get("/no-such-page/"), "404")
    assert_secure_headers(web(world.analyst).get("/cases/"), "403")
    csrf = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "x", "password": "y"})
    assert csrf.status_code == 403 and "Your form was not sent" in csrf.content.decode()
    assert_secure_headers(csrf, "403 CSRF")
    failed = Client(raise_request_exception=False).get("/test-server-error/")
    assert failed.status_code == 500
    assert_secure_headers(failed, "500")


@pytest.mark.parametrize("path", ["/static/app.min.css", "/static/palermo/js-enabled.js",
                                  "/static/palermo/govuk-init.js", "/static/govuk/govuk-frontend.min.js"])
def test_static_files_keep_long_caching_and_carry_nosniff(path):
    resp = Client().get(path)
    assert resp.status_code == 200, path
    assert_secure_headers(resp, path, static=True)

