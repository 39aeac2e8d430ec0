"""Accessibility in the browser, on every page and every error state.

axe-core finds nothing at WCAG 2.2 A/AA; every page has its language, landmarks, one h1 and
a title; focus is always visible and never hidden under the sticky exit bar; text resizes to
200% and the page reflows at 320 CSS px with no scrolling sideways.

Each state is reached once and checked at every width by resizing the page: its CSS changes
with the width and its scripts do not.
"""

import pytest

from tests.browser.kit import (
    Mouse,
    assert_focus_visible,
    assert_no_axe_violations,
    fill_questions,
    fill_steps,
    heading,
    squash,
    tab_round,
)

ANSWERS = {"role": "parent", "jurisdiction": "england", "age_group": "known", "age": "15",
           "concerns": ["threats", "shared_at_school"],
           "places": [{"url": "https://www.instagram.com/p/C0ffee123/",
                       "account": "sam.leaks.2026"},
                      {"platform": "Snapchat", "description": "sent in a Snapchat group"}],
           "requester_name": "Alex Rivers", "requester_email": "alex.rivers@example.org",
           "school_name": "Hillside Academy"}

BAD = {"role": "parent", "jurisdiction": "england", "age_group": "known", "age": "two hundred",
       "places": [{"url": "not a link at all", "first_seen": "2031-01-01"}],
       "requester_email": "alex at example", "requester_phone": "call me", "school_email": "nope"}


def _questions(page):
    page.goto("/case/start")  # the start page's Start link; the journeys follow it


def _errors(page):
    _questions(page)
    Mouse(page).submit("#continue")


def _field_errors(page):
    _questions(page)
    fill_questions(Mouse(page), BAD)
    Mouse(page).submit("#continue")


def _step_4(page):
    _questions(page)
    fill_steps(Mouse(page), {"role": "parent", "jurisdiction": "england", "age_group": "under-18"})


def _step_2_errors(page):
    _questions(page)
    driver = Mouse(page)
    driver.tick("input[name=requester_role][value=parent]")
    driver.tick("input[name=jurisdiction][value=england]")
    driver.submit("#continue")
    driver.tick("input[name=person_age_group][value=known]")
    driver.fill("#person_age", "two hundred")
    driver.submit("#continue")


def _check(page, answers=ANSWERS):
    _questions(page)
    fill_questions(Mouse(page), answers)
    Mouse(page).submit("#continue")


def _plan(page, answers=ANSWERS):
    _check(page, answers)
    Mouse(page).submit("#continue")


def _plan_missing(page):
    _plan(page, {k: v for k, v in ANSWERS.items() if not k.startswith("requester_")})


def _open_error(page):
    page.goto("/case/open")
    Mouse(page).submit("#open")


def _letter_problem(page):
    _plan(page)
    # As if the page had sat open for hours: the CSRF token has expired.
    page.eval_on_selector_all("#letters-form input[name=csrf_token]",
                              "els => els.forEach(e => e.value = 'x')")
    Mouse(page).submit(".letter-list li:first-child button")


STATES = {
    "start": (lambda page: page.goto("/"), "Get a child's nude or sexual image taken down"),
    "platforms": (lambda page: page.goto("/platforms"), "How to report on each platform"),
    "platforms-search": (lambda page: page.goto("/platforms?q=nowhere-at-all"),
                         "How to report on each platform"),
    "guide": (lambda page: page.goto("/platforms/instagram"), "Report it on Instagram"),
    "guide-other": (lambda page: page.goto("/platforms/other"), "Report it on another website"),
    "help": (lambda page: page.goto("/help"), "Who can help"),
    "cover-your-tracks": (lambda page: page.goto("/cover-your-tracks"), "Cover your tracks"),
    "404": (lambda page: page.goto("/no-such-page"), "Page not found"),
    "questions": (_questions, "Tell us what has happened"),
    "questions-errors": (_errors, "Tell us what has happened"),
    "questions-field-errors": (_field_errors, "Tell us what has happened"),
    "questions-step-4": (_step_4, "Tell us what has happened"),
    "questions-step-2-errors": (_step_2_errors, "Tell us what has happened"),
    "check": (_check, "Check your answers"),
    "plan": (_plan, "Your plan"),
    "plan-missing-details": (_plan_missing, "Your plan"),
    "open": (lambda page: page.goto("/case/open"), "Open a case file"),
    "open-error": (_open_error, "Open a case file"),
    "letter-problem": (_letter_problem, "We could not make that letter yet"),
}

