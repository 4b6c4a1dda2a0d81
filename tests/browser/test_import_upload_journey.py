"""Browser journey: a first responder imports referrals from a file on the import page (issue
12). A file with problems: the job's page lists them by row and column, quoting no value, and
nothing is imported; the corrected file: the job finishes and says how many were written. Tests
run the job in-process once the upload's transaction commits (no worker needed)."""

import csv
import io

from palermo.nrm.import_rows import ALL_COLUMNS
from palermo.nrm.models import Referral
from tests.nrm.test_import import row


def _csv(rows) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=ALL_COLUMNS, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(page, data: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": "referrals.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("#upload")


def test_first_responder_uploads_a_file_with_errors_then_a_good_one(page, pages, people, settings, tmp_path):
    settings.PALERMO_JOB_FILES_DIR = tmp_path / "jobs"
    pages.sign_in(page, people.responder)
    page.click("a.govuk-service-navigation__link:has-text('Your jobs')")
    page.wait_for_url("**/jobs/")
    page.click("#import-referrals")
    page.wait_for_url("**/jobs/import/")
    pages.check(page, "import-upload")

    page.click("#upload")  # no file chosen
    assert "Select a CSV file of referrals" in page.inner_text(".govuk-error-summary")
    pages.check(page, "import-upload-no-file")

    _upload(page, _csv([row(), row(nation="atlantis"), row(date_of_birth="1990-02-31", family_name="Zqxwvulp")]))
    page.wait_for_url("**/jobs/*/")
    main = page.inner_text("main")
    assert "Failed" in main and "Nothing was imported" in main
    problems = page.inner_text("table#problems")
    assert "Nation" in problems and "Date of birth" in problems
    for value in ("atlantis", "Zqxwvulp", "1990-02-31", "Marrowgate"):
        assert value not in page.content()
    assert page.locator("#retry").count() == 0
    assert Referral.objects.count() == 0
    pages.check(page, "import-refused")

    page.click("#upload-again")
    page.wait_for_url("**/jobs/import/")
    _upload(page, _csv([row(), row(family_name="Other")]))
    page.wait_for_url("**/jobs/*/")
    assert "Finished" in page.inner_text("main") and "Referrals written" in page.inner_text("#outcome")
    assert Referral.objects.count() == 2
    assert list((tmp_path / "jobs" / "uploads").iterdir()) == []
    pages.check(page, "import-finished")
