"""Property tests for the JSON API: valid cases round-trip, nothing ever gives a 500.

Every response is also checked against the served OpenAPI document (see
``ApiChecker`` in helpers.py). Any bytes with any content type, to the API's and the
web's POST endpoints alike, are in test_fuzz_forms.py.
"""

from __future__ import annotations

import json
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from takedown.case import CaseInvalid, case_to_dict, parse_case
from tests.helpers import (
    API,
    SLUGS,
    ApiChecker,
    api_posts,
    assert_api_answer_sane,
    cases,
    json_values,
    new_app,
)


@cache
def _api() -> ApiChecker:
    """One app for the run: Hypothesis runs many examples against one client."""
    return ApiChecker(new_app().test_client())


# --- valid cases ----------------------------------------------------------------------------


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(body=cases())
def test_valid_cases_round_trip_through_plan(body):
    api = _api()
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


@settings(max_examples=300)
@given(path=api_posts, value=json_values)
def test_any_json_value_never_500(path, value):
    assert_api_answer_sane(_api().post(path, data=json.dumps(value),
                                       content_type="application/json"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=api_posts, body=cases(), data=st.data())
def test_damaged_cases_never_500(path, body, data):
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
    assert_api_answer_sane(_api().post(path, json=body))


@settings(max_examples=300)
@given(url=st.text(max_size=300))
def test_identify_any_text(url):
    response = _api().post(f"{API}/identify", json={"url": url})
    assert response.status_code == 200
    assert response.get_json()["platform"] in SLUGS + [None]
