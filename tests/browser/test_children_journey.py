"""Browser journey: children's services report a child missing from care; the person responsible
for the child's care sees the alert in the header and on the notifications page (and by e-mail,
without the child's name), opens the child's record and records the return. Every page state is
checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.children.models import MissingEpisode
from palermo.children.schemas import NamedPersonIn, PlacementIn
from palermo.children.services import named_person_appoint, placement_start
from palermo.notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.browser

GIVEN, FAMILY = "Meixiang", "Quarrelwood"  # synthetic


def _fill_when(page, prefix: str, time_field: str, when: dt.datetime) -> None:
    page.fill(f"#{prefix}-day", str(when.day))
    page.fill(f"#{prefix}-month", str(when.month))
    page.fill(f"#{prefix}-year", str(when.year))
    page.fill(f"#{time_field}", when.strftime("%H:%M"))


def test_report_a_child_missing_and_record_the_return(page, pages, people):
    keyworker = make_user("t.keyworker", R.CHILDRENS_SERVICES, people.orgs["HILLINGDON"])
    for user in (keyworker, people.decider):
        user.email = f"{user.username}@palermo.invalid"
        user.save()
    case = people.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child",
                       person={"given_name": GIVEN, "family_name": FAMILY, "gender": "female", "nationalities": ["CHN"]})
    people.rg(case)  # decided by t.decider: the case's decision maker
    named_person_appoint(actor=people.children, case=case, data=NamedPersonIn(
        username=keyworker.username, appointed_on=case.referral.received_on))
    placement_start(actor=people.children, case=case, data=PlacementIn(
        new_setting_name="Skyview House", new_setting_kind="childrens_home",
        started_at=timezone.now() - dt.timedelta(days=1)))
    mail.outbox.clear()

    # Children's services: the dashboard, the board, the child's record.
    pages.sign_in(page, people.children)
    pages.check(page, "children-dashboard")
    page.click("nav a:has-text('Children')")
    page.wait_for_url("**/children/")
    pages.check(page, "children-board")
    page.click(f"a:has-text('{case.referral.reference}')")
    page.wait_for_url(f"**/children/cases/{case.pk}/")
    pages.check(page, "child-record")

    # Report missing: first without answers (the error summary), then properly.
    page.click("a:has-text('Report the child missing')")
    page.wait_for_url("**/missing/")
    pages.check(page, "missing-form")
    page.click("button:has-text('Report missing and alert')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Enter the time the child went missing" in summary and "Select where the child went missing from" in summary
    assert page.title().startswith("Error: ")
    pages.check(page, "missing-form-errors")
    went = timezone.localtime() - dt.timedelta(hours=2)
    _fill_when(page, "went-missing-on", "went-missing-time", went)
    page.check("label:has-text('The care placement')")
    page.fill("#missing-from-detail", "Synthetic: left through the garden gate after dinner.")
    page.check("#reported-to-police")  # "Yes"
    police = went + dt.timedelta(minutes=40)
    _fill_when(page, "reported-on", "reported-time", police)
    page.fill("#police-reference", "MPS-2026-0042")
    page.click("button:has-text('Report missing and alert')")
    page.wait_for_url(f"**/children/cases/{case.pk}/")
    assert "The child has been reported missing" in page.inner_text(".govuk-notification-banner")
    assert "reported missing since" in page.inner_text("#missing-warning")
    pages.check(page, "child-record-missing")
    episode = MissingEpisode.objects.get(case=case)
    assert episode.is_open and episode.police_reference == "MPS-2026-0042"

    # The alert: once each, to the named person and the decision maker; no name in any e-mail.
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["t.decider", "t.keyworker"]
    assert sorted(m.to[0] for m in mail.outbox) == ["t.decider@palermo.invalid", "t.keyworker@palermo.invalid"]
    assert not any(GIVEN in m.body or FAMILY in m.body or GIVEN in m.subject for m in mail.outbox)
    pages.sign_out(page)

    # The named person: the header's count, the notifications page, the record, the return.
    pages.sign_in(page, keyworker)
    assert page.inner_text("#nav-notifications-count").startswith("1")
    page.click("nav a:has-text('Notifications')")
    page.wait_for_url("**/notifications/")
    pages.check(page, "notifications-unread")
    page.click(f"#notifications a:has-text('{case.referral.reference}')")
    page.wait_for_url(f"**/children/cases/{case.pk}/")
    page.click("a:has-text('Record the child')")
    page.wait_for_url("**/return/")
    pages.check(page, "return-form")
    page.click("button:has-text('Record the return')")
    assert "Enter the child's condition on return" in page.inner_text(".govuk-error-summary")
    pages.check(page, "return-form-errors")
    _fill_when(page, "returned-on", "returned-time", timezone.localtime() - dt.timedelta(minutes=20))
    page.check("label:has-text('Found by the police')")
    page.fill("#return-condition", "Synthetic: cold and tired, no injury seen; return interview booked.")
    page.click("button:has-text('Record the return')")
    page.wait_for_url(f"**/children/cases/{case.pk}/")
    assert "return has been recorded" in page.inner_text(".govuk-notification-banner")
    assert page.locator("#missing-warning").count() == 0
    pages.check(page, "child-record-returned")
    episode.refresh_from_db()
    assert not episode.is_open and episode.found_where == "found_by_police"

    # Mark the notification read: the header's count goes.
    page.goto(page.base + "/notifications/")
    page.click("button:has-text('Mark as read')")
    page.wait_for_url("**/notifications/")
    assert page.locator("#nav-notifications-count").count() == 0
    pages.check(page, "notifications-read")
