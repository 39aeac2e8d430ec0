"""The question form and its mapping to a case, without HTTP (MultiDict in, case out)."""

import json
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from takedown.case import SCHEMA, case_to_dict, parse_case
from takedown.web.forms import (
    CaseForm,
    case_data_from_form,
    case_form_from_data,
    case_from_form,
    error_list,
    form_data_from_case,
)
from tests.helpers import new_app, page_checks

FULL = {
    "schema": SCHEMA,
    "reference": "TD-7KQ2-M9XP",
    "jurisdiction": "scotland",
    "requester": {"role": "caseworker", "name": "Jo Bloggs", "email": "jo@example.org",
                  "phone": "01632 960 001", "organisation": "Council", "address": "1 Road\nTown"},
    "person": {"age": 15, "under_18": True, "name": "Alex", "school": "Hill Academy"},
    "concerns": {"immediate_danger": False, "threats": True, "adult_involved": True,
                 "shared_at_school": False},
    "locations": [
        {"url": "https://www.instagram.com/p/x/", "platform": "instagram",
         "description": "posted on a story", "account": "@someone", "first_seen": "2026-01-02"},
        {"platform": "snapchat", "description": "sent in a group"},
        {"url": "https://unknown.example/a", "platform": "other"},
    ],
    "school": {"name": "Hill Academy", "contact_name": "Ms Lead", "address": "School Lane",
               "email": "dsl@school.example"},
}


@pytest.fixture
def ctx(app):
    with app.test_request_context(method="POST"):
        yield


def form_from(data: dict) -> CaseForm:
    return CaseForm(formdata=MultiDict(data), meta={"csrf": False})


def test_a_full_case_goes_through_the_form_unchanged(ctx):
    form = case_form_from_data(FULL, meta={"csrf": False})
    case = case_from_form(form)
    assert case is not None, error_list(form)
    assert case_to_dict(case) == case_to_dict(parse_case(FULL))


def test_age_choices_map_to_the_case(ctx):
    for fields, person in [
        ({"person_age_group": "known", "person_age": "12"}, {"age": 12, "under_18": True}),
        ({"person_age_group": "known", "person_age": "30"}, {"age": 30, "under_18": False}),
        ({"person_age_group": "under-18", "person_age": "99"}, {"age": None, "under_18": True}),
        ({"person_age_group": "adult"}, {"age": None, "under_18": False}),
        ({"person_age": "16"}, {"age": 16, "under_18": True}),  # a number alone is enough
    ]:
        form = form_from({"requester_role": "parent", "jurisdiction": "us", "places-0-platform": "x",
                          **fields})
        case = case_from_form(form)
        assert case is not None, error_list(form)
        assert case_to_dict(case)["person"] == {**person, "full_name_in_letters": False}


def test_form_data_from_case_survives_anything(ctx):
    for junk in [None, [], "text", 7, {"requester": [1], "person": "x", "locations": "no"},
                 {"locations": [None, 3, {"url": ["a"], "platform": {"x": 1}}] * 30},
                 {"person": {"age": True, "under_18": "yes"}, "concerns": {"threats": "true"}}]:
        form = case_form_from_data(junk, meta={"csrf": False})
        assert case_from_form(form) is None
        assert all(anchor and message for anchor, message in error_list(form))
        assert len(form.places.entries) <= 40


def test_errors_map_to_the_form_entry_even_after_blank_places(ctx):
    form = form_from({"requester_role": "parent", "jurisdiction": "england", "person_age_group": "adult",
                      "places-0-url": "tiktok.com/@a", "places-1-url": "",
                      "places-2-url": "mailto:x@example.com"})
    assert case_from_form(form) is None
    assert error_list(form) == [(
        "places-2-url",
        "Place 3: link must be a web address starting with https:// or www, or a site name "
        "like instagram.com")]


def test_a_changed_reference_is_replaced_not_an_error(ctx):
    form = form_from({"requester_role": "parent", "jurisdiction": "england", "person_age_group": "adult",
                      "places-0-platform": "tiktok", "reference": "<b>nope</b>"})
    case = case_from_form(form)
    assert case is not None and case.reference.startswith("TD-")


def test_textarea_line_endings_are_kept_as_plain_new_lines(ctx):
    form = form_from({"requester_role": "parent", "jurisdiction": "england", "person_age_group": "adult",
                      "places-0-platform": "tiktok", "requester_address": "1 Road\r\nTown\r\n"})
    case = case_from_form(form)
    assert case.requester.address == "1 Road\nTown"


def test_case_data_from_form_names_only_case_fields(ctx):
    data, entries = case_data_from_form(form_from({"places-3-url": "a.example"}))
    assert set(data) == {"schema", "jurisdiction", "area", "requester", "person", "concerns",
                         "locations", "school"}
    assert entries == [0]


def test_form_data_round_trips_for_the_radio_and_check_fields(ctx):
    data = form_data_from_case(FULL)
    assert data["requester"]["role"] == "caseworker"
    assert data["person"]["age_group"] == "known" and data["person"]["age"] == "15"
    assert data["concerns"]["threats"] is True and data["concerns"]["immediate_danger"] is False
    # A platform worked out from the link is left unchosen, so it follows a changed link.
    assert [p["platform"] for p in data["places"]] == ["", "snapchat", ""]


# --- Property: random case JSON in the hidden field never breaks a page -------------------------
# (Random form posts to every web endpoint, each error linked to its field: test_fuzz_forms.py.)


@cache
def _client():
    return new_app(WTF_CSRF_ENABLED=False).test_client()


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
              st.text(max_size=30), st.sampled_from(["england", "parent", "instagram", SCHEMA,
                                                     "2026-01-01", "https://x.example/"])),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.sampled_from(["schema", "jurisdiction", "requester", "person", "role",
                                         "age", "under_18", "concerns", "threats", "locations",
                                         "url", "platform", "first_seen", "school", "reference",
                                         "name", "email"]) | st.text(max_size=8),
                        children, max_size=6)),
    max_leaves=30,
)


@given(path=st.sampled_from(["/case/plan", "/case/save", "/case/change"]), case=_JSON)
def test_random_case_json_in_the_hidden_field_never_breaks_a_page(path, case):
    client = _client()
    response = client.post(path, data={"case": json.dumps(case)})
    assert response.status_code in (200, 400)
    if response.mimetype == "text/html":
        html = page_checks(response)
        for link in html.select(".error-summary a"):
            assert html.select_one(link["href"]) is not None
