"""The Big List of Naughty Strings through every text field of the web forms and the API.

tests/data/blns.json is the list as published by Max Woolf (MIT licence, in
tests/data/blns.LICENSE): 515 strings that have broken software, from SQL and template
injection to right-to-left overrides, emoji, zero-width and control characters. Each goes
into every text field a person or client can fill in (all at once, and in a valid case where
the case must be valid to get further), and every answer must be no 5xx and write back no
raw control character: in a page, a hidden field, a text letter, a calendar file, JSON or a
header. Each test takes one route through all 515 strings, so pytest-xdist spreads them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import a_case

# Four strings are in the list twice: each is sent once.
STRINGS = list(dict.fromkeys(json.loads((Path(__file__).parent / "data" / "blns.json")
                                        .read_text(encoding="utf-8"))))
# C0 but tab, newline and the CR of a CR LF (a calendar file's line end), DEL, C1, and the
# Unicode line and paragraph separators.
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\r(?!\n)")
TEXT_TYPES = ("text/", "application/json", "application/problem+json")

QUESTIONS = ["requester_name", "requester_email", "requester_phone", "requester_organisation",
             "requester_address", "person_name", "person_school", "person_age",
             "concerns_threat_account", "places-0-url", "places-0-platform",
             "places-0-description", "places-0-account", "places-0-first_seen",
             "places-0-in_app_at", "places-0-in_app_reference", "school_name",
             "school_contact_name", "school_address", "school_email", "reference",
             "requester_role", "jurisdiction", "person_age_group"]
REPORT_FIELDS = ["channel", "at", "zone", "reference", "outcome", "outcome_at", "note",
                 "place", "report"]
FREE_TEXT = {"requester": ("name", "organisation", "address"),
             "person": ("name", "school"),
             "concerns": ("threat_account",),
             "school": ("name", "contact_name", "address")}
PLACE_TEXT = ("description", "account")
REPORT_TEXT = ("reference", "note")


@pytest.fixture(scope="module")
def client():
    from tests.helpers import new_app

    return new_app(WTF_CSRF_ENABLED=False).test_client()


def written_back(response) -> str:
    """Everything of the answer that is text: its headers and, if text, its body."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    if response.mimetype.startswith(TEXT_TYPES) or response.mimetype.endswith("+json"):
        return headers + "\n" + response.get_data(as_text=True)
    return headers


def check(response, string: str) -> None:
    assert response.status_code < 500, (string, response.status_code)
    found = RAW_CONTROL.search(written_back(response))
    assert found is None, (string, found and repr(found[0]), response.request.path)


def case_with(string: str) -> dict:
    """A valid case (when the string is valid text) with the string in every free-text field."""
    case = a_case(**{part: dict.fromkeys(names, string) for part, names in FREE_TEXT.items()})
    case["requester"]["email"] = "pat@example.com"
    case["locations"] = [{"url": "https://www.instagram.com/p/abc/",
                          **dict.fromkeys(PLACE_TEXT, string),
                          "reports": [{"channel": "in-app", "at": "2026-11-01T10:00:00+00:00",
                                       **dict.fromkeys(REPORT_TEXT, string)}]}]
    return case


def test_every_question_at_once(client):
    for string in STRINGS:
        check(client.post("/case/start", data={**dict.fromkeys(QUESTIONS, string),
                                               "action": "continue"}), string)


def test_every_question_on_a_step_page_and_what_it_carries(client):
    for string in STRINGS:
        fields = dict.fromkeys(QUESTIONS, string)
        check(client.post("/case/start", data={**fields, "step": "4", "action": string,
                                               "changing": string, "answers": string}), string)
        carried = json.dumps({name: string for name in QUESTIONS})
        check(client.post("/case/start", data={"step": "1", "requester_role": "parent",
                                               "jurisdiction": "england", "answers": carried,
                                               "action": "back"}), string)


@pytest.mark.parametrize("path", ["/case/plan", "/case/change", "/case/progress",
                                  "/case/progress/record", "/case/save",
                                  "/case/progress/calendar"])
def test_a_carried_case_with_the_string_everywhere(client, path):
    for string in STRINGS:
        case = json.dumps(case_with(string), ensure_ascii=False)
        check(client.post(path, data={"case": case, "log": "0", "edit": string,
                                      "step": string, "changing": string}), string)
        check(client.post(path, data={"case": string, "log": string}), string)


@pytest.mark.parametrize("kind, platform", [("platform", "instagram"), ("record", ""),
                                            ("school", "")])
def test_a_letter_as_text_with_the_string_everywhere(client, kind, platform):
    for string in STRINGS:
        case = json.dumps(case_with(string), ensure_ascii=False)
        for download in ("", "txt"):
            check(client.post("/letters/text", data={"case": case, "letter": f"{kind}/{platform}",
                                                     "download": download}), string)


def test_a_letter_named_by_the_string(client):
    for string in STRINGS:
        case = json.dumps(case_with(string), ensure_ascii=False)
        check(client.post("/letters/text", data={"case": case, "letter": string}), string)


def test_a_report_with_the_string_in_every_field(client):
    case = json.dumps(case_with("plain"))
    for string in STRINGS:
        fields = {"case": case, **dict.fromkeys(REPORT_FIELDS, string)}
        check(client.post("/case/progress/log", data=fields), string)
        check(client.post("/case/progress/log", data={**fields, "place": "0", "report": "",
                                                      "channel": "email", "outcome": "waiting",
                                                      "zone": "Europe/London"}), string)


def test_a_case_file_with_the_string_everywhere(client):
    import io

    for string in STRINGS:
        body = json.dumps(case_with(string), ensure_ascii=False).encode()
        check(client.post("/case/open", data={"case_file": (io.BytesIO(body), "case.json")},
                          content_type="multipart/form-data"), string)


def test_the_guides_search_and_query_strings(client):
    for string in STRINGS:
        check(client.get("/platforms", query_string={"q": string}), string)
        check(client.get("/case/start", query_string={"step": string, "all": string}), string)


@pytest.mark.parametrize("path", ["/api/v1/plan", "/api/v1/progress", "/api/v1/calendar",
                                  "/api/v1/letters/platform?platform=instagram",
                                  "/api/v1/letters/record"])
def test_the_api_with_the_string_in_every_field(client, path):
    for string in STRINGS:
        case = case_with(string)
        case["requester"].update(email=string, phone=string)
        case["locations"][0].update(url=string, platform=string, first_seen=string)
        check(client.post(path, json=case, headers={"Accept": "text/plain"}), string)
        if "/letters/" in path:  # a case that is valid when the string is: the letter itself
            check(client.post(path, json=case_with(string), headers={"Accept": "text/plain"}),
                  string)


def test_the_api_identify(client):
    for string in STRINGS:
        check(client.post("/api/v1/identify", json={"url": string}), string)
        check(client.post("/api/v1/identify", json={string: string}), string)
