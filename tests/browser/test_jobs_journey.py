"""Browser journeys: background jobs (issue 12). An administrator sees their jobs listed, opens a
failed linkage run, retries it and sees it finish, then starts a new run from the page; an analyst
makes the bulletin files from the statistics page as a job and downloads them. Tests run each
job in-process once the request's transaction commits (no worker needed)."""

import io
import zipfile

from palermo.demo import jobs_load
from palermo.jobs.models import Job


def test_administrator_follows_retries_and_starts_linkage_runs(page, pages, people):
    jobs_load({"admin": people.admin})
    failed = Job.objects.get(status="failed")
    pages.sign_in(page, people.admin)
    page.click("a.govuk-service-navigation__link:has-text('Your jobs')")
    page.wait_for_url("**/jobs/")
    table = page.inner_text("table#jobs")
    assert "Failed" in table and "Finished" in table and "1 of 3" in table
    pages.check(page, "jobs-list")
    page.click(f"#job-{failed.pk} a")
    page.wait_for_url(f"**/jobs/{failed.pk}/")
    assert "The job stopped with an error (OperationalError)." in page.inner_text("#error")
    assert page.locator("progress#job-progress").get_attribute("value") == "1"
    pages.check(page, "jobs-failed")
    page.click("#retry")
    page.wait_for_url(f"**/jobs/{failed.pk}/")
    assert "The job was queued again" in page.inner_text(".govuk-notification-banner")
    assert "Finished" in page.inner_text("main") and "People linked" in page.inner_text("#outcome")
    assert page.locator("#retry").count() == 0
    pages.check(page, "jobs-retried")
    page.click("a.govuk-back-link")
    page.click("#start-link-run")
    page.wait_for_url("**/jobs/*/")
    new = Job.objects.exclude(pk=failed.pk).filter(kind="link_run").order_by("-pk").first()
    assert page.url.endswith(f"/jobs/{new.pk}/") and new.status == "succeeded"
    assert "3 of 3 steps done (100%)" in page.inner_text("main")
    pages.check(page, "jobs-started")


def test_analyst_makes_the_bulletin_as_a_job_and_downloads_it(page, pages, people):
    pages.sign_in(page, people.analyst)
    page.click("a.govuk-service-navigation__link:has-text('Statistics')")
    page.wait_for_url("**/statistics/")
    page.click("#make-bulletin")
    page.wait_for_url("**/jobs/*/")
    main = page.inner_text("main")
    assert "Statistics bulletin files" in main and "Finished" in main and "Files written" in main
    pages.check(page, "jobs-bulletin")
    with page.expect_download() as info:
        page.click("#download")
    names = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())).namelist()
    assert "manifest.json" in names and "index.html" in names
    page.click("a.govuk-service-navigation__link:has-text('Your jobs')")
    assert "Statistics bulletin files" in page.inner_text("table#jobs")
    pages.check(page, "jobs-list-analyst")
