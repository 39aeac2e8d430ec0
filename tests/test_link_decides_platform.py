"""A pasted link that names a platform decides the place's platform; a different choice is asked about."""

import pytest

from takedown.case import CaseInvalid, parse_case
from tests.helpers import API, ApiChecker, Browser, a_case, answer


def _errors(data) -> dict[str, str]:
    with pytest.raises(CaseInvalid) as raised:
        parse_case(data)
    return {error.field: error.message for error in raised.value.errors}


@pytest.mark.parametrize("url, chosen, named", [
    ("https://www.instagram.com/p/abc", "snapchat", "Instagram"),
    ("https://kik.com/u/someone", "tiktok", "Kik"),
])
def test_a_link_for_one_platform_with_another_chosen_is_asked_about(url, chosen, named):
    errors = _errors(a_case(locations=[{"url": url, "platform": chosen}]))
    assert list(errors) == ["locations[0].platform"]
    assert named in errors["locations[0].platform"]


def test_the_link_sets_the_platform_and_agreeing_choices_stand():
    case = parse_case(a_case(locations=[
        {"url": "https://www.instagram.com/p/abc"},
        {"url": "https://www.instagram.com/p/def", "platform": "instagram"},
        {"url": "https://unknown-forum.example/t/1", "platform": "snapchat"},
    ]))
    assert [place.platform for place in case.locations] == ["instagram", "instagram", "snapchat"]


def test_the_question_page_says_so_on_the_platform_field(client):
    browser = Browser(client)
    answer(browser, **{"places-0-url": "https://www.instagram.com/p/abc",
                       "places-0-platform": "snapchat"})
    assert browser.heading == "Tell us what has happened"
    links = dict(browser.error_links())
    assert "#places-0-platform" in links, links
    assert "Instagram" in links["#places-0-platform"] and "Snapchat" in links["#places-0-platform"]
    message = browser.page.select_one("#places-0-platform-error").text
    assert "Instagram" in message
    # Everything typed is kept.
    assert browser.value("places-0-url") == "https://www.instagram.com/p/abc"


def test_the_api_answers_422_naming_the_field(client):
    api = ApiChecker(client)
    response = api.post(f"{API}/plan", json=a_case(
        locations=[{"url": "https://www.instagram.com/p/abc", "platform": "snapchat"}]))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["locations[0].platform"]


def test_openapi_examples_are_valid_cases(client):
    """The OpenAPI document's example case is one the API accepts."""
    doc = client.get(f"{API}/openapi.json").get_json()
    body = doc["paths"]["/api/v1/plan"]["post"]["requestBody"]["content"]["application/json"]
    (example,) = body["examples"].values()
    response = ApiChecker(client).post(f"{API}/plan", json=example["value"])
    assert response.status_code == 200
    assert response.get_json()["plan"]["urgent"] is True
