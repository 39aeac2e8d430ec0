"""The JSON API v1: every endpoint, every status it returns, and its OpenAPI document.

Every request here goes through ``ApiChecker.call``, which checks the response
against the OpenAPI document the app serves: the path, method and status must be
declared, the body must validate against the declared schema, and every response
must say Cache-Control: no-store.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from datetime import date

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from takedown import pdf, platforms
from takedown.case import case_to_dict, parse_case
from takedown.letters import available_letters
from takedown.plan import make_plan
from takedown.web.serialize import plan_to_dict
from tests.helpers import ABSENT, API, ApiChecker, merged
from tests.helpers import a_case as any_case

POST_PATHS = ("/api/v1/identify", "/api/v1/plan", "/api/v1/letters/pack")


@pytest.fixture
def api(client):
    return ApiChecker(client)


def some_platform(with_domains=True) -> platforms.Platform:
    return next(p for p in platforms.all_platforms()
                if p.slug != "other" and (p.domains or not with_domains))


def a_case(**changes) -> dict:
    """A case on a platform of the real directory, with threats; changes merge as in a_case."""
    platform = some_platform()
    case = any_case(
        reference="TD-7KQ2-M9XP",
        requester={"name": "Sam Example", "email": "sam@example.com"},
        person={"under_18": ABSENT, "age": 15},
        concerns={"threats": True},
        locations=[
            {"url": f"https://www.{platform.domains[0]}/some/post", "first_seen": "2026-01-02"},
            {"platform": "other", "description": "A forum"},
        ],
    )
    return merged(case, changes)


def field_names(response) -> list[str]:
    return [error["field"] for error in response.get_json()["errors"]]


# --- the directory ---------------------------------------------------------------------


def test_platform_list(api):
    data = api.get(f"{API}/platforms").get_json()
    assert [p["slug"] for p in data["platforms"]] == [p.slug for p in platforms.all_platforms()]
    first = platforms.all_platforms()[0]
    assert data["platforms"][0]["name"] == first.name
    assert data["platforms"][0]["last_checked"] == first.last_checked.isoformat()


def _facts(entry: dict):
    if entry["domains"]:
        yield entry["domains"]
    for key in ("in_app", "after_report"):
        if entry[key]:
            yield entry[key]
    for key in ("web_forms", "entities", "hash_lists", "notes"):
        yield from entry[key]


@pytest.mark.parametrize("slug", [p.slug for p in platforms.all_platforms()])
def test_platform_detail_sources_every_fact(api, slug):
    entry = api.get(f"{API}/platforms/{slug}").get_json()
    platform = platforms.get(slug)
    assert entry["slug"] == slug and entry["name"] == platform.name
    facts = list(_facts(entry))
    expected = (bool(platform.domains_source) + bool(platform.in_app) + bool(platform.after_report)
                + len(platform.web_forms) + len(platform.entities) + len(platform.hash_lists)
                + len(platform.notes))
    assert len(facts) == expected
    for fact in facts:
        assert fact["source"].startswith("https://")
        assert date.fromisoformat(fact["last_checked"]) <= date.today()
    assert [f["url"] for f in entry["web_forms"]] == [f.url for f in platform.web_forms]


@pytest.mark.parametrize("slug", ["not-a-platform", "Instagram", "%20", "a.b"])
def test_unknown_platform_is_404_json(api, slug):
    response = api.get(f"{API}/platforms/{slug}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


@pytest.mark.parametrize("path", [f"{API}/nothing-here", f"{API}//platforms", f"{API}/platforms/",
                                  "/api/v2/platforms"])
def test_unknown_api_path_is_404_json(api, path):
    response = api.get(path)
    assert response.status_code == 404 and response.is_json


def test_doubled_slash_is_404_not_redirect(api):
    response = api.post(f"{API}/letters/%2Fpack", json={})
    assert response.status_code == 404 and response.is_json


# --- identify ---------------------------------------------------------------------------


def test_identify_known_and_unknown(api):
    platform = some_platform()
    domain = platform.domains[0]
    found = api.post(f"{API}/identify", json={"url": f"https://m.{domain}/x?y=1"})
    assert found.status_code == 200 and found.get_json() == {"platform": platform.slug}
    assert api.post(f"{API}/identify", json={"url": "https://example.org/x"}).get_json() == {
        "platform": None}
    lookalike = api.post(f"{API}/identify", json={"url": f"https://{domain}.evil.example/"})
    assert lookalike.get_json()["platform"] != platform.slug
    for text in ("", "not a link", "javascript:alert(1)", "@handle"):
        assert api.post(f"{API}/identify", json={"url": text}).get_json() == {"platform": None}


def test_identify_accepts_2000_characters(api):
    url = "https://example.org/" + "a" * (2000 - len("https://example.org/"))
    assert api.post(f"{API}/identify", json={"url": url}).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({}, "url"),
    ({"url": None}, "url"),
    ({"url": 12}, "url"),
    ({"url": ["https://example.org"]}, "url"),
    ({"url": "https://example.org/" + "a" * 1981}, "url"),
    ({"url": "https://example.org", "extra": 1}, "extra"),
    ({"url": "https://example.org", "": 1}, "body.(empty name)"),
])
def test_identify_422(api, body, field):
    response = api.post(f"{API}/identify", json=body)
    assert response.status_code == 422
    assert field in field_names(response)


# --- plan -------------------------------------------------------------------------------


def test_plan(api):
    body = a_case()
    response = api.post(f"{API}/plan", json=body)
    assert response.status_code == 200
    data = response.get_json()
    case = parse_case(body)
    assert data["case"] == case_to_dict(case)
    assert data["plan"] == plan_to_dict(make_plan(case), available_letters(case))
    plan = data["plan"]
    assert plan["urgent"] is True and plan["reference"] == "TD-7KQ2-M9XP"
    assert [s["id"] for s in plan["sections"]] == [s.id for s in make_plan(case).sections]
    assert plan["sections"][0]["id"] == "urgent"
    report = next(s for s in plan["sections"] if s["id"] == "report")
    platform_step = report["steps"][0]
    assert platform_step["platform"] == some_platform().slug
    assert platform_step["places"][0]["url"].startswith("https://www.")
    assert platform_step["places"][0]["first_seen"] == "2026-01-02"
    assert {"kind": "pack", "platform": None} in [
        {k: option[k] for k in ("kind", "platform")} for option in plan["letters"]]
    # The normalised case posted back gives the same answer.
    again = api.post(f"{API}/plan", json=data["case"]).get_json()
    assert again == data


def test_plan_makes_up_a_reference(api):
    body = a_case()
    del body["reference"]
    data = api.post(f"{API}/plan", json=body).get_json()
    assert re.fullmatch(r"TD-[0-9A-Z]{4}-[0-9A-Z]{4}", data["case"]["reference"])
    assert data["plan"]["reference"] == data["case"]["reference"]


def test_plan_not_urgent(api):
    data = api.post(f"{API}/plan", json=a_case(concerns={"threats": ABSENT})).get_json()
    assert data["plan"]["urgent"] is False
    assert data["plan"]["sections"][0]["id"] != "urgent"


@pytest.mark.parametrize("changes, fields", [
    ({"schema": "other/1"}, ["schema"]),
    ({"jurisdiction": "mars"}, ["jurisdiction"]),
    ({"requester": {"name": ABSENT, "email": "not-an-email"}}, ["requester.email"]),
    ({"person": {"age": 15, "under_18": False}}, ["person.under_18"]),
    ({"locations": [], "concerns": {"threats": ABSENT}}, ["locations"]),
    ({"concerns": {"image": "photoshopped"}}, ["concerns.image"]),
    ({"locations": [{"url": "javascript:alert(1)"}]}, ["locations[0].url"]),
    ({"locations": [{"platform": "no-such-platform"}]}, ["locations[0].platform"]),
    ({"locations": [{"platform": "other", "first_seen": "2999-01-01"}]},
     ["locations[0].first_seen"]),
    ({"surprise": True}, ["surprise"]),
    ({"": True}, ["case.(empty name)"]),
    ({"requester": {"name": ABSENT, "email": ABSENT, "": 1}}, ["requester.(empty name)"]),
])
def test_plan_422_names_fields(api, changes, fields):
    response = api.post(f"{API}/plan", json=a_case(**changes))
    assert response.status_code == 422
    assert field_names(response) == fields
    assert all(error["message"] for error in response.get_json()["errors"])


# --- malformed bodies: 400, 415, 413 -------------------------------------------------------


BAD_BODIES = [
    b"{",
    b"{'url': 'x'}",
    b"\xff\xfe{}",
    b'{"url": "\xc3\x28"}',
    b"",
    b"   ",
    b"[]",
    b'"a string"',
    b"null",
    b"12",
    b'{"url": NaN}',
    b'{"url": 1e999}',
    b'{"url": "\\ud800"}',
    b'{"\\udfff": 1}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' + b"1" * 5000 + b"}",
    b"\xef\xbb\xbf{}",
    b'{"url": "x"} trailing',
]


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda b: repr(b[:20]))
def test_malformed_json_is_400(api, path, body):
    response = api.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "message"}


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "application/jsonx", "application/+json", "text/json",
    "application/json; charset=latin-1", "application/json; charset=utf-16",
])
def test_non_json_content_type_is_415(api, path, content_type):
    kwargs = {"data": b'{"url": "x"}'}
    if content_type:
        kwargs["content_type"] = content_type
    response = api.post(path, **kwargs)
    assert response.status_code == 415
    assert response.get_json()["error"] == "Unsupported Media Type"


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
    "Application/JSON", "application/vnd.takedown+json",
    "application/merge-patch+json; charset=utf8",
])
def test_json_content_types_are_accepted(api, content_type):
    response = api.post(f"{API}/identify", data=b'{"url": "example.org"}',
                        content_type=content_type)
    assert response.status_code == 200


@pytest.mark.parametrize("path", POST_PATHS)
def test_oversize_body_is_413_json(api, app, path):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({"url": "x" * limit}).encode()
    response = api.post(path, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "Request Entity Too Large"


@pytest.mark.parametrize("size, status", [(999, 200), (1000, 200), (1001, 413), (5000, 413)])
def test_chunked_body_over_the_limit_is_413(make_app, size, status):
    small = make_app(MAX_CONTENT_LENGTH=1000)
    api = ApiChecker(small.test_client())
    body = b'{"url": "' + b"a" * (size - 11) + b'"}'
    assert len(body) == size
    response = api.post(f"{API}/identify", input_stream=io.BytesIO(body),
                        content_type="application/json", headers={"Transfer-Encoding": "chunked"},
                        environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == status
    assert response.get_json()


def test_configured_limit_is_used(make_app):
    small = make_app(MAX_CONTENT_LENGTH=1000)
    api = ApiChecker(small.test_client())
    assert api.post(f"{API}/identify", json={"url": "x" * 900}).status_code == 200
    assert api.post(f"{API}/identify", json={"url": "x" * 1000}).status_code == 413
    assert "1,000 bytes" in api.doc["components"]["responses"]["413"]["description"]


# --- wrong methods ---------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", f"{API}/plan"), ("GET", f"{API}/identify"), ("GET", f"{API}/letters/pack"),
    ("PUT", f"{API}/plan"), ("DELETE", f"{API}/identify"), ("OPTIONS", f"{API}/plan"),
    ("POST", f"{API}/platforms"), ("POST", f"{API}/platforms/other"),
    ("PATCH", f"{API}/openapi.json"), ("OPTIONS", f"{API}/platforms"),
])
def test_wrong_method_is_405_json(api, method, path):
    response = api.call(method, path)
    assert response.status_code == 405
    assert response.get_json()["error"] == "Method Not Allowed"


# --- letters -----------------------------------------------------------------------------------


def test_letter_unknown_kind_is_404(api):
    response = api.post(f"{API}/letters/poem", json=a_case())
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


def test_letter_needs_name_and_contact(api):
    slug = some_platform().slug
    body = a_case(requester={"name": ABSENT, "email": ABSENT})
    response = api.post(f"{API}/letters/platform?platform={slug}", json=body)
    assert response.status_code == 422
    assert set(field_names(response)) == {"requester.name", "requester.email"}
    response = api.post(f"{API}/letters/pack", json=body)
    assert response.status_code == 422
    assert set(field_names(response)) >= {"requester.name"}


@pytest.mark.parametrize("query", [
    "", "?platform=", "?platform=no-such-platform", "?platform={absent}"])
def test_platform_letter_needs_a_platform_in_the_case(api, query):
    absent = next(p.slug for p in platforms.all_platforms()
                  if p.slug not in ("other", some_platform().slug))
    response = api.post(f"{API}/letters/platform" + query.format(absent=absent), json=a_case())
    assert response.status_code == 422
    assert field_names(response) == ["platform"]


def test_platform_query_only_for_platform_letters(api):
    response = api.post(f"{API}/letters/iwf?platform={some_platform().slug}", json=a_case())
    assert response.status_code == 422
    assert field_names(response) == ["platform"]


def test_letter_invalid_case_is_422(api):
    response = api.post(f"{API}/letters/pack", json=a_case(jurisdiction=None))
    assert response.status_code == 422
    assert field_names(response) == ["jurisdiction"]


def test_adult_cannot_have_iwf_record(api):
    body = a_case(person={"age": 30})
    response = api.post(f"{API}/letters/iwf", json=body)
    assert response.status_code == 422
    assert all(field_names(response))


@pytest.mark.parametrize("kind", ["platform", "school", "iwf", "pack"])
def test_letter_pdf(api, kind):
    slug = some_platform().slug
    query = f"?platform={slug}" if kind == "platform" else ""
    response = api.post(f"{API}/letters/{kind}{query}", json=a_case())
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    expected = f"takedown-TD-7KQ2-M9XP-{slug if kind == 'platform' else kind}.pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{expected}"'


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_is_valid_3_1(api):
    assert api.doc["openapi"] == "3.1.0"
    validate_openapi(api.doc)
    for schema in api.doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_openapi_lists_exactly_the_api_routes(app, api):
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes[path] = {m.lower() for m in rule.methods} - {"head"}
    assert routes == {path: set(item) for path, item in api.doc["paths"].items()}


def test_every_declared_status_happens(make_app, api, monkeypatch):
    """The reverse check: nothing is declared that the API never does."""
    small = ApiChecker(make_app(MAX_CONTENT_LENGTH=100).test_client())
    slug = some_platform().slug
    good = {"/api/v1/identify": {"url": "example.org"}, "/api/v1/plan": a_case(),
            "/api/v1/letters/{kind}": a_case(), "/api/v1/progress": a_case(),
            "/api/v1/calendar": a_case()}
    bad = {"/api/v1/identify": {"url": 1}, "/api/v1/plan": {}, "/api/v1/letters/{kind}": {},
           "/api/v1/progress": {}, "/api/v1/calendar": {}}
    for template, item in api.doc["paths"].items():
        for method, operation in item.items():
            for status in operation["responses"]:
                path = template.replace("{slug}", slug).replace("{kind}", "platform")
                query = f"?platform={slug}" if "{kind}" in template else ""
                if status == "404":
                    path = path.replace(slug, "nope").replace("platform", "nope")
                kwargs = {}
                if method == "post":
                    kwargs = {"200": {"json": good[template]}, "404": {"json": good[template]},
                              "400": {"data": b"[", "content_type": "application/json"},
                              "415": {"data": b"{}", "content_type": "text/plain"},
                              "422": {"json": bad[template]},
                              "413": {"json": {"url": "x" * 200}},
                              "503": {"json": good[template]}}[status]
                checker = small if status == "413" else api
                if status == "503":  # every render slot in the process is taken
                    full = threading.BoundedSemaphore(1)
                    full.acquire()
                    monkeypatch.setattr(pdf, "_queue", full)
                response = checker.call(method.upper(), path + query, **kwargs)
                assert str(response.status_code) == status, (method, template, status)
                monkeypatch.undo()


def test_openapi_enumerates_the_directory(api):
    location = api.doc["components"]["schemas"]["Location"]["properties"]["platform"]
    assert [p.slug for p in platforms.all_platforms()] == location["anyOf"][0]["enum"]


def test_example_case_matches_case_schema(api):
    api.validate(a_case(), {"$ref": "#/components/schemas/Case"})


# --- privacy ----------------------------------------------------------------------------------


def test_nothing_sent_is_logged(api, caplog):
    secret = "Zyxwvut-secret-marker"
    caplog.set_level(logging.DEBUG)
    body = a_case(requester={"role": "parent", "name": secret, "email": f"{secret}@example.com"})
    api.post(f"{API}/plan", json=body)
    api.post(f"{API}/plan", json={**body, "jurisdiction": secret})
    api.post(f"{API}/identify?q={secret}", json={"url": secret})
    api.post(f"{API}/identify", data=secret.encode() + b"\xff", content_type="application/json")
    api.post(f"{API}/letters/platform?platform={secret}", json=body)
    assert secret not in caplog.text


def test_rate_limit_is_json_and_declared(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
    assert app.extensions.get("limiter"), "no rate limiter is attached to the app"
    api = ApiChecker(app.test_client())
    assert all("429" in op["responses"] for item in api.doc["paths"].values()
               for op in item.values())
    # One count for every route of the API: the document fetched above was the first of three.
    statuses = [api.get(f"{API}/platforms").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = api.post(f"{API}/identify", json={"url": "example.org"})
    assert limited.status_code == 429 and limited.is_json
    assert int(limited.headers["Retry-After"]) > 0


def test_no_429_declared_when_rate_limits_are_off(api):
    assert not any("429" in op["responses"] for item in api.doc["paths"].values()
                   for op in item.values())
