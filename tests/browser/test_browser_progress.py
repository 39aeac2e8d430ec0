"""The report log in a real browser: open a v1 file, log an overdue report, the follow-up,
a refusal and the next-step letter, the calendar file, save and open again."""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from takedown import deadlines
from tests.browser.kit import (
    Keyboard,
    Mouse,
    assert_no_axe_violations,
    download_json,
    download_pdf,
    heading,
    open_case_file,
    squash,
)

LONDON = ZoneInfo("Europe/London")
V1 = {
    "schema": "takedown-case/1", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
    "requester": {"role": "caseworker", "name": "Jo Case", "email": "jo@example.org",
                  "organisation": "Family Support"},
    "person": {"age": 15},
    "locations": [{"url": "https://www.instagram.com/p/C0ffee123/"},
                  {"url": "https://www.tiktok.com/@someone/video/1"}],
}


def _wall(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_caseworker_chases_an_overdue_instagram_report(new_context, screenshots, tmp_path,
                                                          javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    driver = Mouse(page)
    v1 = tmp_path / "takedown-case-TD-7KQ2-M9XP.json"
    v1.write_text(json.dumps(V1), encoding="utf-8")
    open_case_file(driver, page, v1)

    reported = (datetime.now(UTC) - timedelta(hours=50)).replace(second=0, microsecond=0)
    driver.submit("#log-0")
    assert heading(page) == "Log a report"
    if javascript:
        assert_no_axe_violations(page, "the report form")
        for field in ("#at", "#zone", "#reference", "#outcome_at", "#log-report"):
            Keyboard(page).tab_to(field)  # each stop shows its focus
    driver.tick("input[name=channel][value=in-app]")
    driver.fill("#at", _wall(reported))
    driver.fill("#reference", "IG-2026-4471")
    driver.submit("#log-report")
    place = squash(page.inner_text("#place-0"))
    assert "Overdue" in place and "50 hours" in place and "IG-2026-4471" in place
    if javascript:
        page.screenshot(path=str(screenshots / "progress.png"), full_page=True)
        assert_no_axe_violations(page, "the progress page")

    follow_up = download_pdf(driver, "#follow-up-instagram")
    assert "IG-2026-4471" in follow_up and "50 hours" in follow_up
    local = reported.astimezone(LONDON)
    assert f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}" in follow_up
    if javascript and shutil.which("pdftoppm"):
        pdf = tmp_path / "follow-up.pdf"
        pdf.write_bytes(follow_up.data)
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to-x",
                        "1000", "-scale-to-y", "-1", str(pdf),
                        str(screenshots / "follow-up-page-1")], check=True, timeout=60)

    driver.submit("#update-0")
    driver.tick("input[name=outcome][value=refused]")
    driver.fill("#outcome_at", _wall(datetime.now(UTC) - timedelta(hours=1)))
    driver.submit("#log-report")
    assert "Refused" in page.inner_text("#place-0")
    escalation = download_pdf(driver, "#escalation-instagram")
    assert "Updated record for the Internet Watch Foundation" in escalation
    assert "IG-2026-4471" in escalation

    tiktok_at = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    driver.submit("#log-1")
    driver.tick("input[name=channel][value=web-form]")
    driver.fill("#at", _wall(tiktok_at))
    driver.submit("#log-report")
    assert "hours left" in page.inner_text("#place-1")

    download = driver.download("#calendar")
    with open(download.path(), "rb") as file:
        ics = file.read()
    calendar = Calendar.from_ical(ics)
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    # The refusal: the next morning at 09:00; TikTok's chase-by time, moved out of the night.
    morning = deadlines.next_morning(datetime.now(UTC), LONDON)
    chase = deadlines.out_of_night(tiktok_at + timedelta(hours=48), LONDON)
    assert starts == sorted({morning, chase})
    assert all(8 <= start.astimezone(LONDON).hour < 21 for start in starts)
    for word in (b"Instagram", b"TikTok", b"tiktok", b"http", b"Jo Case", b"image", b"IG-2026"):
        assert word not in ics
    assert b"TD-7KQ2-M9XP" in ics

    name, saved = download_json(driver, "#save")
    assert saved["schema"] == "takedown-case/3"
    assert [r["reference"] for r in saved["locations"][0]["reports"]] == ["IG-2026-4471"]
    again = tmp_path / name
    again.write_text(json.dumps(saved), encoding="utf-8")
    open_case_file(driver, page, again)
    text = squash(page.inner_text("main"))
    assert "IG-2026-4471" in text and "Refused" in text and "hours left" in text
