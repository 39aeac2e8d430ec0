"""Property tests for every POST endpoint: cases and raw posts never give a 500.

Valid cases (from helpers' strategy) carried through every web endpoint and
/letters/download; form posts with any names and values to every web endpoint; and any
bytes with any content type to every web and API endpoint. A web answer must be a page
that passes the site's page checks (each error linked to its field), a case file, or a PDF;
an API answer must match the OpenAPI document and name each field it refuses.
"""

from __future__ import annotations

import io
import json
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from takedown.case import CaseInvalid, case_to_dict, parse_case
from takedown.web.forms import form_data_from_case
from tests.helpers import (
    API,
    ApiChecker,
    api_posts,
    assert_api_answer_sane,
    cases,
    content_types,
    json_values,
    new_app,
    normalize_spaces,
    page_checks,
)

WEB_POSTS = ["/case/start", "/case/change", "/case/plan", "/case/save", "/case/open",
             "/letters/download", "/letters/pack", "/letters/text", "/letters/pack/text",
             "/case/progress",
             "/case/progress/record", "/case/progress/log", "/case/progress/calendar"]
KINDS = ["platform", "school", "iwf", "pack"]


@cache
def _client(csrf: bool = False):
    return new_app(WTF_CSRF_ENABLED=csrf).test_client()


@cache
def _api() -> ApiChecker:
    return ApiChecker(new_app().test_client())


def test_the_list_is_every_web_post_endpoint(make_app):
    app = make_app()
    posts = {rule.rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    assert posts == set(WEB_POSTS)


# Where each letter address sends a letter that is made at the other (a pack, or a letter).
ELSEWHERE = {"/letters/download": "/letters/pack", "/letters/pack": "/letters/download",
             "/letters/text": "/letters/pack/text", "/letters/pack/text": "/letters/text"}


def assert_sane(path: str, response) -> None:
    if response.status_code == 307:
        assert response.headers["Location"] == ELSEWHERE[path]
        return
    assert response.status_code in (200, 400, 413), (path, response.status_code)
    if response.mimetype == "application/json":
        assert path == "/case/save" and response.status_code == 200
        parse_case(json.loads(response.data))
    elif response.mimetype == "text/calendar":
        assert path == "/case/progress/calendar" and response.data.startswith(b"BEGIN:VCALENDAR")
    elif response.mimetype == "application/pdf":
        assert path in ("/letters/download", "/letters/pack") and response.data.startswith(b"%PDF")
    elif response.mimetype == "text/plain":
        assert path.endswith("/text") and response.headers["Cache-Control"] == "no-store"
    else:
        assert response.mimetype == "text/html", response.mimetype
        html = page_checks(response)
        links = html.select(".error-summary a")
        if links:
            assert html.title.text.startswith("Error: ")
        for link in links:
            target = html.select_one(link["href"])
            assert target is not None, link["href"]
            assert target.name in ("input", "select", "textarea", "button", "p"), target.name
            assert link.text.strip()


def _valid(case: dict) -> dict:
    try:
        return case_to_dict(parse_case(case))
    except CaseInvalid:
        assume(False)


# --- valid cases through every endpoint ---------------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), path=st.sampled_from(["/case/plan", "/case/save", "/case/change"]))
def test_any_valid_case_in_the_hidden_field(case, path):
    case = _valid(case)
    response = _client().post(path, data={"case": json.dumps(case)})
    assert response.status_code == 200
    assert_sane(path, response)
    if path == "/case/save":
        assert json.loads(response.data) == case
    elif path == "/case/plan":
        assert normalize_spaces(page_checks(response).h1.text) == "Your plan"


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_any_valid_case_typed_into_the_questions_reaches_the_same_case(case):
    case = _valid(case)
    data = form_data_from_case(case)
    form = MultiDict()
    for key, value in data.items():
        if key == "places":
            for i, place in enumerate(value):
                for name, text in place.items():
                    form.add(f"places-{i}-{name}", text)
        elif isinstance(value, dict):  # a part of the case: requester_name, concerns_threats, ...
            for name, text in value.items():
                if text is True:
                    form.add(f"{key}_{name}", "y")
                elif text is not False:
                    form.add(f"{key}_{name}", text)
        else:
            form.add(key, value)
    response = _client().post("/case/start", data=form)
    assert_sane("/case/start", response)
    html = page_checks(response)
    assert normalize_spaces(html.h1.text) == "Check your answers", [
        a.text for a in html.select(".error-summary a")]
    assert json.loads(html.select_one("input[name=case]")["value"]) == case


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), kind=st.sampled_from(KINDS + ["", "nope"]), data=st.data())
def test_any_valid_case_and_letter_choice_at_the_download(case, kind, data):
    case = _valid(case)
    slugs = list(dict.fromkeys(loc["platform"] for loc in case["locations"]))
    platform = data.draw(st.sampled_from(["", "instagram", "nope", *slugs]))
    response = _client().post("/letters/download", data={
        "case": json.dumps(case), "kind": kind, "platform": platform})
    assert_sane("/letters/download", response)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_any_valid_case_as_a_case_file(case):
    case = _valid(case)
    response = _client().post("/case/open", data={"case_file": (
        io.BytesIO(json.dumps(case).encode()), "takedown-case.json")},
        content_type="multipart/form-data")
    assert_sane("/case/open", response)
    assert not page_checks(response).select(".error-summary")


