"""The report log (takedown-case/2 on), next_steps, the calendar file and the letters after a report."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import a_case, a_letter_case, cases, new_app, pdf_text
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from werkzeug.datastructures import MultiDict

from takedown import deadlines, jurisdictions, letters, reminders
from takedown.case import (
    CHANNELS,
    OUTCOMES,
    SCHEMA,
    CaseInvalid,
    case_to_dict,
    loads,
    parse_case,
)
from takedown.web.forms import CaseForm, case_form_from_data, case_from_form, moment_from_form

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
FORM_APP = new_app()
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")


def report(hours_ago: float, channel: str = "in-app", **extra) -> dict:
    return {"channel": channel, "at": (NOW - timedelta(hours=hours_ago)).isoformat(), **extra}


def with_reports(*reports, **changes) -> dict:
    return a_case(locations=[{"url": "https://www.instagram.com/p/abc/",
                              "reports": list(reports)}], **changes)


# --- the schema ---------------------------------------------------------------------------


def test_a_v1_file_opens_and_is_saved_as_v3_with_an_empty_report_log():
    case = parse_case(a_case())
    data = case_to_dict(case)
    assert data["schema"] == SCHEMA == "takedown-case/3"
    assert data["locations"][0]["reports"] == []


def test_a_report_keeps_every_field_and_its_offset():
    data = with_reports({"channel": "web-form", "at": "2026-11-30T08:00:00-05:00",
                         "reference": "IG-123", "outcome": "refused",
                         "outcome_at": "2026-12-01T09:30:00-05:00", "note": "said no"})
    saved = case_to_dict(parse_case(data))["locations"][0]["reports"][0]
    assert saved == {"channel": "web-form", "at": "2026-11-30T08:00:00-05:00",
                     "reference": "IG-123", "outcome": "refused",
                     "outcome_at": "2026-12-01T09:30:00-05:00", "note": "said no"}


@pytest.mark.parametrize("bad, field, words", [
    ({"channel": "fax"}, "channel", "must be one of"),
    ({"at": "2026-11-30 08:00"}, "at", "offset from UTC"),
    ({"at": "2026-11-30T08:00:00"}, "at", "offset from UTC"),
    ({"at": None}, "at", "Enter the date and time"),
    ({"outcome": "lost"}, "outcome", "must be one of"),
    ({"outcome_at": "2026-11-29T08:00:00+00:00"}, "outcome_at", "after the report"),
])
def test_a_bad_report_names_its_field(bad, field, words):
    data = with_reports({**report(5), **bad})
    with pytest.raises(CaseInvalid) as raised:
        parse_case(data, today=NOW.date())
    [error] = raised.value.errors
    assert error.field == f"locations[0].reports[0].{field}"
    assert words in error.message


def test_a_report_in_the_future_is_refused_against_today():
    data = with_reports(report(-72))
    with pytest.raises(CaseInvalid) as raised:
        parse_case(data, today=NOW.date())
    assert raised.value.errors[0].message == "must be now or in the past"


moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 30),
                       timezones=st.sampled_from([ZoneInfo(z) for z in ZONES] + [UTC]))
reports = st.fixed_dictionaries(
    {"channel": st.sampled_from(list(CHANNELS)), "at": moments},
    optional={"reference": st.text("ABC123-/ ", min_size=1, max_size=20).map(str.strip)
              .filter(bool),
              "outcome": st.sampled_from(list(OUTCOMES)),
              "later": st.integers(0, 24 * 400)},
)


def _report_data(item: dict) -> dict:
    out = {"channel": item["channel"], "at": item["at"].isoformat()}
    if "reference" in item:
        out["reference"] = item["reference"]
    if "outcome" in item:
        out["outcome"] = item["outcome"]
        if "later" in item:
            out["outcome_at"] = (item["at"] + timedelta(hours=item["later"])).isoformat()
    return out


@st.composite
def v2_cases(draw):
    data = draw(cases())
    for location in data["locations"]:
        location["reports"] = [_report_data(r) for r in draw(st.lists(reports, max_size=3))]
    data["schema"] = SCHEMA
    return data


def _valid(data):
    try:
        return parse_case(data, today=NOW.date())
    except CaseInvalid:
        return None


@settings(max_examples=60, deadline=None)
@given(v2_cases())
def test_any_case_2_round_trips_through_the_file(data):
    case = _valid(data)
    if case is None:
        return
    text = json.dumps(case_to_dict(case), indent=2, ensure_ascii=False)
    assert loads(text.encode("utf-8-sig"), today=NOW.date(), from_file=True) == case


@settings(max_examples=40, deadline=None)
@given(v2_cases())
def test_any_case_2_round_trips_through_the_form(data):
    case = _valid(data)
    if case is None:
        return
    with FORM_APP.test_request_context(method="POST"):
        form = case_form_from_data(case_to_dict(case), meta={"csrf": False})
        posted = CaseForm(formdata=MultiDict(_form_fields(form)), meta={"csrf": False})
        again = case_from_form(posted)
    assert again is not None
    assert case_to_dict(again) == case_to_dict(case)


def _form_fields(form) -> list[tuple[str, str]]:
    fields = []
    for field in form:
        if field.type in ("FormField", "FieldList"):
            fields += _form_fields(field.entries if field.type == "FieldList" else field.form)
        elif hasattr(field, "form") and field.type not in ("RadioField",):
            fields += _form_fields(field.form)
        elif field.type == "BooleanField":
            if field.data:
                fields.append((field.name, "y"))
        elif field.data not in (None, ""):
            fields.append((field.name, str(field.data)))
    return fields


# --- next_steps ---------------------------------------------------------------------------


def test_an_instagram_report_50_hours_ago_is_overdue_with_a_follow_up():
    case = parse_case(with_reports(report(50, reference="IG-1")))
    [step] = deadlines.next_steps(case, NOW)
    assert step.state == "overdue"
    assert step.hours_passed == 50
    assert step.letter == "follow-up"
    assert step.rule.ours and "our own suggestion" in step.rule.says
    assert [s.slug for s in step.routes] == ["iwf", "report-remove"]


def test_a_report_10_hours_ago_is_waiting_with_38_hours_left():
    [step] = deadlines.next_steps(parse_case(with_reports(report(10))), NOW)
    assert (step.state, step.hours_left) == ("waiting", 38)
    assert step.due_at == NOW + timedelta(hours=38)


def test_a_take_it_down_request_counts_the_law_s_48_hours():
    case = parse_case(with_reports(report(49, "take-it-down-form"), jurisdiction="us"))
    [step] = deadlines.next_steps(case, NOW)
    assert step.rule.slug == "take-it-down-act-48-hours" and step.rule.basis == "law"
    assert step.state == "overdue"
    assert "ftc-take-it-down" in [s.slug for s in step.routes]


def test_a_take_it_down_request_before_the_act_applied_gets_our_default():
    old = {"channel": "take-it-down-form", "at": "2026-05-01T10:00:00-04:00"}
    [step] = deadlines.next_steps(parse_case(with_reports(old, jurisdiction="us")), NOW)
    assert step.rule.slug != "take-it-down-act-48-hours"


def test_posh_s_48_hours_is_for_professionals_only():
    caseworker = parse_case(with_reports(report(5), requester={"role": "caseworker"}))
    parent = parse_case(with_reports(report(5)))
    assert deadlines.next_steps(caseworker, NOW)[0].rule.slug == "posh-48-hours"
    assert deadlines.next_steps(parent, NOW)[0].rule.slug == "uk-our-48-hours"


def test_an_eu_refusal_leaves_six_months_for_the_internal_complaint():
    refused = report(30, outcome="refused",
                     outcome_at=datetime(2026, 12, 1, 9, tzinfo=UTC).isoformat())
    [step] = deadlines.next_steps(parse_case(with_reports(refused, jurisdiction="eu")), NOW)
    assert step.state == "refused" and step.letter == "escalation"
    assert step.due_at.astimezone(ZoneInfo("Europe/Brussels")).date() == date(2027, 6, 1)


def test_a_removed_place_says_check_again_and_copies_come_back():
    removed = report(30, outcome="removed")
    [step] = deadlines.next_steps(parse_case(with_reports(removed)), NOW)
    assert step.state == "removed" and "copies come back" in step.next_step
    assert step.due_at > NOW


def test_a_place_with_no_report_says_report_it():
    [step] = deadlines.next_steps(parse_case(a_case()), NOW)
    assert step.state == "not-reported" and step.next_step.startswith("Report it on Instagram")


def test_next_steps_needs_an_aware_now():
    with pytest.raises(ValueError):
        deadlines.next_steps(parse_case(a_case()), datetime(2026, 12, 2, 10))


@settings(max_examples=80, deadline=None)
@given(case_data=v2_cases(), later=st.integers(0, 24 * 800),
       zone=st.sampled_from([ZoneInfo(z) for z in ZONES]))
def test_next_steps_properties(case_data, later, zone):
    case = _valid(case_data)
    if case is None:
        return
    now = (datetime(2026, 11, 30, tzinfo=UTC) + timedelta(hours=later)).astimezone(zone)
    for step in deadlines.next_steps(case, now):
        if step.due_at is not None and step.report is not None:
            assert step.due_at >= step.report.at, "a deadline never precedes its report"
        if step.overdue:
            assert step.next_step.strip(), "every overdue place has a next step"
            assert step.report.outcome == "no-reply" or step.due_at <= now
            if step.first is not None and step.location.platform != "other":
                assert step.letter == "follow-up" or step.routes
        if step.rule is not None and step.rule.hours and step.state in ("waiting", "overdue"):
            assert step.due_at - step.report.at == timedelta(hours=step.rule.hours)


@pytest.mark.parametrize("zone, start", [
    ("Europe/London", datetime(2026, 3, 28, 12, 0)),      # clocks go forward on 29 March
    ("Europe/London", datetime(2026, 10, 24, 12, 0)),     # and back on 25 October
    ("America/New_York", datetime(2026, 3, 7, 12, 0)),    # forward on 8 March
    ("America/New_York", datetime(2026, 10, 31, 12, 0)),  # back on 1 November
    ("Australia/Sydney", datetime(2026, 4, 4, 12, 0)),    # back on 5 April
    ("Australia/Sydney", datetime(2026, 10, 3, 12, 0)),   # forward on 4 October
])
def test_48_hours_across_a_clock_change_are_48_real_hours(zone, start):
    at = start.replace(tzinfo=ZoneInfo(zone))
    jurisdiction = {"Europe/London": "england", "America/New_York": "us",
                    "Australia/Sydney": "australia"}[zone]
    case = parse_case(with_reports({"channel": "in-app", "at": at.isoformat()},
                                   jurisdiction=jurisdiction))
    [step] = deadlines.next_steps(case, at + timedelta(hours=1))
    assert step.due_at - at == timedelta(hours=48)
    local = step.due_at.astimezone(ZoneInfo(zone))
    assert local.hour != 12, "the wall clock shows the hour the clocks changed by"


def test_a_typed_time_takes_the_offset_of_its_own_day():
    assert moment_from_form("2026-07-01T10:00", "england") == "2026-07-01T10:00:00+01:00"
    assert moment_from_form("2026-01-01T10:00", "england") == "2026-01-01T10:00:00+00:00"
    assert moment_from_form("2026-07-01T10:00", "australia") == "2026-07-01T10:00:00+10:00"
    assert moment_from_form("2026-07-01T10:00", "us", "America/Los_Angeles").endswith("-07:00")
    assert moment_from_form("yesterday", "us") == "yesterday"
    assert moment_from_form("31/12/2026 14:00", "england") == "2026-12-31T14:00:00+00:00"
    assert moment_from_form("12/31/2026 2:00 PM", "us") == "2026-12-31T14:00:00-05:00"
    assert moment_from_form("31/12/2026 14:00", "us") == "31/12/2026 14:00"


def test_every_rule_is_sourced_and_every_route_is_a_service():
    rules = deadlines.all_deadlines()
    assert {r.slug for r in rules} >= {"take-it-down-act-48-hours", "eu-art-20-complaint",
                                        "posh-48-hours", "australia-our-48-hours"}
    for rule in rules:
        assert rule.source.url.startswith("https://") and rule.source.last_checked
        if rule.ours:
            assert "our own suggestion" in rule.says or "No law" in rule.says


# --- the calendar file ---------------------------------------------------------------------


def test_the_calendar_reminds_the_next_morning_and_at_each_chase_by_time_never_at_night():
    data = a_letter_case(locations=[
        {"url": "https://www.instagram.com/p/ABC123/", "account": "@sharer",
         "reports": [report(10, reference="IG-1")]},
        {"url": "https://www.tiktok.com/@x/video/1", "reports": [report(50)]},
        {"url": "https://forum.example.org/t/9"},
    ])
    case = parse_case(data)
    calendar = Calendar.from_ical(reminders.calendar_file(case, NOW))
    events = calendar.walk("VEVENT")
    london = ZoneInfo("Europe/London")
    # The overdue TikTok report and the place not reported yet: one event, the next morning at
    # 09:00. Instagram's chase-by time (NOW + 38 hours) is midnight in London: it moves to 09:00.
    starts = [event.decoded("dtstart").astimezone(london) for event in events]
    assert starts == [datetime(2026, 12, 3, 9, 0, tzinfo=london),
                      datetime(2026, 12, 4, 9, 0, tzinfo=london)]
    assert (NOW + timedelta(hours=38)).astimezone(london).hour == 0
    assert "check on report 2, 3." in str(events[0]["description"])
    text = calendar.to_ical().decode()
    assert "TD-7KQ2-M9XP" in text and "Check on report" in text
    for word in ("Instagram", "instagram", "http", "@sharer", "image", "Sam", "IG-1", "TikTok"):
        assert word not in text
    for event in events:
        [alarm] = event.walk("VALARM")
        assert alarm["action"] == "DISPLAY"


def test_a_refused_place_is_reminded_the_next_morning_and_an_eu_complaint_s_last_day_too():
    refused = report(30, reference="IG-1", outcome="refused",
                     outcome_at=(NOW - timedelta(hours=20)).isoformat())
    [one] = reminders.reminders(parse_case(with_reports(refused)), NOW)
    assert one.at == datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    eu = reminders.reminders(parse_case(with_reports(refused, jurisdiction="eu")), NOW)
    assert len(eu) == 2 and eu[1].why == ("the last day for its next step",)


def test_the_next_morning_is_today_s_before_8_and_tomorrow_s_after():
    london = ZoneInfo("Europe/London")
    early = datetime(2026, 12, 2, 6, 30, tzinfo=london)
    late = datetime(2026, 12, 2, 8, 0, tzinfo=london)
    assert deadlines.next_morning(early, london) == datetime(2026, 12, 2, 9, tzinfo=london)
    assert deadlines.next_morning(late, london) == datetime(2026, 12, 3, 9, tzinfo=london)


@pytest.mark.parametrize("hour, moved_to", [(20, None), (21, (3, 9)), (23, (3, 9)), (0, (2, 9)),
                                            (7, (2, 9)), (8, None)])
def test_a_reminder_at_night_moves_to_9(hour, moved_to):
    london = ZoneInfo("Europe/London")
    moment = datetime(2026, 12, 2, hour, 30, tzinfo=london)
    expected = moment if moved_to is None else datetime(2026, 12, *moved_to, tzinfo=london)
    assert deadlines.out_of_night(moment, london) == expected


def test_a_report_logged_at_2am_is_not_reminded_at_2am():
    zone = ZoneInfo("Europe/London")
    at = datetime(2026, 12, 1, 2, 0, tzinfo=zone)
    case = parse_case(with_reports({"channel": "in-app", "at": at.isoformat()}))
    [one] = reminders.reminders(case, at + timedelta(minutes=5))
    assert one.at.astimezone(zone) == datetime(2026, 12, 3, 9, 0, tzinfo=zone)


_states = st.fixed_dictionaries({
    "hours_ago": st.floats(min_value=0, max_value=24 * 400, allow_nan=False),
    "outcome": st.sampled_from(["waiting", "removed", "refused", "no-reply", "partly-removed"]),
    "channel": st.sampled_from(["in-app", "web-form", "take-it-down-form", "email", "iwf"]),
})


@settings(max_examples=150, deadline=None)
@given(places=st.lists(st.one_of(st.none(), _states), min_size=1, max_size=4),
       jurisdiction=st.sampled_from(["england", "us", "eu", "australia"]),
       zone_pick=st.integers(min_value=0, max_value=20),
       now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(UTC)))
def test_reminders_never_fall_at_night_never_precede_the_report_and_never_leave_a_gap(
        places, jurisdiction, zone_pick, now):
    locations = []
    for index, place in enumerate(places):
        reports = []
        if place is not None:
            at = now - timedelta(hours=place["hours_ago"])
            reports.append({"channel": place["channel"], "at": at.isoformat(),
                            "outcome": place["outcome"]})
        locations.append({"url": f"https://forum.example.org/t/{index}", "reports": reports})
    offered = jurisdictions.get(jurisdiction).time_zones
    chosen = offered[zone_pick % len(offered)]
    case = parse_case(a_case(jurisdiction=jurisdiction, locations=locations, time_zone=chosen))
    zone = deadlines.zone_of(case)
    assert zone.key == chosen
    found = reminders.reminders(case, now)
    for item in found:
        local = item.at.astimezone(zone).time()
        assert deadlines.NIGHT_ENDS <= local < deadlines.NIGHT_STARTS, item
        assert item.at > now
        for number in item.places:
            for logged in case.locations[number - 1].reports:
                assert item.at > logged.at
    to_do = [s for s in deadlines.next_steps(case, now)
             if s.state in ("overdue", "refused", "not-reported")
             or (s.due_at is not None and s.due_at > now)]
    if to_do:
        assert found, "something is due or overdue: the calendar is not empty"
        events = Calendar.from_ical(reminders.calendar_file(case, now)).walk("VEVENT")
        assert len(events) == len(found)


# --- letters after a report -------------------------------------------------------------


def _letter_case(*reports, **changes):
    return parse_case(a_letter_case(locations=[
        {"url": "https://www.instagram.com/p/ABC123/", "reports": list(reports)}], **changes))


def test_the_follow_up_letter_quotes_the_report_and_the_hours_passed():
    case = _letter_case(report(50, reference="IG-123"))
    made = letters.make("follow-up", case, "instagram", today=NOW.date(), now=NOW)
    text = pdf_text(made.pdf)
    assert made.filename == "takedown-TD-7KQ2-M9XP-instagram-follow-up.pdf"
    assert "IG-123" in text and "50 hours" in text
    assert "Monday 30 November 2026, 08:00" in text
    assert "swiftly" in text and "It sets no number of hours" in text


def test_the_follow_up_needs_a_logged_report():
    case = _letter_case()
    with pytest.raises(letters.LetterUnavailable) as raised:
        letters.make("follow-up", case, "instagram", today=NOW.date(), now=NOW)
    assert "Log the report" in raised.value.errors[0].message


@pytest.mark.parametrize("jurisdiction, words", [
    ("england", "Updated record for the Internet Watch Foundation"),
    ("us", "NCMEC CyberTipline"),
    ("eu", "complain under Article 53"),
    ("australia", "eSafety"),
])
def test_the_next_step_letter_follows_the_jurisdiction(jurisdiction, words):
    refused = report(50, reference="IG-9", outcome="refused",
                     outcome_at=(NOW - timedelta(hours=1)).isoformat())
    case = _letter_case(refused, jurisdiction=jurisdiction)
    text = pdf_text(letters.make("escalation", case, "instagram", today=NOW.date(), now=NOW).pdf)
    assert words in text and "IG-9" in text


def test_the_pack_fills_the_incident_log_and_adds_due_follow_ups():
    case = _letter_case(report(50, reference="IG-123"))
    text = pdf_text(letters.make("pack", case, today=NOW.date(), now=NOW).pdf)
    assert "Follow-up: the image I reported is still on Instagram" in text
    log = text[text.rindex("Incident log"):]
    assert "IG-123" in log and "Instagram: Reported in the app" in log


def test_the_record_lists_every_report_without_links():
    case = _letter_case(report(50, reference="IG-123"))
    text = pdf_text(letters.make("record", case, today=NOW.date(), now=NOW).pdf)
    assert "IG-123" in text and "https://" not in text


def test_the_facts_report_counts_the_deadlines():
    from takedown import facts
    names = {fact.entry for fact in facts.all_facts()}
    assert "deadline 'take-it-down-act-48-hours'" in names


@pytest.mark.parametrize("change, words", [
    ({"routes": ["nowhere"]}, "route 'nowhere' is not in services.toml"),
    ({"hours": None}, "field 'hours' is needed when after = report"),
    ({"basis": "guess"}, "field 'basis' must be one of"),
    ({"hours": 0}, "field 'hours' must be a whole number above 0"),
])
def test_a_bad_deadline_entry_is_named(change, words):
    import tomllib

    import tomli_w

    from takedown.datafile import DataFileError
    entry = dict(tomllib.loads(deadlines.DATA_FILE.read_text(encoding="utf-8"))["deadline"][0])
    for key, value in change.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    with pytest.raises(DataFileError) as raised:
        deadlines.parse_deadlines(tomli_w.dumps({"deadline": [entry]}))
    assert words in str(raised.value) and "take-it-down-act-48-hours" in str(raised.value)


@settings(max_examples=30, deadline=None)
@given(v2_cases())
def test_any_case_2_round_trips_through_the_api(data):
    case = _valid(data)
    if case is None:
        return
    client = FORM_APP.test_client()
    sent = case_to_dict(case)
    for path in ("/api/v1/plan", "/api/v1/progress"):
        response = client.post(path, json=sent)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["case"] == sent


@pytest.mark.parametrize("jurisdiction", ["england", "wales", "scotland", "northern-ireland"])
@pytest.mark.parametrize("outcome", ["refused", "no-reply"])
def test_a_child_s_next_step_never_points_to_an_adults_service_nor_an_adult_s_to_the_iwf(
        jurisdiction, outcome):
    refused = report(60, reference="IG-1", outcome=outcome,
                     outcome_at=(NOW - timedelta(hours=20)).isoformat())
    for age, absent in ((15, ("Revenge Porn", "for an adult")), (30, ("IWF", "Report Remove"))):
        case = parse_case(with_reports(refused, jurisdiction=jurisdiction,
                                       person={"age": age, "under_18": age < 18}))
        [step] = deadlines.next_steps(case, NOW)
        said = " ".join([step.next_step, *(s.name for s in step.routes)])
        for words in absent:
            assert words not in said, (age, said)
        if age >= 18:
            assert step.letter != "escalation"  # the IWF record is for images of children
