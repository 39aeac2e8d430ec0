"""The case file: save it, open it again, and never fall over on a bad one."""

import io
import json
from datetime import date
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takedown import platforms
from takedown.case import JURISDICTIONS, ROLES, SCHEMA, case_to_dict, parse_case
from tests.helpers import Browser, answer, new_app, normalize_spaces, page_checks


def save(browser) -> dict:
    browser.press("#save")
    response = browser.response
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    reference = json.loads(response.data)["reference"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="takedown-case-{reference}.json"')
    return json.loads(response.data)


def open_file(browser, content: bytes, filename="takedown-case.json"):
    browser.get("/case/open")
    return browser.press("#open", files={"case_file": (content, filename)})


def test_open_page_takes_only_a_json_file(client):
    html = page_checks(client.get("/case/open"))
    upload = html.select_one("input[type=file]")
    assert upload["accept"] == ".json,application/json"
    assert html.select_one("form")["enctype"] == "multipart/form-data"


def test_save_then_open_gives_the_same_case(client):
    browser = Browser(client)
    answer(browser, requester_name="Pat", requester_address="1 Road\nTown", concerns_threats="y",
           **{"places__0__account": "@x", "places__0__first_seen": "2026-01-05"})
    saved = save(browser)
    open_file(browser, json.dumps(saved).encode())
    assert browser.heading == "Your progress"
    assert "Your case file is open" in browser.text
    browser.press("#change")
    assert browser.heading == "Tell us what has happened"
    assert not browser.page.select(".error-summary")
    browser.press("#continue")
    assert browser.heading == "Check your answers"
    assert browser.case == saved


def test_an_opened_case_can_have_a_place_added_and_be_saved_again(client):
    browser = Browser(client)
    answer(browser)
    saved = save(browser)
    open_file(browser, json.dumps(saved, indent=2).encode("utf-8-sig"))
    browser.press("#change", {"step": "4"})  # as the check page's "Change place" does
    browser.press("#add-place")
    browser.press("#continue", {"places-1-platform": "snapchat"})
    browser.page = page_checks(browser.response)
    again = save(browser)
    assert again["reference"] == saved["reference"]
    assert again["locations"] == saved["locations"] + [{"platform": "snapchat", "reports": []}]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.parametrize("content, message", [
    (b"", "Select your case file"),
    (b"not json at all", "The file is not a case file from this site"),
    (PNG, "The file is not a case file from this site"),
    (b"\xff\xfe\x00bad", "The file is not a case file from this site"),
    (b"[" * 50000 + b"]" * 50000, "bigger than 64 KB"),
    (b"[" * 30000, "The file is not a case file from this site"),
    (b'{"a": ' + b"9" * 5000 + b"}", "The file is not a case file from this site"),
    (b'{"schema": "takedown-case/4"}', "The file is not a Takedown case file"),
    (b"[1, 2, 3]", "The file is not a Takedown case file"),
    (b'"takedown-case/1"', "The file is not a Takedown case file"),
    (json.dumps({"schema": SCHEMA, "x": "y" * 70000}).encode(), "bigger than 64 KB"),
])
def test_a_bad_file_gets_a_clear_message(client, content, message):
    browser = Browser(client).get("/case/open")
    if content:
        browser.press("#open", files={"case_file": (content, "case.json")})
    else:
        browser.press("#open")
    assert browser.response.status_code == 400
    assert browser.heading == "Open a case file"
    assert browser.page.title.text.startswith("Error: ")
    links = browser.error_links()
    assert len(links) == 1 and links[0][0] == "#case_file" and message in links[0][1]
    assert browser.page.select_one("#case_file")


def test_a_file_with_bad_answers_opens_with_each_problem_shown(client):
    case = {"schema": SCHEMA, "jurisdiction": "mars", "requester": {"role": "parent",
            "email": "nope"}, "person": {"age": 200},
            "locations": [{"platform": "instagram"}, {"url": "javascript:alert(1)"}]}
    browser = open_file(Browser(client), json.dumps(case).encode())
    assert browser.response.status_code == 200
    links = dict(browser.error_links())
    assert links["#jurisdiction-0"] == "Select where you are"
    assert links["#requester_email"].startswith("Your email address must be")
    assert links["#person_age"] == "Their age must be a whole number from 0 to 120"
    assert links["#places-1-url"].startswith("Place 2: link must be a web address")
    assert browser.value("places-1-url") == "javascript:alert(1)"
    assert browser.value("requester_email") == "nope"


def test_a_file_bigger_than_the_whole_request_limit_is_a_calm_413(client):
    browser = Browser(client).get("/case/open")
    element = browser.page.select_one("#open")
    form = element.find_parent("form")
    response = client.post(form["action"], data={"case_file": (io.BytesIO(b"x" * 300_000), "a.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page_checks(response)


# --- Property: any valid case survives save -> open -> continue unchanged ---------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\r"),
    min_size=1, max_size=30,
).map(str.strip).filter(bool)
_LINES = st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)
_SLUG = st.sampled_from([p.slug for p in platforms.all_platforms()])
_PATH = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/?=&%.~", max_size=40)
_URL = st.builds(lambda host, path: f"{host}/{path}", st.sampled_from([
    "https://www.instagram.com", "tiktok.com", "https://unknown-site.example", "www.reddit.com",
    "http://xn--bcher-kva.example"]), _PATH)


def _optional(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def valid_cases(draw):
    location = draw(st.lists(st.fixed_dictionaries({
        "url": _optional(_URL), "platform": _optional(_SLUG), "description": _optional(_TEXT),
        "account": _optional(_TEXT),
        "first_seen": _optional(st.dates(date(1990, 1, 1), date.today()).map(date.isoformat)),
    }), min_size=1, max_size=20))
    for place in location:
        if place["url"] is None and place["platform"] is None:
            place["platform"] = "other"
        found = platforms.identify(place["url"]) if place["url"] else None
        if found is not None and place["platform"] is not None:
            place["platform"] = found.slug  # a link we recognise decides the platform
    age = draw(st.one_of(st.none(), st.integers(0, 120)))
    data = {
        "schema": SCHEMA,
        "jurisdiction": draw(st.sampled_from(list(JURISDICTIONS))),
        "requester": {"role": draw(st.sampled_from(list(ROLES))), "name": draw(_optional(_TEXT)),
                      "email": draw(_optional(st.sampled_from(["a@b.example", "x.y@z.co.uk"]))),
                      "phone": draw(_optional(st.sampled_from(["01632 960 001", "+1 (555) 0100"]))),
                      "organisation": draw(_optional(_TEXT)), "address": draw(_optional(_LINES))},
        "person": {"age": age, "under_18": draw(st.booleans()) if age is None else age < 18,
                   "name": draw(_optional(_TEXT)), "school": draw(_optional(_TEXT))},
        "concerns": {key: draw(st.booleans()) for key in
                     ("immediate_danger", "threats", "adult_involved", "shared_at_school")},
        "locations": [{k: v for k, v in place.items() if v is not None} for place in location],
        "school": {"name": draw(_optional(_TEXT)), "email": draw(_optional(st.just("s@s.example"))),
                   "contact_name": draw(_optional(_TEXT)), "address": draw(_optional(_LINES))},
    }
    for part in ("requester", "person", "school"):
        data[part] = {k: v for k, v in data[part].items() if v is not None or k == "age"}
    return case_to_dict(parse_case(data))


@cache
def _client_and_token():
    """One client for the run, and the CSRF token its session takes (the open page gives it)."""
    client = new_app().test_client()
    return client, _token(client)


@given(valid_cases())
def test_any_valid_case_survives_save_and_open(case):
    client, token = _client_and_token()
    saved = client.post("/case/save", data={"case": json.dumps(case), "csrf_token": token})
    assert saved.status_code == 200 and saved.mimetype == "application/json"
    assert json.loads(saved.data) == case
    browser = open_file(Browser(client), saved.data)
    assert browser.heading == "Your progress"
    browser.press("#change")
    assert not browser.page.select(".error-summary"), browser.error_links()
    browser.press("#continue")
    assert browser.heading == "Check your answers", browser.error_links()
    assert browser.case == case


def _token(client) -> str:
    return page_checks(client.get("/case/open")).select_one("input[name=csrf_token]")["value"]


def test_saved_file_is_readable_json_with_the_schema_first(client):
    browser = Browser(client)
    answer(browser)
    browser.press("#save")
    text = browser.response.get_data(as_text=True)
    assert text.startswith('{\n  "schema": "takedown-case/3"')
    assert normalize_spaces(text)
