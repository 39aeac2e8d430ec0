"""XSS: markup typed into any field is escaped on every HTML page and printed literally in PDFs.

Each field gets its own numbered payload, so a failure names the field. A page is
"inert" when the raw payload never appears in its HTML and the parsed page has no
script, no event-handler attribute and no element the payloads try to inject; a
payload is "shown" when it comes back as the very text typed.
"""

from __future__ import annotations

import io
import json

import pytest
from bs4 import BeautifulSoup

from takedown import letters
from tests.helpers import LETTER_DATE, normalize_spaces, page_checks, pdf_text


def payload(n: int) -> str:
    return f'"><script>alert({n})</script><img src=x onerror=alert({n})>\'&x{n}'


def email_payload(n: int) -> str:
    return f'"><svg/onload=alert({n})>{n}@x.example'


# Form field -> what is typed. Everything a person can type into the questions.
TEXT_FIELDS = ["person_name", "person_school", "requester_name", "requester_organisation",
               "requester_address", "school_name", "school_contact_name", "school_address",
               "places-0-description", "places-0-account", "places-1-description",
               "places-1-account"]
TYPED = {name: payload(i) for i, name in enumerate(TEXT_FIELDS)}
TYPED |= {"requester_email": email_payload(90), "school_email": email_payload(91),
          "places-0-url": "https://evil.example/<script>alert(92)</script>",
          "places-1-url": 'https://www.instagram.com/p/"><svg/onload=alert(93)>'}
VALID = {"requester_role": "parent", "jurisdiction": "england", "person_age_group": "known", "person_age": "14",
         "requester_phone": "01632 960 001", **TYPED}
# Fields with a fixed set of answers: hostile values are refused, and must be inert too.
CHOICES = {"requester_role": payload(70), "jurisdiction": payload(71), "person_age_group": payload(72),
           "person_age": payload(73), "places-0-platform": payload(74), "places-0-first_seen": payload(75),
           "requester_phone": payload(76), "reference": payload(77), "concerns_threats": payload(78)}
INJECTED_TAGS = ("script", "img", "svg", "iframe", "object", "embed")


TYPED_VALUES = tuple(TYPED.values())


def assert_inert(response, typed=TYPED_VALUES) -> BeautifulSoup:
    body = response.get_data(as_text=True)
    for value in typed:
        assert value not in body, f"unescaped: {value!r}"
    html = BeautifulSoup(body, "html.parser")
    for tag in html.find_all(True):
        if tag.name == "script":
            assert tag.get("src", "").startswith("/static/"), tag
        assert tag.name not in INJECTED_TAGS[1:], tag
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for attr in ("href", "src", "action", "formaction"):
            assert not str(tag.get(attr, "")).strip().lower().startswith("javascript:"), tag
    return html


def shown_values(html: BeautifulSoup) -> str:
    """All text a person sees or sends back: text, input values, textareas."""
    values = [html.get_text(" ")]
    values += [tag.get("value", "") for tag in html.select("input")]
    return "\n".join(values)


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


def to_check_page(client, **extra):
    response = client.post("/case/start", data={**VALID, "places-1-platform": "instagram",
                                                **extra})
    assert normalize_spaces(page_checks(response).h1.text) == "Check your answers"
    return response


def hidden_case(html: BeautifulSoup) -> dict:
    return json.loads(html.select_one("input[name=case]")["value"])


# --- HTML pages ---------------------------------------------------------------------------


def test_the_question_page_re_renders_every_field_escaped(client):
    response = client.post("/case/start", data={**VALID, **CHOICES})
    html = assert_inert(response, [*TYPED.values(), *CHOICES.values()])
    page_checks(response)
    assert html.select(".error-summary a")
    shown = shown_values(html)
    for name, value in TYPED.items():
        assert value in shown, name


@pytest.mark.parametrize("action", ["add-place", "remove-place-1"])
def test_adding_and_removing_places_re_renders_escaped(client, action):
    response = client.post("/case/start", data={**VALID, **CHOICES, "action": action})
    html = assert_inert(response, [*TYPED.values(), *CHOICES.values()])
    assert TYPED["places-0-description"] in shown_values(html)


def test_the_check_page_shows_every_answer_escaped(client):
    response = to_check_page(client)
    html = assert_inert(response)
    text = html.get_text(" ")
    for name, value in TYPED.items():
        assert value in text, name
    case = hidden_case(html)
    assert case["requester"]["name"] == TYPED["requester_name"]
    assert case["locations"][1]["url"] == TYPED["places-1-url"]


def test_the_plan_page_is_escaped(client):
    check = BeautifulSoup(to_check_page(client).get_data(as_text=True), "html.parser")
    response = client.post("/case/plan", data={"case": json.dumps(hidden_case(check))})
    html = assert_inert(response)
    assert normalize_spaces(page_checks(response).h1.text) == "Your plan"
    text = html.get_text(" ")
    for name in ("places-0-url", "places-1-url", "places-0-description", "places-1-account"):
        assert TYPED[name] in text, name
    # The place links are text, never links.
    assert not html.select("a[href*='evil.example']")
    for form in html.select("#letters-form"):
        assert json.loads(form.select_one("input[name=case]")["value"]) == hidden_case(check)


