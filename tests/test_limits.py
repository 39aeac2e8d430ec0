"""Limits: request size (413), places and text length, and rate limits (429).

Every POST endpoint, web and API, is found from the URL map, so a new one is
covered (or fails here) without this file changing.
"""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict

from takedown import letterwork
from takedown.case import MAX_LOCATIONS, MAX_TEXT, MAX_URL
from tests.helpers import (
    ABSENT,
    a_case,
    a_letter_case,
    assert_security_headers,
    new_app,
    normalize_spaces,
    page_checks,
)

LIMIT = 256 * 1024


def post_paths(app, api: bool) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/") != api:
            continue
        paths.append(rule.rule.replace("<kind>", "pack"))
    return sorted(paths)


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=False)


WEB_POSTS = post_paths(new_app(), api=False)
API_POSTS = post_paths(new_app(), api=True)


def test_every_post_endpoint_is_listed():
    assert WEB_POSTS == ["/case/change", "/case/open", "/case/plan", "/case/progress",
                         "/case/progress/calendar", "/case/progress/log",
                         "/case/progress/record", "/case/save", "/case/start",
                         "/letters/download", "/letters/pack", "/letters/pack/text",
                         "/letters/text"]
    assert API_POSTS == ["/api/v1/calendar", "/api/v1/identify", "/api/v1/letters/pack",
                         "/api/v1/plan", "/api/v1/progress"]


def assert_friendly_413(response):
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    html = page_checks(response)
    assert normalize_spaces(html.h1.text) == "That was too much to send at once"
    assert "back button" in html.text
    assert_security_headers(response)


# --- 413: whole bodies --------------------------------------------------------------------


@pytest.mark.parametrize("path", WEB_POSTS)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_an_oversize_form_post_is_a_friendly_413_page(client, path, encoding):
    data = {"case": "x" * (LIMIT + 1), "requester_name": "Pat"}
    if encoding == "multipart":
        response = client.post(path, data=data, content_type="multipart/form-data")
    else:
        response = client.post(path, data=data)
    assert_friendly_413(response)


