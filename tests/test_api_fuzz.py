"""Property tests for the JSON API: valid cases round-trip, nothing ever gives a 500.

Every response is also checked against the served OpenAPI document (see
``ApiChecker`` in helpers.py).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from takedown.case import CaseInvalid, case_to_dict, parse_case
from takedown.letters import KINDS as LETTER_KINDS
from tests.helpers import API, SLUGS, ApiChecker, cases, json_values, new_app


@pytest.fixture(scope="module")
def api():
    """One app for the module: Hypothesis runs many examples against one client."""
    app = new_app()
    return ApiChecker(app.test_client())


# --- valid cases ----------------------------------------------------------------------------


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(body=cases())
def test_valid_cases_round_trip_through_plan(api, body):
    try:
        expected = case_to_dict(parse_case(body))
    except CaseInvalid:
        assume(False)
    first = api.post(f"{API}/plan", json=body)
    assert first.status_code == 200, first.get_json()
    data = first.get_json()
    if "reference" not in body:  # made up at random, so only its shape can be compared
        assert len(data["case"]["reference"]) == len(expected["reference"])
        expected["reference"] = data["case"]["reference"]
    assert data["case"] == expected
    again = api.post(f"{API}/plan", json=data["case"]).get_json()
    assert again == data


# --- anything at all -------------------------------------------------------------------------

POST_ENDPOINTS = st.one_of(
    st.just(f"{API}/identify"),
    st.just(f"{API}/plan"),
    st.builds(lambda kind, query: f"{API}/letters/{quote(kind, safe='')}{query}",
              st.one_of(st.sampled_from(LETTER_KINDS), st.text(min_size=1, max_size=10)),
              st.one_of(st.just(""), st.builds(
                  lambda slug: f"?platform={quote(slug, safe='')}",
                  st.one_of(st.sampled_from(SLUGS), st.text(max_size=10))))),
)
content_types = st.one_of(
    st.sampled_from([
        "application/json", "application/json; charset=utf-8", "application/ld+json",
        "application/json; charset=latin-1", "text/plain", "multipart/form-data",
        "application/x-www-form-urlencoded", "", "application/json; charset",
        "application/json;;;", "application/json; charset=\"utf-8\"",
    ]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40),
)


def assert_sane(response) -> None:
    assert response.status_code != 500
    assert response.status_code in (200, 400, 404, 413, 415, 422), response.status_code
    if response.status_code == 200:
        return
    data = response.get_json()
    if response.status_code == 422:
        assert data["errors"]
        for error in data["errors"]:
            assert isinstance(error["field"], str) and error["field"]
            assert isinstance(error["message"], str) and error["message"].strip()
    else:
        assert set(data) == {"error", "message"}


@settings(max_examples=300)
@given(path=POST_ENDPOINTS, value=json_values)
def test_any_json_value_never_500(api, path, value):
    assert_sane(api.post(path, data=json.dumps(value), content_type="application/json"))


@settings(max_examples=300)
@given(path=POST_ENDPOINTS, body=st.binary(max_size=200), content_type=content_types)
def test_any_bytes_and_content_type_never_500(api, path, body, content_type):
    assert_sane(api.post(path, data=body, content_type=content_type))


@settings(max_examples=200)
@given(path=POST_ENDPOINTS, text=st.text(max_size=200))
def test_invalid_json_text_never_500(api, path, text):
    assert_sane(api.post(path, data=text.encode("utf-8", "surrogatepass"),
                         content_type="application/json"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=POST_ENDPOINTS, body=cases(), data=st.data())
def test_damaged_cases_never_500(api, path, body, data):
    """Replace one part of a valid case with anything at all."""
    target = body
    keys = []
    while isinstance(target, (dict, list)) and target and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(target) if isinstance(target, dict)
                                        else range(len(target))))
        keys.append(key)
        if not isinstance(target[key], (dict, list)):
            break
        target = target[key]
    if keys:
        parent = body
        for key in keys[:-1]:
            parent = parent[key]
        parent[keys[-1]] = data.draw(json_values)
    else:
        body[data.draw(st.text(max_size=10))] = data.draw(json_values)
    assert_sane(api.post(path, json=body))


@settings(max_examples=300)
@given(url=st.text(max_size=300))
def test_identify_any_text(api, url):
    response = api.post(f"{API}/identify", json={"url": url})
    assert response.status_code == 200
    assert response.get_json()["platform"] in SLUGS + [None]
