"""The text version of a letter in a real browser: read from the text area, or copied."""

import pytest

from tests.browser.kit import Mouse, fill_questions, heading, squash

ANSWERS = {
    "role": "parent", "jurisdiction": "england", "age_group": "known", "age": "15",
    "places": [{"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks.2026"}],
    "requester_name": "Alex Rivers", "requester_email": "alex.rivers@example.org",
}


def _send_page(page):
    driver = Mouse(page)
    page.goto("/case/start")
    fill_questions(driver, ANSWERS)
    driver.submit("#continue")
    driver.submit("#continue")
    assert heading(page) == "Your plan"
    item = page.locator(".letter-list li", has_text="Letter to Instagram")
    item.get_by_role("button", name="Send by email or web form").click()
    assert heading(page).startswith("Send by email or web form")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_the_letter_text_is_read_from_the_text_area_or_copied(new_context, javascript):
    context = new_context(java_script_enabled=javascript)
    if javascript:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    _send_page(page)
    text = page.input_value("#letter-text")
    for expected in ("Request to remove a sexual image of a person under 18",
                     "Link: https://www.instagram.com/p/C0ffee123/", "Alex Rivers",
                     "Statement of good faith"):
        assert expected in text, expected
    assert "<p" not in text and "&amp;" not in text
    copy = page.locator("#copy-letter")
    if not javascript:
        assert copy.count() == 0
        return
    copy.click()
    page.wait_for_function("document.getElementById('copy-status').textContent === 'Copied.'")
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert squash(page.inner_text("#copy-status")) == "Copied."
    assert context.problems == []
