"""The progress pages without JavaScript: open a v1 file, log reports, letters, calendar, save."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from helpers import API, Browser, a_letter_case, answer, pdf_text
from icalendar import Calendar

V1 = a_letter_case(jurisdiction="england", requester={"role": "caseworker"}, locations=[
    {"url": "https://www.instagram.com/p/ABC123/"},
    {"url": "https://www.tiktok.com/@someone/video/1"},
])


def _open(client, data=V1) -> Browser:
    browser = Browser(client).get("/case/open")
    return browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})


def _local(moment: datetime) -> str:
    return moment.astimezone(_london()).strftime("%Y-%m-%dT%H:%M")


def _london():
    from zoneinfo import ZoneInfo
    return ZoneInfo("Europe/London")


def test_a_caseworker_logs_reports_and_gets_the_letters_and_the_calendar(client):
    browser = _open(client)
    assert browser.heading == "Your progress"
    assert "Your case file is open" in browser.text
    assert browser.text.count("Not reported yet") == 2
    fifty_hours_ago = datetime.now(UTC) - timedelta(hours=50)
    browser.press("#log-0")
    assert browser.heading == "Log a report"
    assert browser.value("at")  # defaults to now
    browser.press("#log-report", {"channel": "in-app", "at": _local(fifty_hours_ago),
                                  "reference": "IG-555-123", "outcome": "waiting"})
    assert browser.heading == "Your progress"
    assert "Your report is logged" in browser.text
    place = browser.page.select_one("#place-0")
    assert "Overdue" in place.text and "50 hours" in place.text and "IG-555-123" in place.text
    assert "Our own suggestion, not the law" in place.text or "Professionals Online" in place.text
    # The follow-up letter: the reference, the date, the hours passed.
    browser.press("#follow-up-instagram")
    assert browser.response.mimetype == "application/pdf"
    text = pdf_text(browser.response.data)
    assert "IG-555-123" in text and "50 hours" in text
    assert f"{fifty_hours_ago.astimezone(_london()):%H:%M}" in text
    # Back on the progress page (the download did not move the browser), log a refusal.
    browser = _open(client, json.loads(_saved(client, browser_case(client, fifty_hours_ago))))
    browser.press("#update-0")
    assert browser.checked("channel") == "in-app"
    browser.press("#log-report", {"outcome": "refused",
                                  "outcome_at": _local(datetime.now(UTC) - timedelta(hours=1))})
    place = browser.page.select_one("#place-0")
    assert "Refused" in place.text and "IWF" in place.text
    browser.press("#log-1", )
    browser.press("#log-report", {"channel": "web-form", "at": _local(
        datetime.now(UTC) - timedelta(hours=2))})
    assert "hours left" in browser.page.select_one("#place-1").text
    case = browser.case
    browser.press("#escalation-instagram")
    assert browser.response.mimetype == "application/pdf"
    assert "Updated record for the Internet Watch Foundation" in pdf_text(browser.response.data)
    browser = _open(client, case)
    browser.press("#calendar")
    assert browser.response.mimetype == "text/calendar"
    assert browser.response.headers["Cache-Control"] == "no-store"
    [event] = Calendar.from_ical(browser.response.data).walk("VEVENT")
    logged = datetime.fromisoformat(case["locations"][1]["reports"][0]["at"])
    assert event.decoded("dtstart") == (logged + timedelta(hours=48)).astimezone(UTC)
    assert b"tiktok" not in browser.response.data.lower()
    # Save, re-open: everything is there.
    browser = _open(client, case)
    browser.press("#save")
    saved = json.loads(browser.response.data)
    assert saved["schema"] == "takedown-case/3" and saved == case
    again = _open(client, saved)
    assert "IG-555-123" in again.text and "Refused" in again.text
    again.press("#record")
    record = pdf_text(again.response.data)
    assert "Record of reports, for the police or school" in record and "IG-555-123" in record
    assert "instagram.com" not in record


def browser_case(client, at: datetime) -> dict:
    data = json.loads(json.dumps(V1))
    data["reference"] = "TD-7KQ2-M9XP"
    data["locations"][0]["reports"] = [{"channel": "in-app", "at": at.replace(
        second=0, microsecond=0).isoformat(), "reference": "IG-555-123"}]
    return data


def _saved(client, data) -> str:
    browser = _open(client, data)
    browser.press("#save")
    return browser.response.get_data(as_text=True)


def test_a_bad_time_is_named_and_the_rest_is_kept(client):
    browser = _open(client)
    browser.press("#log-0")
    browser.press("#log-report", {"channel": "email", "at": "last tuesday",
                                  "reference": "REF-1"})
    assert browser.heading == "Log a report"
    assert browser.error_links() and "When did you report it?" in browser.error_links()[0][1]
    assert browser.value("reference") == "REF-1"
    assert browser.checked("channel") == "email"


def test_the_question_page_takes_an_in_app_report(client):
    browser = Browser(client).get("/case/start")
    answer(browser, **{"places-0-in_app_at": "2026-11-30T09:15",
                       "places-0-in_app_reference": "APP-77"})
    assert browser.heading == "Check your answers", browser.error_links()
    [report] = browser.case["locations"][0]["reports"]
    assert report == {"channel": "in-app", "at": "2026-11-30T09:15:00+00:00",
                      "reference": "APP-77", "outcome": "waiting"}
    browser.press("#continue")  # the plan
    browser.press("#change")
    browser.press("#continue")
    assert browser.heading == "Check your answers", browser.error_links()
    assert len(browser.case["locations"][0]["reports"]) == 1


def test_api_progress_and_calendar(client):
    at = (datetime.now(UTC) - timedelta(hours=50)).replace(microsecond=0)
    data = browser_case(client, at)
    response = client.post(f"{API}/progress", json=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    first, second = response.get_json()["progress"]
    assert first["state"] == "overdue" and first["letter"] == "follow-up"
    assert first["rule"]["basis"] in ("practice", "ours") and first["rule"]["source"]
    assert second["state"] == "not-reported"
    datetime.fromisoformat(first["due_at"])
    calendar = client.post(f"{API}/calendar", json=data)
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"
    bad = client.post(f"{API}/progress", json={**data, "locations": [
        {"url": "https://www.instagram.com/p/x", "reports": [{"channel": "fax"}]}]})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.get_json()["errors"]}
    assert fields == {"locations[0].reports[0].channel", "locations[0].reports[0].at"}
    letter = client.post(f"{API}/letters/follow-up?platform=instagram", json=data)
    assert letter.status_code == 200 and "IG-555-123" in pdf_text(letter.data)
