"""The questions in four short steps, used like a browser without JavaScript."""

import json

import pytest

from takedown.case import NO_PLACES
from takedown.web.forms import TIMED_OUT, step_of
from tests.helpers import ANSWERS, Browser, answer, normalize_spaces

STEP_1 = {"requester_role": "parent", "jurisdiction": "england"}
STEP_2 = {"person_age_group": "known", "person_age": "14"}
STEP_4 = {"places-0-url": "https://www.instagram.com/p/Cabc123/"}


@pytest.fixture
def browser(client):
    return Browser(client)


def step(browser) -> str:
    count = browser.page.select_one("#step-count")
    return normalize_spaces(count.text) if count else ""


def fields(browser) -> set[str]:
    """The questions the page shows (not the hidden ones it carries)."""
    return {tag["name"] for tag in browser.page.select("main form input, main form select, "
                                                       "main form textarea")
            if tag.get("type") != "hidden"}


def through_the_steps(browser, step_3=None, step_4=None):
    browser.get("/case/start")
    browser.press("#continue", STEP_1)
    browser.press("#continue", STEP_2)
    browser.press("#continue", step_3 or {})
    assert step(browser) == "Step 4 of 4"
    return browser.press("#continue", step_4 or STEP_4)


def test_four_steps_each_with_only_its_questions_then_check(browser):
    browser.get("/case/start")
    assert browser.heading == "Tell us what has happened"
    assert step(browser) == "Step 1 of 4"
    assert not browser.page.select("#back")  # nothing to go back to
    assert fields(browser) == {"requester_role", "requester_is_dsl", "jurisdiction", "area"}
    browser.press("#continue", STEP_1)
    assert step(browser) == "Step 2 of 4" and browser.page.select_one("#back")
    assert "person_age_group" in fields(browser) and "requester_role" not in fields(browser)
    browser.press("#continue", STEP_2)
    assert step(browser) == "Step 3 of 4"
    assert "concerns_threats" in fields(browser) and "person_age" not in fields(browser)
    browser.press("#continue")
    assert step(browser) == "Step 4 of 4"
    assert {"places-0-url", "requester_email", "school_name"} <= fields(browser)
    assert "concerns_threats" not in fields(browser)
    browser.press("#continue", {**STEP_4, "requester_name": "Pat"})
    assert browser.heading == "Check your answers"  # not urgent: the whole check page
    case = browser.case
    assert case["requester"]["role"] == "parent" and case["requester"]["name"] == "Pat"
    assert case["person"]["age"] == 14 and case["jurisdiction"] == "england"
    assert case["locations"][0]["platform"] == "instagram"


def test_back_keeps_every_answer_even_unchecked_ones(browser):
    browser.get("/case/start")
    browser.press("#continue", STEP_1)
    browser.press("#continue", STEP_2)
    browser.press("#continue", {"concerns_shared_at_school": "y"})
    browser.press("#back", {"places-0-url": "not a link yet"})  # Back does not check
    assert step(browser) == "Step 3 of 4" and not browser.page.select(".error-summary")
    assert browser.checked("concerns_shared_at_school") == "y"
    browser.press("#back")
    assert step(browser) == "Step 2 of 4"
    assert browser.checked("person_age_group") == "known" and browser.value("person_age") == "14"
    browser.press("#back")
    assert step(browser) == "Step 1 of 4" and browser.checked("requester_role") == "parent"
    browser.press("#continue")
    browser.press("#continue")
    browser.press("#continue", {"concerns_shared_at_school": None})  # unticked now
    assert browser.value("places-0-url") == "not a link yet"
    browser.press("#continue", STEP_4)
    assert browser.heading == "Check your answers"
    assert browser.case["concerns"]["shared_at_school"] is False