def test_change_page_is_escaped(client):
    check = BeautifulSoup(to_check_page(client).get_data(as_text=True), "html.parser")
    response = client.post("/case/change", data={"case": json.dumps(hidden_case(check))})
    html = assert_inert(response)
    shown = shown_values(html)
    for name, value in TYPED.items():
        assert value in shown, name


def _case(client) -> dict:
    check = BeautifulSoup(to_check_page(client).get_data(as_text=True), "html.parser")
    return hidden_case(check)


def test_the_letter_problem_page_is_escaped(client):
    case = _case(client)
    response = client.post("/letters/download", data={"case": json.dumps(case),
                                                      "kind": payload(80)})
    assert response.status_code == 400
    html = assert_inert(response, [*TYPED.values(), payload(80)])
    assert json.loads(html.select_one("input[name=case]")["value"]) == case


def test_the_letter_timed_out_page_is_escaped(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    case = _case(make_app(WTF_CSRF_ENABLED=False).test_client())
    response = client.post("/letters/pack", data={"case": json.dumps(case), "kind": "pack",
                                                      "csrf_token": payload(81)})
    assert response.mimetype == "text/html"
    assert_inert(response, [*TYPED.values(), payload(81)])


def test_the_case_file_page_is_escaped(client):
    case = _case(client)
    case["jurisdiction"] = payload(82)
    case["locations"][0]["platform"] = payload(83)
    content = json.dumps(case).encode()
    response = client.post("/case/open", data={"case_file": (io.BytesIO(content), "c.json")},
                           content_type="multipart/form-data")
    html = assert_inert(response, [*TYPED.values(), payload(82), payload(83)])
    assert TYPED["requester_name"] in shown_values(html)
    bad = client.post("/case/open", data={"case_file": (io.BytesIO(payload(85).encode()),
                                                        "x.json")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    assert_inert(bad, [payload(85)])


@pytest.mark.parametrize("path", ["/case/plan", "/case/save", "/case/change"])
def test_a_hostile_hidden_case_is_escaped(client, path):
    hostile = {"schema": "takedown-case/1", "jurisdiction": payload(86),
               "requester": {"role": payload(87), "name": TYPED["requester_name"]},
               "person": {"under_18": payload(88)}, "locations": [{"platform": payload(89)}]}
    response = client.post(path, data={"case": json.dumps(hostile)})
    assert response.mimetype == "text/html"
    assert_inert(response, [payload(n) for n in range(86, 90)] + [TYPED["requester_name"]])


@pytest.mark.parametrize("method, path, kwargs", [
    ("GET", "/platforms", {"query_string": {"q": payload(60)}}),
    ("GET", "/platforms/%22%3E%3Cscript%3Ealert(61)%3C%2Fscript%3E", {}),
    ("GET", "/%22%3E%3Cscript%3Ealert(62)%3C%2Fscript%3E", {}),
    ("GET", "/case/plan", {"query_string": {"case": payload(63)}}),
    ("POST", "/case/start", {"data": {"x": payload(64) * 3000}}),
])
def test_error_and_search_pages_are_escaped(client, method, path, kwargs):
    response = client.open(path, method=method, **kwargs)
    assert response.mimetype == "text/html"
    html = assert_inert(response, [payload(n) for n in range(60, 65)])
    page_checks(response)
    if path == "/platforms":
        assert payload(60)[:100] in shown_values(html)


def test_the_api_never_answers_html(client):
    hostile = {payload(1): payload(2), "url": payload(3)}
    for path in ("/api/v1/plan", "/api/v1/identify", "/api/v1/letters/pack",
                 "/api/v1/" + payload(4)):
        response = client.post(path, json=hostile)
        assert response.mimetype == "application/json", path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- PDFs ---------------------------------------------------------------------------------


LETTERS = [("platform", "instagram"), ("school", None), ("iwf", None), ("pack", None)]


@pytest.fixture(scope="module")
def hostile_case(make_app):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    return _case(client)


@pytest.mark.parametrize("kind, platform", LETTERS)
def test_every_letter_prints_the_markup_literally(make_app, hostile_case, kind, platform):
    from takedown.case import parse_case

    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/letters/pack" if kind == "pack" else "/letters/download", data={
        "case": json.dumps(hostile_case), "kind": kind, "platform": platform or ""})
    assert response.mimetype == "application/pdf", response.get_data(as_text=True)[-600:]
    text = pdf_text(response.data)
    html = letters.render_html(kind, parse_case(hostile_case), platform, LETTER_DATE)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    for name, value in TYPED.items():
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        escaped = escaped.replace('"', "&#34;").replace("'", "&#39;")
        if escaped in html:
            assert value in text, (kind, name)


# The letters never name the child's school (the school letter is addressed to it).
NOT_IN_LETTERS = {"person_school"}


def test_every_field_is_printed_in_some_letter(hostile_case):
    """Renders every letter itself, so it stands alone and fails when a field is in none."""
    from takedown.case import parse_case

    case = parse_case(hostile_case)
    texts = {kind: pdf_text(letters.render_pdf(kind, case, platform, LETTER_DATE))
             for kind, platform in LETTERS}
    printed = {name for name, value in TYPED.items()
               if any(value in text for text in texts.values())}
    missing = set(TYPED) - NOT_IN_LETTERS - printed
    assert not missing, f"typed but printed in no letter: {sorted(missing)}"
    assert printed == set(TYPED) - NOT_IN_LETTERS
