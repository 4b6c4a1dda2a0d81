"""Browser journey: an analyst opens the statistics for a period, reads a table and a chart, and
downloads the tables as an OpenDocument spreadsheet (issue 11)."""

import datetime as dt
import io
import zipfile

from django.utils import timezone

from palermo.stats.periods import Quarter, default_period


def test_analyst_reads_statistics_and_downloads_the_ods(page, pages, people):
    period = default_period(timezone.localdate())
    for i, days in enumerate((3, 8, 15, 30, 33, 61, 95, 120)):
        people.case(received_on=(period.end - dt.timedelta(days=days)).isoformat(),
                    person={"given_name": "Zorbina", "family_name": f"Quillfeather{'abc'[i % 3]}",
                            "date_of_birth": "1994-05-06", "dob_precision": "exact", "gender": "female",
                            "nationalities": ["VNM"]})
    first, last = Quarter.of(period.start), Quarter.of(period.end)
    pages.sign_in(page, people.analyst)
    page.click("a.govuk-service-navigation__link:has-text('Statistics')")
    page.wait_for_url("**/statistics/")
    assert "Table 1: NRM referrals by quarter" in page.inner_text("main")
    pages.check(page, "stats-default")
    # the last quarter before the first: a GOV.UK error
    page.select_option("#from-quarter", last.slug)
    page.select_option("#to-quarter", first.slug)
    page.click("button:has-text('Show statistics')")
    assert "The last quarter must be the same as or after the first quarter" in page.inner_text(".govuk-error-summary")
    pages.check(page, "stats-errors")
    page.select_option("#from-quarter", first.slug)
    page.select_option("#to-quarter", last.slug)
    page.click("button:has-text('Show statistics')")
    main = page.inner_text("main")
    assert period.label in main and "first responders referred 8 potential victims" in main
    table = page.locator("table#referrals_quarter_age_gender")
    assert "Counting rule" in page.inner_text("section[aria-labelledby='referrals_quarter_age_gender-caption']")
    assert table.locator("tr.app-stats-total th").inner_text() == "Total"
    assert "[c]" in table.inner_text()  # eight referrals: the small cells are withheld
    chart = page.locator("figure#chart-quarter svg")
    assert chart.get_attribute("role") == "img"
    assert "NRM referrals by quarter" in chart.locator("title").text_content()
    assert "Bar chart." in chart.locator("desc").text_content()
    pages.check(page, "stats-period")
    with page.expect_download() as info:
        page.click("a:has-text('OpenDocument spreadsheet (ODS)')")
    download = info.value
    assert download.suggested_filename.endswith("nrm-statistics.ods")
    data = open(download.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert b"NRM referrals by quarter" in z.read("content.xml")
    # the unsuppressed view, for analysts: marked not for publication
    page.check("#figures-unsuppressed")
    page.click("button:has-text('Show statistics')")
    assert "Not for publication" in page.inner_text(".govuk-warning-text")
    pages.check(page, "stats-unsuppressed")
