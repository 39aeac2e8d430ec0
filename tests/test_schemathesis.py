"""Schemathesis against the served OpenAPI document, over HTTP to a live server on loopback.

The app runs in a thread on 127.0.0.1 and a free port (``live_server``, from conftest's
``serve``, the same server the browser tests use); Schemathesis
loads /api/v1/openapi.json from it and sends generated requests to every operation.
Every response must be no 500, a declared status, the declared content type, a body
valid against its schema and the declared headers. Bounded to a few examples per
operation so the whole file takes well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.pytest.lazy import get_all_tests

from tests.helpers import a_case, new_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
MAX_EXAMPLES = 15


def api_app(**config):
    # Not TESTING, and rate limits on (so 429 is declared, as in production) but far above
    # what the run sends.
    return new_app(TESTING=False, RATELIMIT_ENABLED=True,
                   **{"RATELIMIT_API": "100000 per minute", "RATELIMIT_PDF": "100000 per minute",
                      **config})


@pytest.fixture(scope="module")
def live_server(serve):
    with serve(api_app()) as server:
        yield server.url


# The operations are read from the app's own document when the tests are collected;
# schemathesis.pytest.from_fixture (load it from the live server) fails under pytest 9
# (it sets Function._nodeid, which pytest 9 no longer has). The test below checks that
# the live server serves this same document.
API_CLIENT = api_app().test_client()
DOCUMENT = API_CLIENT.get("/api/v1/openapi.json").get_json()
schema = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = [(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item]


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def _conforms(case, live_server):
    case.call_and_validate(base_url=live_server, checks=CHECKS)


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_api_conforms_to_its_openapi_document(live_server, method, path):
    """Schemathesis's phases (examples, coverage, fuzzing) for one operation, as its pytest
    plugin (schema.parametrize) runs them, with the same settings and checks; built here, by
    the helper its lazy schemas use, so the one worker that runs this test builds them, not
    every worker at collection (the coverage cases took ~2.5 CPU-s a worker)."""
    [built] = get_all_tests(schema=schema.include(method=method, path=path), test_func=_conforms,
                            settings=None, given_kwargs=None)
    operation, run = built.ok()
    assert (operation.method.upper(), operation.path) == (method, path)
    run(live_server=live_server)


def test_the_live_server_serves_the_document_tested(live_server):
    import requests

    response = requests.get(f"{live_server}/api/v1/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.json() == DOCUMENT
    operations = {(op.method.upper(), op.path) for op in
                  (result.ok() for result in schema.get_all_operations())}
    assert {(method.upper(), path) for path, item in DOCUMENT["paths"].items()
            for method in item} == operations


# --- the success paths random data rarely reaches, checked the same way ----------------------

SLUGS = [entry["slug"] for entry in API_CLIENT.get("/api/v1/platforms").get_json()["platforms"]]
FULL_CASE = a_case(locations=[{"url": "https://www.instagram.com/p/abc/"},
                              {"platform": "tiktok", "account": "some.account"}])


def _operation(path: str, method: str):
    return schema[path][method]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_platform_conforms(live_server, slug):
    case = _operation("/api/v1/platforms/{slug}", "GET").Case(path_parameters={"slug": slug})
    response = case.call_and_validate(base_url=live_server, checks=CHECKS)
    assert response.status_code == 200


@pytest.mark.parametrize("kind, platform", [("platform", "instagram"), ("platform", "tiktok"),
                                            ("school", None), ("iwf", None), ("pack", None)])
def test_every_letter_kind_conforms(live_server, kind, platform):
    case = _operation("/api/v1/letters/{kind}", "POST").Case(
        path_parameters={"kind": kind}, query={"platform": platform} if platform else {},
        body=FULL_CASE, media_type="application/json")
    # A pack on a busy machine can take longer than Schemathesis's default 10 s: this checks
    # the answer's shape, not its speed.
    response = case.call_and_validate(base_url=live_server, checks=CHECKS, timeout=60)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_a_429_conforms(serve):
    """Over the limit, the live server's 429 is declared, JSON and carries Retry-After."""
    with serve(api_app(RATELIMIT_API="2 per minute")) as server:
        url = server.url
        case = _operation("/api/v1/identify", "POST").Case(
            body={"url": "https://www.instagram.com/p/x"}, media_type="application/json")
        statuses = [case.call_and_validate(base_url=url, checks=CHECKS).status_code
                    for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = case.call(base_url=url)
        assert limited.status_code == 429 and int(limited.headers["retry-after"][0]) >= 1
        assert "wait" in limited.json()["message"]