ERROR_STATES = {"questions-errors", "questions-field-errors", "questions-step-2-errors",
                "open-error"}


def _scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def _wider_than_viewport(page) -> list[str]:
    """Elements whose right edge is past the viewport: what makes a page scroll sideways."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 0.5 && el.getClientRects().length)
        .filter(el => !el.closest('.visually-hidden, .skip-link'))
        .slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className);
    }""")


# Focus is walked round these at 1280 and 320 CSS px: one page of each kind, and its errors.
FOCUS_PAGES = ["start", "guide", "questions-field-errors", "check", "plan", "open-error"]


@pytest.mark.parametrize("state", list(STATES))
def test_page_is_accessible(new_context, state):
    context = new_context()
    page = context.new_page()
    reach, title = STATES[state]
    reach(page)
    assert heading(page) == title

    # Language, title, landmarks and headings.
    assert page.get_attribute("html", "lang") == "en-GB"
    prefix = "Error: " if state in ERROR_STATES else ""
    # The start page's tab says only "Get help": a shared device should not give the visit away.
    assert page.title() == ("Get help – Takedown" if state == "start"
                            else f"{prefix}{title} – Takedown")
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() >= 1, landmark
    assert page.locator("h1").count() == 1
    assert page.locator("a.skip-link[href='#main']").count() == 1

    assert_no_axe_violations(page, f"{state} at 1280px")

    # Reflow: at 320 CSS px (a 1280px screen zoomed to 400%) nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    assert not _scrolls_sideways(page), _wider_than_viewport(page)
    assert_no_axe_violations(page, f"{state} at 320px")

    if state in FOCUS_PAGES:
        for width in (1280, 320):
            _assert_focus_always_visible(page, width)

    # Text at 200%, as the browser's own font-size setting does it.
    cdp = context.new_cdp_session(page)
    body_size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    for width in (1280, 640):
        page.set_viewport_size({"width": width, "height": 800})
        grown = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert grown >= body_size * 1.9, (body_size, grown)  # sizes are relative, so text grows
        assert not _scrolls_sideways(page), (width, _wider_than_viewport(page))
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
    cdp.detach()


def _assert_focus_always_visible(page, width):
    """Tab round the page, then Shift+Tab round it: every stop shows focus and is not under
    the exit bar (backwards, the sticky bar is above the element being moved to)."""
    page.set_viewport_size({"width": width, "height": 700})
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    forward = [stop for stop in tab_round(page) if stop]
    assert len(forward) > 3, f"at {width}px: {forward}"
    backward = [stop for stop in tab_round(page, "Shift+Tab") if stop]
    assert len(backward) == len(forward), f"at {width}px: {backward} back, {forward} on"
    for stop in forward + backward:
        assert_focus_visible(page, stop, f"at {width}px")


def test_first_tab_stops_are_skip_link_then_exit(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-exit-this-page')")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_error_summary_leads_to_each_field(new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    _field_errors(page)
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    # The summary has focus when the page opens, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = summary.locator("a")
    assert links.count() >= 5
    for i in range(links.count()):
        link = links.nth(i)
        target = link.get_attribute("href")[1:]
        message = squash(link.inner_text())
        field = page.locator(f"[id='{target}']")
        assert field.count() == 1, target
        # The same message sits by the field and is read out with it.
        # Radios are described through their fieldset; other fields directly.
        described = field.evaluate("""el => (el.type === 'radio' ? el.closest('fieldset') : el)
                                           .getAttribute('aria-describedby') || ''""")
        error_ids = [name for name in described.split() if name.endswith("-error")]
        assert error_ids, f"{target} is not described by its error"
        assert message in squash(page.inner_text(f"#{error_ids[0]}")), (message, error_ids)
        link.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == target, target
        assert_focus_visible(page)


def test_every_field_has_a_label_and_every_group_a_legend(page):
    page.goto("/case/start?all=1")  # every question on one page
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
        .map(el => el.name)""")
    assert unlabelled == []
    loose = page.evaluate("""() => [...document.querySelectorAll('[type=radio], [type=checkbox]')]
        .filter(el => !el.closest('fieldset') || !el.closest('fieldset').querySelector('legend'))
        .map(el => el.name)""")
    assert loose == []


def test_after_adding_a_place_the_next_tab_is_the_new_place(page):
    _step_4(page)
    page.focus("#add-place")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#places-1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "places-1-url"
    assert_focus_visible(page)
