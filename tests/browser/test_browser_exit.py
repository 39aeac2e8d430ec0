"""Exit this page: the button and Shift three times leave for a neutral site, and Back does not
bring the case back. In tests EXIT_URL points at a second server on loopback."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.kit import Keyboard, Mouse, fill_questions, heading, squash

ANSWERS = {"role": "parent", "jurisdiction": "england", "age_group": "known", "age": "15",
           "concerns": ["threats"],
           "places": [{"url": "https://www.instagram.com/p/C0ffee123/",
                       "account": "sam.leaks.2026"}],
           "requester_name": "Alex Rivers", "requester_email": "alex.rivers@example.org"}


@pytest.fixture
def exit_page(new_context, neutral_site):
    def make(**options):
        context = new_context(**options)
        context.recorder.allowed.add(neutral_site.url)
        return context.new_page()
    return make


def _to_case(page):
    """Into the middle of a case: the check-your-answers page, full of personal details."""
    page.goto("/case/start")
    fill_questions(Mouse(page), ANSWERS)
    Mouse(page).submit("#continue")
    assert heading(page) == "Check your answers"
    assert "Alex Rivers" in page.inner_text("main")


def _assert_left(page, neutral_site):
    page.wait_for_url(f"{neutral_site.url}/weather")
    assert heading(page) == "Weather forecast"
    assert neutral_site.site.referers[-1] is None  # the neutral site is not told where from


def _assert_back_does_not_return(page, live_server, before: str | None = None):
    """Back from the neutral site skips the page that was left.

    The entry before a case page is itself a POST (the questions sent), which Chromium will
    not send again by itself: it shows its own "Confirm form resubmission" page. Either way,
    nothing of the case appears.
    """
    try:
        page.go_back()
    except PlaywrightError as error:
        assert "ERR_CACHE_MISS" in str(error), error
    else:
        page.wait_for_load_state()
        if before:
            assert page.url == f"{live_server.url}{before}"
    text = squash(page.content())
    assert "Alex Rivers" not in text and "Check your answers" not in text


@pytest.mark.parametrize("how", ["click", "keyboard"])
def test_exit_button_leaves_and_back_does_not_return(exit_page, live_server, neutral_site, how):
    page = exit_page()
    _to_case(page)
    entries = page.evaluate("history.length")
    if how == "click":
        page.click("a[data-exit-this-page]")
    else:
        # The exit button is the first stop after "Skip to main content".
        Keyboard(page).tab_to("a[data-exit-this-page]")
        page.keyboard.press("Enter")
    _assert_left(page, neutral_site)
    assert page.evaluate("history.length") == entries  # the case page was replaced, not stacked
    _assert_back_does_not_return(page, live_server)


def test_shift_three_times_leaves_and_back_does_not_return(exit_page, live_server, neutral_site):
    page = exit_page()
    _to_case(page)
    entries = page.evaluate("history.length")
    page.focus("#continue")
    for _ in range(3):
        page.keyboard.press("Shift")
    _assert_left(page, neutral_site)
    assert page.evaluate("history.length") == entries
    _assert_back_does_not_return(page, live_server)


def test_back_after_exit_skips_a_half_typed_form(exit_page, live_server, neutral_site):
    """What was typed (not yet sent) is not restored by Back: its history entry is gone."""
    page = exit_page()
    page.goto("/")
    page.goto("/case/start?all=1")  # every question on one page: a text box to type in
    page.fill("#requester_name", "Alex Rivers")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    _assert_left(page, neutral_site)
    _assert_back_does_not_return(page, live_server, before="/")
    assert heading(page) == "Get a child's nude or sexual image taken down"


def test_typing_capitals_does_not_exit(exit_page, live_server):
    page = exit_page()
    page.goto("/case/start?all=1")
    page.focus("#requester_name")
    for key in ("Shift+A", "Shift+L", "Shift+E", "Shift+X"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/case/start?all=1"
    assert page.input_value("#requester_name") == "ALEX"


def test_two_shifts_then_a_pause_does_not_exit(exit_page, live_server):
    page = exit_page()
    page.goto("/platforms")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(1200)  # the count resets after a second
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/platforms"


def test_exit_works_without_javascript(exit_page, live_server, neutral_site):
    page = exit_page(java_script_enabled=False)
    page.goto("/platforms/snapchat")
    with page.expect_navigation():
        page.click("a[data-exit-this-page]")
    _assert_left(page, neutral_site)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_shortcut_is_offered_only_when_it_works(exit_page, javascript):
    page = exit_page(java_script_enabled=javascript)
    page.goto("/case/start")
    assert page.is_visible(".exit-hint") is javascript
    hint = page.get_by_text("Or press Shift 3 times")
    assert hint.is_visible() is javascript
    # The bar's height is the same either way: nothing jumps when the script runs.
    height = page.eval_on_selector(".exit-this-page", "el => el.getBoundingClientRect().height")
    assert 40 < height < 120