def test_a_step_checks_only_its_own_questions_and_keeps_what_was_typed(browser):
    browser.get("/case/start")
    browser.press("#continue")
    assert step(browser) == "Step 1 of 4"
    assert browser.page.title.text.startswith("Error: Tell us what has happened")
    assert browser.error_links() == [("#requester_role-0", "Select who you are"),
                                     ("#jurisdiction-0", "Select where you are")]
    browser.press("#continue", STEP_1)
    assert step(browser) == "Step 2 of 4" and not browser.page.select(".error-summary")
    browser.press("#continue", {"person_age_group": "known", "person_age": "fourteen"})
    assert step(browser) == "Step 2 of 4"
    assert browser.error_links() == [
        ("#person_age", "Their age must be a whole number from 0 to 120")]
    assert browser.value("person_age") == "fourteen"
    browser.press("#continue", STEP_2)
    browser.press("#continue")
    browser.press("#continue", {"places-0-url": "ftp://nope", "requester_email": "nope"})
    assert step(browser) == "Step 4 of 4"
    links = dict(browser.error_links())
    assert set(links) == {"#places-0-url", "#requester_email"}
    assert browser.value("places-0-url") == "ftp://nope"


@pytest.mark.parametrize("concern", ["threats", "immediate_danger", "adult_involved"])
def test_an_urgent_case_goes_straight_to_the_plan_with_a_short_check(browser, concern):
    through_the_steps(browser, step_3={f"concerns_{concern}": "y"})
    assert browser.heading == "Your plan"
    panel = browser.page.select_one("#quick-check")
    text = normalize_spaces(panel.text)
    assert panel.h2.text == "Check your answers"
    for expected in ("Parent or carer", "England", "14", "Instagram"):
        assert expected in text, expected
    assert [s["id"] for s in browser.page.select("main section")][:2] == [
        "urgent-now", "section-urgent"]
    assert len(panel.select(".summary-list > div")) == 4  # short: not the whole check page
    case = browser.case
    browser.press("#quick-change")
    assert browser.heading == "Tell us what has happened" and step(browser) == "Step 1 of 4"
    assert browser.checked("requester_role") == "parent"
    browser.press("#continue")  # nothing changed: back to the plan
    assert browser.heading == "Your plan" and browser.page.select_one("#quick-check")
    assert browser.case == case


def test_a_change_can_walk_every_step_and_a_case_no_longer_urgent_gets_the_check_page(browser):
    through_the_steps(browser, step_3={"concerns_threats": "y"})
    browser.press("#quick-change")
    browser.press("#next")
    assert step(browser) == "Step 2 of 4" and browser.value("person_age") == "14"
    browser.press("#next")
    assert step(browser) == "Step 3 of 4" and browser.checked("concerns_threats") == "y"
    browser.press("#continue", {"concerns_threats": None})
    assert browser.heading == "Check your answers"
    assert browser.case["concerns"]["threats"] is False


def test_change_from_the_check_page_opens_that_step_and_comes_back(browser):
    answer(browser, requester_name="Pat")
    reference = browser.case["reference"]
    browser.press("button[formaction='/case/change#person_age_group-0']")
    assert step(browser) == "Step 2 of 4" and browser.value("person_age") == "14"
    browser.press("#continue", {"person_age": "15"})
    assert browser.heading == "Check your answers"
    assert browser.case["person"]["age"] == 15 and browser.case["reference"] == reference
    assert browser.case["requester"]["name"] == "Pat"


def test_change_your_answers_opens_step_1_with_everything_kept(browser):
    answer(browser, requester_name="Pat", concerns_shared_at_school="y")
    case = browser.case
    browser.press("#continue")
    browser.press("#change")
    assert step(browser) == "Step 1 of 4" and browser.checked("requester_role") == "parent"
    carried = dict(json.loads(browser.value("answers")))
    assert carried["requester_name"] == "Pat" and carried["concerns_shared_at_school"] == "y"
    browser.press("#continue")
    assert browser.heading == "Check your answers" and browser.case == case


