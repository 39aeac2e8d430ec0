"""The questions in four steps on a phone (375 x 812): a sense of place, Back keeps the answers,
no JavaScript needed, axe finds nothing on any step or its errors, and an urgent case goes
straight to its plan with a short check at the top. A screenshot of step 3 is saved."""

import pytest

from tests.browser.kit import (
    Keyboard,
    Mouse,
    assert_no_axe_violations,
    fill_steps,
    heading,
    squash,
)

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}

PARENT = {"role": "parent", "jurisdiction": "england", "age_group": "known", "age": "14",
          "concerns": ["threats"],
          "places": [{"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks"}]}


def _wrong_then_right(page, driver, step: int, field: str, wrong: str, right: str) -> None:
    """Fill a field wrongly: the same step comes back with one error summary, accessible;
    then fill it rightly and go on."""
    driver.fill(field, wrong)
    driver.submit("#continue")
    assert _step(page) == f"Step {step} of 4" and page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page, f"step {step} with errors")
    driver.fill(field, right)
    driver.submit("#continue")


def _step(page) -> str:
    return squash(page.inner_text("#step-count"))


@pytest.mark.parametrize("how, javascript", [("mouse", True), ("mouse", False),
                                             ("keyboard", False)],
                         ids=["mouse", "mouse-no-js", "keyboard-no-js"])
def test_an_urgent_case_through_the_steps_to_the_plan(new_context, how, javascript):
    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    driver = Mouse(page) if how == "mouse" else Keyboard(page)
    page.goto("/")
    driver.submit("#start")
    assert _step(page) == "Step 1 of 4"
    fill_steps(driver, PARENT)
    driver.submit("#back")
    assert _step(page) == "Step 3 of 4" and page.is_checked("#concerns_threats")
    driver.submit("#continue")
    assert page.input_value("#places-0-url") == PARENT["places"][0]["url"]  # kept going back
    driver.submit("#continue")
    assert heading(page) == "Your plan"
    panel = squash(page.inner_text("#quick-check"))
    assert "Check your answers" in panel and "Parent or carer" in panel and "Instagram" in panel
    assert page.eval_on_selector_all("main section", "els => els.map(e => e.id)")[:2] == [
        "urgent-now", "section-urgent"]
    driver.submit("#quick-change")
    assert _step(page) == "Step 1 of 4"
    driver.submit("#continue")
    assert heading(page) == "Your plan"


def test_every_step_and_its_errors_have_no_axe_violations(new_context, screenshots):
    page = new_context(**PHONE).new_page()
    driver = Mouse(page)
    page.goto("/case/start")
    assert_no_axe_violations(page, "step 1")
    driver.submit("#continue")
    assert page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page, "step 1 with errors")
    driver.tick("input[name=requester_role][value=parent]")
    driver.tick("input[name=jurisdiction][value=england]")
    driver.submit("#continue")
    assert_no_axe_violations(page, "step 2")
    driver.tick("input[name=person_age_group][value=known]")
    _wrong_then_right(page, driver, 2, "#person_age", "two hundred", "14")
    assert_no_axe_violations(page, "step 3")
    page.screenshot(path=str(screenshots / "step-3-phone.png"), full_page=True)
    driver.tick("#concerns_adult_involved")
    driver.submit("#continue")
    assert_no_axe_violations(page, "step 4")
    _wrong_then_right(page, driver, 4, "#places-0-url", "not a link",
                      "https://www.tiktok.com/@someone/video/1")
    assert heading(page) == "Your plan" and page.locator("#quick-check").count() == 1
    assert_no_axe_violations(page, "plan with its short check")
    driver.submit("#quick-change")
    assert_no_axe_violations(page, "step 1 while changing")