# --- anything at all ------------------------------------------------------------------------

# Text a browser could send: any character a form can carry (no lone surrogates).
form_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
# The questions' own names, the letters' and the progress page's, and broken ones.
FIELD_NAMES = ["case", "kind", "platform", "letter", "csrf_token", "action", "requester_role",
               "role", "jurisdiction", "person_age_group", "person_age", "age", "person_name",
               "person_school", "requester_name", "requester_email", "requester_phone",
               "requester_address", "school_email", "places-0-url", "places-0-platform",
               "places-1-url", "places-1-first_seen", "places-7-first_seen", "places-39-url",
               "places-40-url", "places-12345678901234567890-url",
               "places-99999999999999999999-account", "places--1-url", "places-x-url",
               "places-0-", "reference", "case_file", "concerns_threats",
               "concerns_immediate_danger", "threats", "immediate_danger", "adult_involved",
               "shared_at_school"]
field_values = st.one_of(
    form_text,
    st.sampled_from(["", "add-place", "remove-place-0", "remove-place-5", "remove-place-99",
                     "continue", "pack", "platform", "iwf", "school", "other", "instagram",
                     "parent", "england", "known", "under-18", "adult", "14", "-1", "y",
                     "2026-02-30", "https://www.instagram.com/p/x", "javascript:alert(1)",
                     "<script>x</script>", "null", "[]", "{}", '{"schema": "takedown-case/1"}',
                     "\x00", "\ufeff{}", "9" * 400]),
    json_values.map(json.dumps),
    cases().map(json.dumps),
)
raw_forms = st.lists(st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), form_text),
                               field_values), max_size=30)


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(WEB_POSTS), fields=raw_forms, multipart=st.booleans(),
       csrf=st.booleans())
def test_any_form_post_never_breaks_a_page(path, fields, multipart, csrf):
    response = _client(csrf).post(path, data=MultiDict(fields),
                                  content_type="multipart/form-data" if multipart else None)
    assert_sane(path, response)


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),  # not JSON
    st.builds(lambda fields: "&".join(f"{k}={v}" for k, v in fields).encode("utf-8"),
              st.lists(st.tuples(st.sampled_from(FIELD_NAMES), form_text), max_size=10)),
    st.builds(lambda name, value, boundary: (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="a.json"\r\n'
        f"Content-Type: application/json\r\n\r\n{value}\r\n--{boundary}--\r\n").encode(
            "utf-8", "surrogatepass"),
        st.sampled_from(FIELD_NAMES), form_text, st.sampled_from(["x", "y", ""])),
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.one_of(st.sampled_from(WEB_POSTS), api_posts), body=raw_bodies,
       content_type=content_types)
def test_any_body_and_content_type_to_any_post_never_breaks(path, body, content_type):
    if path.startswith(API):
        assert_api_answer_sane(_api().post(path, data=body, content_type=content_type))
    else:
        assert_sane(path, _client().post(path, data=body, content_type=content_type))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode()),
                         cases().map(lambda c: json.dumps(c).encode("utf-8-sig"))),
       filename=form_text)
def test_any_uploaded_file_never_breaks_a_page(content, filename):
    response = _client().post("/case/open", data={"case_file": (io.BytesIO(content), filename)},
                              content_type="multipart/form-data")
    assert_sane("/case/open", response)
