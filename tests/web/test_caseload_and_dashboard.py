"""The caseload (filters, sort, paging, due dates in working days), the case page and the
dashboards, including the median working days to a reasonable grounds decision."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from palermo.core.calendar import add_working_days
from palermo.nrm.dashboard import dashboard_for_user, median_rg_working_days
from tests.web.helpers import login

pytestmark = pytest.mark.django_db


def references(html: str) -> list[str]:
    return re.findall(r'href="/cases/\d+/">([A-Z]{3}-\d{4}-[0-9A-F]{8})</a>', html)


def test_caseload_filters_by_status_age_group_and_overdue(client, world):
    today = timezone.localdate()
    old = world.case(received_on=(today - dt.timedelta(days=60)).isoformat())
    fresh = world.case(received_on=today.isoformat())
    child = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child")
    decided = world.case()
    world.rg(decided)
    login(client, world.decider)
    everything = references(client.get("/cases/").content.decode())
    assert len(everything) == 4
    overdue = client.get("/cases/?due=overdue").content.decode()
    assert references(overdue) == [old.reference]
    assert "Overdue since" in overdue
    assert set(references(client.get("/cases/?status=referred").content.decode())) == {old.reference, fresh.reference, child.reference}
    assert references(client.get("/cases/?age_group=child").content.decode()) == [child.reference]
    assert references(client.get("/cases/?status=recovery_period").content.decode()) == [decided.reference]
    assert references(client.get("/cases/?exploitation_type=sexual").content.decode()) == []
    assert references(client.get("/cases/?competent_authority=IECA").content.decode()) == []
    # Due dates show the weekday and the working days left.
    page = client.get("/cases/?status=referred&sort=received&order=desc").content.decode()
    assert references(page)[0] in {fresh.reference, child.reference}
    due = add_working_days(today, 5, nation="england")
    assert f"{due:%A} {due.day} {due:%B %Y}" in page
    # A tampered filter is ignored, not an error.
    assert client.get("/cases/?status=nonsense&sort=nonsense").status_code == 200


def test_status_is_never_shown_by_colour_alone(client, world):
    world.case()
    html = login(client, world.decider).get("/cases/").content.decode()
    assert re.search(r'<strong class="govuk-tag govuk-tag--blue">Awaiting RG decision</strong>', html)


def test_caseload_pages_and_sorts(client, world):
    for _ in range(27):
        world.case()
    login(client, world.decider)
    first = client.get("/cases/?sort=reference").content.decode()
    second = client.get("/cases/?sort=reference&page=2").content.decode()
    assert len(references(first)) == 25 and len(references(second)) == 2
    assert references(first) == sorted(references(first))
    assert 'aria-sort="ascending"' in first and 'rel="next"' in first and 'aria-current="page"' in second
    desc = references(client.get("/cases/?sort=reference&order=desc").content.decode())
    assert desc == sorted(desc, reverse=True)


def test_case_page_shows_identity_timeline_documents_and_actions(client, world):
    case = world.case()
    world.rg(case)
    login(client, world.decider)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    for text in ("Zorbina Quillfeather", case.referral.person.pseudonym, "Timeline", "Positive reasonable grounds decision",
                 "Referred", "No documents are held for this case", "Recovery period", "Single Competent Authority"):
        assert text in html, text
    from palermo.core.models import AuditEvent

    actions = set(AuditEvent.objects.filter(actor=world.decider).values_list("action", flat=True))
    assert {"case.view", "person.view"} <= actions  # the same access events as the API's GET


def test_children_services_see_child_cases_of_their_local_authority(client, world):
    child = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child")
    adult = world.case()
    html = login(client, world.children).get("/cases/").content.decode()
    assert references(html) == [child.reference]
    assert client.get(f"/cases/{adult.pk}/").status_code == 403


def test_dashboard_counts_and_median_days_to_rg(client, world):
    today = timezone.localdate()
    received = today - dt.timedelta(days=30)
    c1 = world.case(received_on=received.isoformat())
    c2 = world.case(received_on=received.isoformat())
    world.case(received_on=(today - dt.timedelta(days=40)).isoformat())  # overdue, undecided
    world.rg(c1, on=add_working_days(received, 2, nation="england"))
    world.rg(c2, on=add_working_days(received, 6, nation="england"), outcome="negative")
    median, n = median_rg_working_days(user=world.decider, today=today)
    assert (median, n) == (4.0, 2)
    dash = dashboard_for_user(user=world.decider, today=today)
    assert dash.total == 3 and dash.overdue == 1
    counts = {row["status"]: row["count"] for row in dash.by_status}
    assert counts["referred"] == 1 and counts["recovery_period"] == 1 and counts["rg_review"] == 1
    html = login(client, world.decider).get("/dashboard/").content.decode()
    assert 'id="stat-median-rg">4<' in html and 'id="stat-overdue">1<' in html
    # The reviewer sees the pending review; the analyst national counts only, no case links.
    assert dashboard_for_user(user=world.reviewer).reviews_pending == 1
    client.logout()
    analyst = login(client, world.analyst).get("/dashboard/").content.decode()
    assert "National figures" in analyst and "/cases/" not in analyst


def test_periods_ending_this_week(client, world):
    """A recovery period whose minimum end is in two days is listed; one that ended is not."""
    from palermo.law.parameters import parameter_at

    today = timezone.localdate()
    days = int(parameter_at("nrm.minimum_recovery_period_days", today).value)
    ending = world.case(received_on=(today - dt.timedelta(days=days + 10)).isoformat())
    world.rg(ending, on=today + dt.timedelta(days=2) - dt.timedelta(days=days))
    ended = world.case(received_on=(today - dt.timedelta(days=days + 10)).isoformat())
    world.rg(ended, on=today - dt.timedelta(days=days + 1))
    dash = dashboard_for_user(user=world.decider, today=today)
    assert [p["reference"] for p in dash.periods_ending] == [ending.reference]
    assert dash.periods_ending_count == 1
    html = login(client, world.decider).get("/dashboard/").content.decode()
    assert ending.reference in html and "Minimum recovery period" in html


def test_duty_to_notify_lists_for_the_responder_and_the_authority(client, world):
    dtn = world.refer(consent="refused", anonymous=True, person=None)
    for user in (world.responder, world.decider):
        client.logout()
        html = login(client, user).get("/duty-to-notify/").content.decode()
        assert dtn.reference in html
    client.logout()
    assert dtn.reference not in login(client, world.responder_other).get("/duty-to-notify/").content.decode()
