"""The progress pages without JavaScript: open a v1 file, log reports, letters, calendar, save."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from helpers import API, Browser, a_letter_case, answer, pdf_pages, pdf_text
from icalendar import Calendar

from takedown import deadlines

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
    # The page says what the file will hold before it is downloaded.
    summary = browser.page.select_one("#reminders-summary").text
    assert "The calendar file will hold 2 reminders, none at night (London time)" in summary
    listed = browser.page.select_one("#reminder-list").text
    assert "place 1 (Instagram), refused: ask it to look again" in listed
    assert "place 2 (TikTok), the time to chase it" in listed
    browser.press("#calendar")
    assert browser.response.mimetype == "text/calendar"
    assert browser.response.headers["Cache-Control"] == "no-store"
    events = Calendar.from_ical(browser.response.data).walk("VEVENT")
    starts = sorted(event.decoded("dtstart") for event in events)
    logged = datetime.fromisoformat(case["locations"][1]["reports"][0]["at"])
    chase = deadlines.out_of_night(logged + timedelta(hours=48), _london())
    morning = deadlines.next_morning(datetime.now(UTC), _london())
    # The refusal: the next morning at 09:00; the TikTok report: its chase-by time, by day.
    assert starts == sorted({morning, chase}) and morning.astimezone(_london()).hour == 9
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


def test_the_page_says_when_there_is_nothing_to_remind(client):
    data = json.loads(json.dumps(V1))
    removed = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0).isoformat()
    for place in data["locations"]:
        place["reports"] = [{"channel": "in-app", "at": removed, "outcome": "removed",
                             "outcome_at": removed}]
    browser = _open(client, data)
    assert "There is nothing to remind you of now" in browser.page.select_one(
        "#reminders-summary").text
    assert browser.page.select_one("#calendar") is None


US_CASE = a_letter_case(jurisdiction="us", requester={"role": "parent"}, locations=[
    {"url": "https://www.instagram.com/p/ABC123/"}])


def test_a_us_family_types_a_date_and_chooses_los_angeles_time_and_the_case_keeps_it(client):
    browser = _open(client, US_CASE)
    assert "(New York time)" in browser.page.select_one("#reminders-summary").text
    browser.press("#log-0")
    assert "month/day/year, like 12/31/2026 2:00 PM" in browser.text
    browser.press("#log-report", {"channel": "web-form", "at": "11/30/2026 2:00 PM",
                                  "zone": "America/Los_Angeles", "reference": "R-1"})
    assert browser.heading == "Your progress", browser.error_links()
    # It says what it understood, in the zone chosen.
    assert ("reported Monday November 30, 2026, 14:00 (Los Angeles time)"
            in browser.page.select_one(".notice").text)
    assert "New York time" not in browser.text and "Los Angeles time" in browser.text
    case = browser.case
    assert case["time_zone"] == "America/Los_Angeles"
    assert case["locations"][0]["reports"][0]["at"] == "2026-11-30T14:00:00-08:00"
    # The next report's form starts in the zone the family chose.
    browser.press("#update-0")
    assert browser.page.select_one("#zone option[selected]")["value"] == "America/Los_Angeles"
    assert browser.value("at") == "2026-11-30T14:00"
    # Saved and opened again, the case is still in Los Angeles time.
    again = _open(client, json.loads(_saved(client, case)))
    assert "Los Angeles time" in again.text and "New York time" not in again.text


def test_a_uk_date_typed_day_first_is_read_and_a_wrong_one_is_named(client):
    browser = _open(client)
    browser.press("#log-0")
    browser.press("#log-report", {"channel": "email", "at": "31/11/2026 14:00",
                                  "reference": "REF-1", "outcome": "refused",
                                  "outcome_at": "1/12/2026"})
    assert browser.heading == "Log a report"
    [(anchor, message)] = browser.error_links()
    assert message == ("When did you report it? Enter the date and time as day/month/year, "
                       "like 31/12/2026 14:00")
    assert "offset from UTC" not in browser.text
    assert browser.value("reference") == "REF-1" and browser.value("at") == "31/11/2026 14:00"
    browser.press("#log-report", {"at": "30/11/2026 14:00"})
    assert browser.heading == "Your progress", browser.error_links()
    notice = browser.page.select_one(".notice").text
    assert "reported Monday 30 November 2026, 14:00 (London time)" in notice
    assert "the answer Tuesday 1 December 2026, 00:00 (London time)" in notice


def test_a_time_zone_the_jurisdiction_does_not_offer_is_named(client):
    response = client.post(f"{API}/progress", json={**V1, "time_zone": "America/New_York"})
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "time_zone" and "Europe/London" in error["message"]


def test_the_chosen_time_zone_survives_changing_the_answers(client):
    browser = _open(client, {**US_CASE, "time_zone": "America/Los_Angeles"})
    assert "Los Angeles time" in browser.text
    browser.press("#change")
    for _ in range(6):
        if browser.heading != "Tell us what has happened":
            break
        browser.press("#continue")
    assert browser.case["time_zone"] == "America/Los_Angeles", browser.heading
    # A family that moves the case to another country starts in that country's first zone.
    browser = _open(client, {**US_CASE, "time_zone": "America/Los_Angeles"})
    browser.press("#change")
    browser.press("#continue", {"jurisdiction": "australia"})
    for _ in range(6):
        if browser.heading != "Tell us what has happened":
            break
        browser.press("#continue")
    assert browser.case["jurisdiction"] == "australia" and "time_zone" not in browser.case


def test_the_question_page_reads_an_in_app_time_typed_day_first_and_names_a_wrong_one(client):
    browser = Browser(client)
    answer(browser, **{"places-0-in_app_at": "30/11/2026 9:15", "places-0-in_app_reference": "A"})
    assert browser.heading == "Check your answers", browser.error_links()
    assert browser.case["locations"][0]["reports"][0]["at"] == "2026-11-30T09:15:00+00:00"
    answer(browser, **{"places-0-in_app_at": "31/11/2026 9:15"})
    [(_, message)] = browser.error_links()
    assert message == ("Place 1: when did you report it in the app? Enter the date and time as "
                       "day/month/year, like 31/12/2026 14:00")
    assert "offset from UTC" not in browser.text


def test_the_record_of_reports_starts_its_log_on_the_first_page(client):
    data = browser_case(client, datetime.now(UTC) - timedelta(hours=50))
    response = client.post(f"{API}/letters/record", json=data)
    assert response.status_code == 200
    first = pdf_pages(response.data)[0]
    assert "Incident log" in first and "IG-555-123" in first


def _busy_case(places: int = 20, reports: int = 5) -> dict:
    report = {"channel": "in-app", "at": "2026-11-01T10:00:00+00:00", "reference": "R-1"}
    return a_letter_case(locations=[
        {"url": f"https://www.instagram.com/p/P{i}/", "reports": [report] * reports}
        for i in range(places)])


def test_the_progress_page_carries_the_case_once_however_many_places(client):
    """Every place's buttons belong to the one form holding the case (the HTML form
    attribute): a page for 20 places is not 20 copies of the case."""
    browser = _open(client, _busy_case())
    assert browser.heading == "Your progress"
    assert len(browser.page.select("[name=case]")) == 1
    body = browser.response.get_data(as_text=True)
    case_field = browser.page.select_one("input[name=case]")["value"]
    assert len(body) < len(case_field) * 2 + 200_000
    for button in browser.page.select("button[form]"):
        assert button["form"] == browser.page.select_one("input[name=case]").parent["id"]
    # The buttons still do what they did.
    browser.press("#log-3")
    assert browser.heading == "Log a report" and "Place 4:" in browser.text
    assert len(browser.page.select("[name=case]")) == 1
    browser.press("#cancel")
    assert browser.heading == "Your progress"
    browser.press("#update-2")
    assert browser.heading == "Log a report" and browser.value("reference") == "R-1"