def test_a_mistake_in_a_change_stays_on_its_step(browser):
    answer(browser)
    browser.press("button[formaction='/case/change#places-0-url']")
    browser.press("#continue", {"places-0-url": None})
    assert step(browser) == "Step 4 of 4"
    assert browser.error_links() == [("#places-0-url", NO_PLACES)]


def test_all_the_answers_at_once_still_reach_the_check_page(make_app):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    for extra in ({}, {"step": "1"}, {"step": "4"}):
        response = client.post("/case/start", data={**ANSWERS, "concerns_threats": "y",
                                                    "action": "continue", **extra})
        assert b"<h1>Check your answers</h1>" in response.data, extra


def test_every_question_on_one_page_is_a_link_away(browser):
    browser.get("/case/start")
    link = browser.page.select_one("a#one-page")
    assert link["href"] == "/case/start?all=1"
    browser.get(link["href"])
    assert not browser.page.select("#step-count, input[name=step]")
    assert {"requester_role", "person_age_group", "concerns_threats", "places-0-url",
            "school_email"} <= fields(browser)
    browser.press("#continue", ANSWERS)
    assert browser.heading == "Check your answers"


@pytest.mark.parametrize("carried", ["", "{", "[1, [2, 3], [\"requester_role\"]]", "null",
                                     json.dumps({"person_age": "14", "jurisdiction": "x", "x": 1}),
                                     "[" * 5000])
def test_odd_carried_answers_do_no_harm(make_app, carried):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/case/start", data={"step": "2", "answers": carried,
                                                "person_age_group": "under-18"})
    assert response.status_code == 200
    assert b"Step 3 of 4" in response.data


def test_adding_a_place_stays_on_step_4(browser):
    through_the_steps(browser, step_4={**STEP_4, "requester_email": "bad"})
    browser.press("#add-place", {"places-0-account": "@one"})
    assert step(browser) == "Step 4 of 4" and len(browser.page.select("fieldset.place")) == 2
    assert not browser.page.select(".error-summary")
    browser.press("#continue", {"places-1-platform": "snapchat", "requester_email": None})
    assert browser.heading == "Check your answers", browser.error_links()
    assert [p["platform"] for p in browser.case["locations"]] == ["instagram", "snapchat"]


def test_a_timed_out_step_keeps_its_answers(make_app):
    browser = Browser(make_app(WTF_CSRF_ENABLED=True).test_client()).get("/case/start")
    browser.press("#continue", {**STEP_1, "csrf_token": "expired"})
    assert TIMED_OUT in browser.text and step(browser) == "Step 1 of 4"
    assert browser.checked("requester_role") == "parent"
    browser.press("#continue")
    assert step(browser) == "Step 2 of 4"


def test_step_pages_need_no_script_and_enter_continues(browser):
    browser.get("/case/start")
    for number, answers in ((1, STEP_1), (2, STEP_2), (3, {}), (4, None)):
        assert step(browser) == f"Step {number} of 4"
        assert not browser.page.select("script:not([src])") and not browser.page.select("[style]")
        assert not browser.page.select("[onclick], [onchange], [onsubmit]")
        buttons = browser.page.select("main form button[type=submit]")
        assert buttons[0]["value"] == "continue"  # Enter continues, never goes back
        if answers is not None:
            browser.press("#continue", answers)


def test_the_four_steps_ask_every_question_of_the_one_page_each_once(browser):
    browser.get("/case/start?all=1")
    every = fields(browser)
    assert all(step_of(name) for name in every), every
    asked = []
    browser.get("/case/start")
    for number in range(1, 5):
        assert step(browser) == f"Step {number} of 4"
        shown = fields(browser)
        assert {step_of(name) for name in shown} == {number}
        asked += shown
        if number < 4:
            browser.press("#continue", {1: STEP_1, 2: STEP_2, 3: {}}[number])
    assert sorted(asked) == sorted(every)