def _chunked(client, path, body: bytes, content_type: str):
    return client.post(path, input_stream=io.BytesIO(body), content_type=content_type,
                       headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("path", WEB_POSTS)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_an_oversize_chunked_form_post_is_a_friendly_413_page(client, path, encoding):
    """No Content-Length (chunked): not cut off at the limit and read as if whole, but a 413."""
    if encoding == "urlencoded":
        body, kind = b"case=" + b"x" * (LIMIT + 10), "application/x-www-form-urlencoded"
    else:
        body = (b'--B\r\nContent-Disposition: form-data; name="case"\r\n\r\n'
                + b"x" * (LIMIT + 10) + b"\r\n--B--\r\n")
        kind = "multipart/form-data; boundary=B"
    assert_friendly_413(_chunked(client, path, body, kind))


def test_a_small_chunked_form_post_is_read_whole(client):
    response = _chunked(client, "/case/change", b"case=" + json.dumps(
        _case_with_places(1)).encode(), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert page_checks(response).select_one("#places-0-platform option[selected]")[
        "value"] == "instagram"


@pytest.mark.parametrize("path", WEB_POSTS)
def test_an_oversize_upload_is_a_friendly_413_page(client, path):
    response = client.post(path, data={"case_file": (io.BytesIO(b"{" * (LIMIT + 1)), "a.json")},
                           content_type="multipart/form-data")
    assert_friendly_413(response)


@pytest.mark.parametrize("path", WEB_POSTS)
def test_one_huge_form_field_is_a_413_even_under_the_body_limit(make_app, path):
    app = make_app(MAX_CONTENT_LENGTH=LIMIT, MAX_FORM_MEMORY_SIZE=1000, WTF_CSRF_ENABLED=False)
    response = app.test_client().post(path, data={"requester_name": "x" * 1001},
                                      content_type="multipart/form-data")
    assert_friendly_413(response)


@pytest.mark.parametrize("path", WEB_POSTS)
def test_thousands_of_form_parts_are_a_413(client, path):
    data = MultiDict([(f"places-{i}-url", "x") for i in range(1200)])
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert_friendly_413(response)


@pytest.mark.parametrize("path", API_POSTS)
def test_an_oversize_json_post_is_a_json_413(client, path):
    body = json.dumps({"url": "x" * LIMIT}).encode()
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 413 and response.is_json
    assert set(response.get_json()) == {"error", "message"}
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", WEB_POSTS + API_POSTS)
def test_the_configured_limit_is_the_one_used(make_app, path):
    app = make_app(MAX_CONTENT_LENGTH=2000, WTF_CSRF_ENABLED=False)
    client = app.test_client()

    def post(size):
        if path.startswith("/api/"):
            body = json.dumps({"url": "x" * size}).encode()
            return client.post(path, data=body, content_type="application/json")
        return client.post(path, data={"case": "x" * size})

    assert post(2100).status_code == 413
    assert post(1000).status_code != 413


# --- a full-size case still fits --------------------------------------------------------------


def full_size_case() -> dict:
    """20 places and every text field at its limit: the largest case there can be."""
    text = "w" * MAX_TEXT
    url = "https://www.tiktok.com/@" + "u" * (MAX_URL - len("https://www.tiktok.com/@"))
    return {
        "schema": "takedown-case/1", "jurisdiction": "england",
        "requester": {"role": "parent", "name": text, "email": "e" * 240 + "@example.com",
                      "phone": "0" * 30, "organisation": text, "address": text},
        "person": {"under_18": True, "age": 15, "name": text, "school": text},
        "concerns": {"threats": True},
        "locations": [{"url": url, "description": text, "account": text,
                       "first_seen": "2026-01-01"} for _ in range(MAX_LOCATIONS)],
        "school": {"name": text, "contact_name": text, "address": text,
                   "email": "s" * 240 + "@example.com"},
    }


def test_the_largest_case_fits_in_every_request(client):
    case = full_size_case()
    assert client.post("/api/v1/plan", json=case).status_code == 200
    carried = json.dumps(case)
    assert len(carried) < LIMIT / 2
    for path in ("/case/plan", "/case/save", "/case/change"):
        assert client.post(path, data={"case": carried}).status_code == 200, path
    # As the question form: every field filled in for 20 places.
    form = {"requester_role": "parent", "jurisdiction": "england", "person_age_group": "known", "person_age": "15",
            "person_name": "w" * MAX_TEXT, "person_school": "w" * MAX_TEXT,
            "requester_name": "w" * MAX_TEXT, "requester_address": "w" * MAX_TEXT,
            "requester_organisation": "w" * MAX_TEXT, "school_name": "w" * MAX_TEXT,
            "school_contact_name": "w" * MAX_TEXT, "school_address": "w" * MAX_TEXT}
    for i in range(MAX_LOCATIONS):
        form |= {f"places-{i}-url": case["locations"][i]["url"],
                 f"places-{i}-description": "w" * MAX_TEXT, f"places-{i}-account": "w" * MAX_TEXT}
    response = client.post("/case/start", data=form)
    assert response.status_code == 200
    assert normalize_spaces(page_checks(response).h1.text) == "Check your answers"


# --- at most 20 places ---------------------------------------------------------------------


def _case_with_places(count: int) -> dict:
    return a_case(requester={"name": "Pat"}, person={"age": ABSENT},
                  locations=[{"platform": "instagram"} for _ in range(count)])


@pytest.mark.parametrize("path", ["/api/v1/plan", "/api/v1/letters/pack"])
def test_the_api_refuses_a_21st_place(client, path):
    response = client.post(path, json=_case_with_places(MAX_LOCATIONS + 1))
    assert response.status_code == 422
    assert {"field": "locations", "message": "can list up to 20 places"} in \
        response.get_json()["errors"]
    assert client.post(path, json=_case_with_places(MAX_LOCATIONS)).status_code == 200


def test_a_hidden_case_with_21_places_goes_back_to_the_questions(client):
    response = client.post("/case/plan", data={"case": json.dumps(_case_with_places(21))})
    html = page_checks(response)
    assert normalize_spaces(html.h1.text) == "Tell us what has happened"
    assert "You can list up to 20 places" in html.text
    assert not html.select("#section-letters")


def test_a_letter_for_21_places_is_refused(client):
    response = client.post("/letters/pack", data={"case": json.dumps(_case_with_places(21)),
                                                      "kind": "pack"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    page_checks(response)


def test_a_case_file_with_21_places_opens_with_the_problem_shown(client):
    content = json.dumps(_case_with_places(21)).encode()
    response = client.post("/case/open", data={"case_file": (io.BytesIO(content), "c.json")},
                           content_type="multipart/form-data")
    html = page_checks(response)
    assert "You can list up to 20 places" in html.text


def test_place_numbers_far_beyond_the_limit_read_at_most_40(client):
    data = {f"places-{i}-url": f"https://www.tiktok.com/@p{i}" for i in range(0, 400, 3)}
    data |= {"places-99999999999999999999-url": "tiktok.com", "role": "parent"}
    response = client.post("/case/start", data=data)
    html = page_checks(response)
    assert len(html.select("fieldset.place")) <= 2 * MAX_LOCATIONS
    assert "You can list up to 20 places" in html.text


# --- text lengths -------------------------------------------------------------------------

TEXT_FIELDS = {  # case field: (form field, limit)
    "requester.name": ("requester_name", MAX_TEXT),
    "requester.organisation": ("requester_organisation", MAX_TEXT),
    "requester.address": ("requester_address", MAX_TEXT),
    "requester.email": ("requester_email", 254),
    "requester.phone": ("requester_phone", 30),
    "person.name": ("person_name", MAX_TEXT),
    "person.school": ("person_school", MAX_TEXT),
    "school.name": ("school_name", MAX_TEXT),
    "school.contact_name": ("school_contact_name", MAX_TEXT),
    "school.address": ("school_address", MAX_TEXT),
    "school.email": ("school_email", 254),
    "locations[0].url": ("places-0-url", MAX_URL),
    "locations[0].description": ("places-0-description", MAX_TEXT),
    "locations[0].account": ("places-0-account", MAX_TEXT),
}


def _too_long(limit: int, field: str) -> str:
    if field.endswith("email"):
        return "a" * limit + "@example.com"
    if field.endswith("phone"):
        return "0" * (limit + 1)
    if field.endswith("url"):
        return "https://www.tiktok.com/@" + "u" * limit
    return "a" * (limit + 1)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_api_refuses_text_over_its_limit(client, field):
    _, limit = TEXT_FIELDS[field]
    case = _case_with_places(1)
    case["school"] = {}
    part, key = field.replace("[0]", "").split(".")
    target = case["locations"][0] if part == "locations" else case[part]
    target[key] = _too_long(limit, field)
    response = client.post("/api/v1/plan", json=case)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"field": field, "message": f"must be {limit:,} characters or fewer"} in errors


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_form_refuses_text_over_its_limit_and_says_so(client, field):
    name, limit = TEXT_FIELDS[field]
    response = client.post("/case/start", data={
        "requester_role": "parent", "jurisdiction": "england", "person_age_group": "under-18",
        "places-0-platform": "instagram", name: _too_long(limit, field)})
    html = page_checks(response)
    target = "#" + name
    links = {a["href"]: normalize_spaces(a.text) for a in html.select(".error-summary a")}
    assert target in links, links
    assert f"{limit:,} characters or fewer" in links[target]


def test_the_openapi_document_gives_the_same_limits(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    case = doc["components"]["schemas"]["Case"]["properties"]
    assert case["requester"] == {"$ref": "#/components/schemas/Requester"}
    requester = doc["components"]["schemas"]["Requester"]["properties"]
    assert requester["name"]["anyOf"][0]["maxLength"] == MAX_TEXT
    assert requester["email"]["anyOf"][0]["maxLength"] == 254
    assert requester["phone"]["anyOf"][0]["maxLength"] == 30
    assert case["locations"]["maxItems"] == MAX_LOCATIONS


def test_the_guide_search_reads_at_most_100_characters(client):
    response = client.get("/platforms", query_string={"q": "q" * 5000})
    assert response.status_code == 200
    assert "q" * 101 not in response.get_data(as_text=True)


# --- rate limits ------------------------------------------------------------------------------


def limited_app(**config):
    settings = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_PDF": "2 per minute",
                "RATELIMIT_API": "2 per minute", **config}
    return new_app(**settings)


def _letter(client, **environ):
    case = json.dumps(_case_with_places(1))
    return client.post("/letters/download", data={"case": case, "kind": "iwf"},
                       **({"environ_base": environ} if environ else {}))


def assert_retry_after(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    return seconds


def test_the_pdf_limit_is_a_friendly_page_with_retry_after():
    client = limited_app().test_client()
    assert [_letter(client).status_code for _ in range(2)] == [200, 200]
    limited = _letter(client)
    assert limited.status_code == 429 and limited.mimetype == "text/html"
    seconds = assert_retry_after(limited)
    html = page_checks(limited)
    assert normalize_spaces(html.h1.text) == "Please wait a moment"
    assert f"Please try again in about {seconds} seconds." in normalize_spaces(html.text)
    assert_security_headers(limited)


def test_a_letters_text_version_counts_against_the_letter_limit():
    """A text version is the same letter's work (in the letter pool), so one count with PDFs."""
    client = limited_app().test_client()
    case = json.dumps(_case_with_places(1))

    def text():
        return client.post("/letters/text", data={"case": case, "kind": "iwf"})

    assert [text().status_code, _letter(client).status_code] == [200, 200]
    limited = text()
    assert limited.status_code == 429 and limited.mimetype == "text/html"
    assert_retry_after(limited)
    assert _letter(client).status_code == 429


@pytest.mark.parametrize("path, pack_path", [("/letters/download", "/letters/pack"),
                                             ("/letters/text", "/letters/pack/text")])
def test_a_pack_asked_for_at_a_one_letter_address_goes_on_to_the_pack_s_own(client, path,
                                                                            pack_path):
    """A pack is made only where the server sends packs (their own pool): a 307 keeps the
    POST and its form, so an old page's button still gets the pack."""
    case = json.dumps(_case_with_places(1))
    for fields in ({"kind": "pack"}, {"letter": "pack/"}):
        response = client.post(path, data={"case": case, **fields})
        assert response.status_code == 307
        assert response.headers["Location"] == pack_path
    assert client.post(pack_path, data={"case": case, "letter": "iwf/"}).status_code == 307
    made = client.post(pack_path, data={"case": case, "letter": "pack/"})
    assert made.status_code == 200


def test_the_api_limit_is_friendly_json_with_retry_after():
    client = limited_app().test_client()
    for _ in range(2):
        assert client.post("/api/v1/identify", json={"url": "tiktok.com"}).status_code == 200
    limited = client.post("/api/v1/identify", json={"url": "tiktok.com"})
    assert limited.status_code == 429 and limited.is_json
    seconds = assert_retry_after(limited)
    body = limited.get_json()
    assert body["error"] == "Too Many Requests"
    assert f"Please wait {seconds} seconds" in body["message"]
    assert limited.headers["Cache-Control"] == "no-store"
    assert_security_headers(limited)


def test_retry_after_is_sent_even_with_the_rate_limit_headers_off():
    client = limited_app(RATELIMIT_HEADERS_ENABLED=False).test_client()
    responses = [client.get("/api/v1/platforms") for _ in range(3)]
    assert responses[-1].status_code == 429
    assert_retry_after(responses[-1])
    assert "X-RateLimit-Limit" not in responses[-1].headers


def test_one_api_count_across_every_route():
    client = limited_app().test_client()
    assert client.get("/api/v1/platforms").status_code == 200
    assert client.post("/api/v1/identify", json={"url": "x.example"}).status_code == 200
    assert client.get("/api/v1/platforms/instagram").status_code == 429
    assert client.post("/api/v1/plan", json=a_case()).status_code == 429
    # The web's letters have their own count.
    assert _letter(client).status_code == 200


def test_the_counts_are_per_client_address():
    client = limited_app().test_client()
    for _ in range(3):
        last = _letter(client, REMOTE_ADDR="192.0.2.1")
    assert last.status_code == 429
    assert _letter(client, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_pages_that_read_a_case_share_a_generous_limit_and_others_have_none():
    assert new_app().config["RATELIMIT_CASE"] == "120 per minute; 30 per 10 seconds"
    client = limited_app(RATELIMIT_CASE="4 per minute").test_client()
    case = json.dumps(_case_with_places(1))
    for _ in range(6):
        assert client.get("/case/start").status_code == 200
        assert client.get("/platforms/instagram").status_code == 200
    answers = [client.post(path, data={"case": case}).status_code
               for path in ("/case/plan", "/case/progress", "/case/progress/calendar",
                            "/case/save", "/case/change")]
    assert answers == [200, 200, 200, 200, 429]
    limited = client.post("/case/plan", data={"case": case})
    assert limited.status_code == 429 and "Please wait a moment" in limited.get_data(as_text=True)
    assert _letter(client).status_code == 200


def test_an_address_configured_as_unlimited_is_never_limited():
    client = limited_app(RATELIMIT_UNLIMITED=["192.0.2.9"]).test_client()
    assert {_letter(client, REMOTE_ADDR="192.0.2.9").status_code for _ in range(4)} == {200}
    assert [_letter(client, REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)] == [
        200, 200, 429]


def test_rate_limits_can_be_turned_off():
    client = limited_app(RATELIMIT_ENABLED=False).test_client()
    assert all(client.get("/api/v1/platforms").status_code == 200 for _ in range(5))


def test_a_spoofed_forwarded_for_does_not_escape_the_limit():
    client = limited_app().test_client()
    statuses = [client.get("/api/v1/platforms", headers={"X-Forwarded-For": f"198.51.100.{i}"})
                .status_code for i in range(3)]
    assert statuses == [200, 200, 429]


def test_behind_a_proxy_each_visitor_has_their_own_count():
    """With TAKEDOWN_PROXY_COUNT=1 the limit counts the visitor, not the proxy's address."""
    client = limited_app(PROXY_COUNT=1).test_client()

    def via_proxy(visitor):
        return client.get("/api/v1/platforms", headers={"X-Forwarded-For": visitor},
                          environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code

    assert [via_proxy("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert via_proxy("203.0.113.8") == 200
    # A visitor cannot choose an address by sending their own header: the proxy appends.
    assert via_proxy("198.51.100.1, 203.0.113.7") == 429


def test_the_store_is_in_memory_by_default(make_app):
    app = make_app(TESTING=False, RATELIMIT_ENABLED=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    limiter = next(iter(app.extensions["limiter"]))
    assert type(limiter.limiter.storage).__name__ == "MemoryStorage"


def test_the_redis_client_the_shared_store_needs_is_pinned():
    from pathlib import Path

    pins = (Path(__file__).resolve().parent.parent / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("redis==") for line in pins)
    import redis  # noqa: F401 - importable, so a redis:// store starts


def test_a_shared_store_that_is_not_there_fails_no_request_and_says_so(make_app, caplog):
    app = make_app(TESTING=False, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                   RATELIMIT_STORAGE_URI="redis+unix:///nonexistent/takedown-redis.sock",
                   RATELIMIT_API="3 per minute")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        statuses = [client.get("/api/v1/platforms").status_code for _ in range(5)]
    # Counted in memory meanwhile: the limit still holds.
    assert statuses == [200, 200, 200, 429, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_a_page_post_counts_one_for_every_32_kb_it_sends():
    """Reading a large case costs the page workers more, so it counts more."""
    client = limited_app(RATELIMIT_CASE="10 per minute").test_client()
    case = _case_with_places(20)
    case["requester"]["address"] = "a" * 400
    report = {"channel": "email", "at": "2026-11-01T10:00:00+00:00", "reference": "r" * 190,
              "note": "n" * 490}
    for place in case["locations"]:
        place["reports"] = [report] * 5
    body = json.dumps(case)
    cost = 1 + len(urlencode({"case": body})) // (32 * 1024)
    assert cost >= 3
    answers = [client.post("/case/plan", data={"case": body}).status_code
               for _ in range(10 // cost + 1)]
    assert answers == [200] * (10 // cost) + [429]


def test_while_the_shared_store_is_away_each_process_counts_its_share(make_app, monkeypatch):
    """Redis gone: each of the stack's processes counts in memory, allowing its share of each
    limit (TAKEDOWN_RATELIMIT_PROCESSES of them), so together they allow no more than it."""
    monkeypatch.setattr(letterwork, "MAX_WORK", 1)  # each letter here counts 1
    app = make_app(TESTING=False, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                   RATELIMIT_STORAGE_URI="redis+unix:///nonexistent/takedown-redis.sock",
                   RATELIMIT_PDF="6 per minute", RATELIMIT_API="9 per minute",
                   RATELIMIT_PROCESSES=3)
    client = app.test_client()
    assert [_letter(client).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get("/api/v1/platforms").status_code for _ in range(4)] == [200] * 3 + [429]


def test_while_the_shared_store_is_away_a_share_still_allows_the_largest_letter(make_app):
    """A share smaller than one letter's work would refuse that letter outright: each
    process allows at least the largest letter (letterwork.MAX_WORK) while Redis is away."""
    app = make_app(TESTING=False, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                   RATELIMIT_STORAGE_URI="redis+unix:///nonexistent/takedown-redis.sock",
                   RATELIMIT_PDF=f"{letterwork.MAX_WORK * 2} per minute",
                   RATELIMIT_PROCESSES=6)
    client = app.test_client()
    case = json.dumps(_case_with_places(1))
    statuses = [client.post("/letters/text", data={"case": case, "kind": "iwf"}).status_code
                for _ in range(letterwork.MAX_WORK + 1)]
    assert statuses == [200] * letterwork.MAX_WORK + [429]


def test_letters_from_the_api_count_against_the_letter_limit():
    client = limited_app(RATELIMIT_API="100 per minute").test_client()
    case = json.dumps(a_letter_case())
    assert _letter(client).status_code == 200
    assert client.post("/api/v1/letters/iwf", data=case,
                       content_type="application/json").status_code == 200
    assert client.post("/api/v1/letters/iwf", data=case,
                       content_type="application/json").status_code == 429
    assert _letter(client).status_code == 429
