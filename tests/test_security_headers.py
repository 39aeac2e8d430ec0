"""Security headers on every route and method, and on every error: 400, 404, 405, 413, 429, 500.

test_security.py checks the GET pages; this covers every rule in the URL map with
each of its methods, and every error response the app can make, web and API.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import a_case, assert_security_headers, new_app

CASE = a_case(requester={"name": "Pat"}, locations=[{"platform": "instagram"}])


def _example(rule) -> str:
    path = rule.rule
    return (path.replace("<platform:platform>", "instagram").replace("<slug>", "instagram")
            .replace("<kind>", "pack").replace("<path:filename>", "css/site.css"))


def every_request(app):
    """(method, path, kwargs) for every rule and method, with a body that works."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD"}):
            path = _example(rule)
            kwargs = {}
            if method == "POST" and path.startswith("/api/"):
                kwargs = {"json": {"url": "tiktok.com"} if path.endswith("identify") else CASE}
            elif method == "POST":
                kwargs = {"data": {"case": json.dumps(CASE), "kind": "pack"}}
            yield method, path, kwargs


@pytest.fixture(scope="module")
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=False)


def test_every_route_and_method_has_the_headers(app):
    client = app.test_client()
    seen = set()
    for method, path, kwargs in every_request(app):
        response = client.open(path, method=method, **kwargs)
        assert response.status_code < 500, (method, path)
        assert_security_headers(response)
        seen.add((method, response.status_code))
        response.close()
    assert {("GET", 200), ("POST", 200), ("OPTIONS", 200)} <= seen


def test_pdf_json_and_file_responses_have_the_headers(app):
    client = app.test_client()
    pdf = client.post("/letters/pack", data={"case": json.dumps(CASE), "kind": "pack"})
    assert pdf.mimetype == "application/pdf"
    saved = client.post("/case/save", data={"case": json.dumps(CASE)})
    assert saved.mimetype == "application/json"
    api_pdf = client.post("/api/v1/letters/pack", json=CASE)
    assert api_pdf.mimetype == "application/pdf"
    for response in (pdf, saved, api_pdf, client.get("/healthz"), client.get("/static/js/exit.js")):
        assert_security_headers(response)
        response.close()


# --- errors --------------------------------------------------------------------------------


def _error_app(**config):
    app = new_app(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True,
                  RATELIMIT_PDF="1 per minute", RATELIMIT_API="1 per minute", **config)

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    return app


ERRORS = [
    # (status, method, path, kwargs)
    (400, "POST", "/case/plan", {"data": {"case": "not json"}}),
    (400, "POST", "/letters/pack", {"data": {"case": "{", "kind": "pack"}}),
    (400, "POST", "/api/v1/plan", {"data": b"{not json", "content_type": "application/json"}),
    (404, "GET", "/no-such-page", {}),
    (404, "GET", "/platforms/no-such-platform", {}),
    (404, "GET", "/api/v1/no-such-thing", {}),
    (404, "GET", "/api/v1/platforms/no-such-platform", {}),
    (405, "DELETE", "/case/start", {}),
    (405, "GET", "/letters/download", {}),
    (405, "PUT", "/api/v1/plan", {}),
    (405, "OPTIONS", "/api/v1/plan", {}),
    (413, "POST", "/case/start", {"data": {"x": "x" * 300_000}}),
    (413, "POST", "/api/v1/plan", {"data": b"{" + b" " * 300_000 + b"}",
                                   "content_type": "application/json"}),
    (415, "POST", "/api/v1/plan", {"data": {"case": "x"}}),
    (422, "POST", "/api/v1/plan", {"json": {"schema": "nope"}}),
    (500, "GET", "/boom", {}),
    (500, "GET", "/api/v1/boom", {}),
]


@pytest.mark.parametrize("status, method, path, kwargs", ERRORS,
                         ids=[f"{e[0]}-{e[1]}-{e[2]}" for e in ERRORS])
def test_every_error_has_the_headers(status, method, path, kwargs):
    client = _error_app().test_client()
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == status
    assert_security_headers(response)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "RuntimeError" not in body
    if path.startswith("/api/"):
        assert response.is_json and response.headers["Cache-Control"] == "no-store"
    else:
        assert response.mimetype == "text/html"
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path, kwargs", [
    ("/letters/pack", {"data": {"case": json.dumps(CASE), "kind": "pack"}}),
    ("/api/v1/plan", {"json": CASE}),
])
def test_429_has_the_headers(path, kwargs):
    client = _error_app().test_client()
    client.post(path, **kwargs)
    response = client.post(path, **kwargs)
    assert response.status_code == 429
    assert_security_headers(response)
    assert int(response.headers["Retry-After"]) >= 1


def test_headers_when_created_for_production(make_app):
    """Not only in TESTING: the app as gunicorn builds it."""
    app = make_app(TESTING=False, RATELIMIT_ENABLED=True)
    for path in ("/", "/no-such-page", "/api/v1/nothing"):
        assert_security_headers(app.test_client().get(path))
