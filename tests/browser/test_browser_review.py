"""A caseworker comes back to a refusal, at 375 px, with JavaScript on and off: opens the case
file, downloads the letter asking Instagram to look again, finds where to send it, downloads
the reminders, saves and opens the case again."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from takedown import deadlines, platforms
from tests.browser.kit import (
    Mouse,
    assert_no_axe_violations,
    download_json,
    download_pdf,
    open_case_file,
    squash,
)

LONDON = ZoneInfo("Europe/London")
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def _case(slug: str, url: str, reference: str) -> dict:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return {
        "schema": "takedown-case/2", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
        "requester": {"role": "caseworker", "name": "Jo Case", "email": "jo@example.org",
                      "organisation": "Family Support"},
        "person": {"age": 15},
        "locations": [{"url": url, "reports": [{
            "channel": "web-form", "at": (now - timedelta(hours=48)).isoformat(),
            "reference": reference, "outcome": "refused",
            "outcome_at": (now - timedelta(hours=24)).isoformat()}]}],
    }


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_caseworker_asks_instagram_to_look_again(new_context, screenshots, tmp_path,
                                                    javascript):
    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    driver = Mouse(page)
    data = _case("instagram", "https://www.instagram.com/p/C0ffee123/", "IG-2026-4471")
    path = tmp_path / "takedown-case-TD-7KQ2-M9XP.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    open_case_file(driver, page, path)
    place = squash(page.inner_text("#place-0"))
    assert "Refused" in place and "IG-2026-4471" in place

    review = download_pdf(driver, "#review-instagram")
    refused = datetime.fromisoformat(data["locations"][0]["reports"][0]["outcome_at"])
    local = refused.astimezone(LONDON)
    assert "IG-2026-4471" in review
    assert f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}" in review
    assert review.filename == "takedown-TD-7KQ2-M9XP-instagram-review.pdf"

    # Where it goes: the directory's own routes for Instagram in England, sourced.
    driver.submit("#send-review-instagram")
    routes = platforms.send_routes(platforms.get("instagram"), "england", True)
    shown = [a.get_attribute("href") for a in page.locator(".route-link").all()]
    assert shown == [form.target for form in routes.forms]
    assert page.locator(".source").count() >= len(routes.routes)
    if javascript:
        page.screenshot(path=str(screenshots / "send-review-instagram-375.png"), full_page=True)
        assert_no_axe_violations(page, "the send page for a review letter")

    # The reminders: the refusal, the next morning at 09:00 in London.
    open_case_file(driver, page, path)
    summary = squash(page.inner_text("#reminders-summary"))
    assert "1 reminder" in summary
    download = driver.download("#calendar")
    with open(download.path(), "rb") as file:
        [event] = Calendar.from_ical(file.read()).walk("VEVENT")
    start = event.decoded("dtstart").astimezone(LONDON)
    assert start == deadlines.next_morning(datetime.now(UTC), LONDON).astimezone(LONDON)
    assert (start.hour, start.minute) == (9, 0)

    name, saved = download_json(driver, "#save")
    assert saved["locations"][0]["reports"][0]["reference"] == "IG-2026-4471"
    again = tmp_path / name
    again.write_text(json.dumps(saved), encoding="utf-8")
    open_case_file(driver, page, again)
    assert "IG-2026-4471" in page.inner_text("#place-0")


@pytest.mark.parametrize("slug, url", [
    ("pornhub", "https://www.pornhub.com/view_video.php?viewkey=ph0000"),
    ("snapchat", "https://www.snapchat.com/add/someone"),
])
def test_the_send_page_at_375_px(new_context, screenshots, tmp_path, slug, url):
    page = new_context(**PHONE).new_page()
    driver = Mouse(page)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case(slug, url, "R-1")), encoding="utf-8")
    open_case_file(driver, page, path)
    driver.submit(f"#send-review-{slug}")
    assert page.locator("#where-it-goes").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshots / f"send-review-{slug}-375.png"), full_page=True)
    assert_no_axe_violations(page, f"the send page for {slug}")
