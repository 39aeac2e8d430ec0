"""What happened, on a phone (375 x 812), JavaScript on and off: (a) a parent in England whose
son is being blackmailed in Instagram messages, nothing posted, sees on the plan's first screen
not to pay and how to reach CEOP and the police, and downloads a letter about the account;
(b) a Scottish safeguarding lead records an AI-made image of a pupil made by classmates, and the
plan, the platform letter and the record say what is true and cite Scottish law and guidance.
axe finds nothing on any new state; the first screens and a letter page are saved."""

import pytest

from tests.browser.kit import (
    Mouse,
    assert_no_axe_violations,
    download_pdf,
    heading,
    letter_buttons,
    squash,
)

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def _first_screen(page) -> str:
    """The text of the main content's elements that start within the first 812 px."""
    return squash(page.evaluate("""() => [...document.querySelectorAll('main h1, main li, main p, main h2')]
        .filter(el => el.getBoundingClientRect().top < innerHeight && !el.closest('details:not([open])'))
        .map(el => el.innerText).join(' ')"""))


def _about_you(driver, role, place):
    driver.tick(f"input[name=requester_role][value={role}]")
    driver.tick(f"input[name=jurisdiction][value={place}]")


@JS
def test_a_parent_whose_son_is_blackmailed_with_nothing_posted(new_context, screenshots,
                                                                javascript):
    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    driver = Mouse(page)
    page.goto("/case/start")
    _about_you(driver, "parent", "england")
    driver.submit("#continue")
    driver.tick("input[name=person_age_group][value=known]")
    driver.fill("#person_age", "14")
    driver.submit("#continue")
    driver.tick("#concerns_threats")
    driver.fill("#concerns_threat_account", "rich.girl.2009")
    driver.choose("#concerns_threat_platform", "Instagram")
    assert page.is_checked("input[name=concerns_image][value=not-sure]")
    assert_no_axe_violations(page, "what is happening, with what the image is")
    driver.submit("#continue")
    assert "it has not been posted anywhere yet" in squash(page.inner_text("#nothing-posted"))
    driver.fill("#requester_name", "Alex Rivers")
    driver.fill("#requester_email", "alex.rivers@example.org")
    driver.submit("#continue")

    assert heading(page) == "Your plan"
    first = _first_screen(page)
    assert "Do not pay, even if you have paid before" in first
    assert "Report it to CEOP" in first and "CEOP" in squash(page.inner_text("#urgent-now a >> nth=0"))
    assert "Report it to the police on 101" in first and "101" in first
    assert "Report the account on Instagram" in first
    assert page.locator("#urgent-now").bounding_box()["y"] < page.locator("#quick-check").bounding_box()["y"]
    assert_no_axe_violations(page, "urgent plan, nothing posted")
    if javascript:
        page.screenshot(path=str(screenshots / "threat-nothing-posted-first-screen.png"))
    plan = squash(page.inner_text("main"))
    assert "If you have already paid, do not pay any more." in plan
    assert "The picture they have may not even be real" in plan
    assert "above the post" not in plan

    letters = letter_buttons(page)
    assert "Letter to Instagram" in letters
    letter = download_pdf(driver, letters["Letter to Instagram"])
    assert "Request to act on an account threatening to share a sexual image" in letter
    assert "rich.girl.2009" in letter and "keep the account's data" in letter
    assert "has been seen" not in letter.text


@JS
def test_a_scottish_safeguarding_lead_records_an_ai_made_image(new_context, screenshots,
                                                               javascript):
    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    driver = Mouse(page)
    page.goto("/case/start")
    _about_you(driver, "school", "scotland")
    driver.tick("#requester_is_dsl")
    driver.submit("#continue")
    driver.tick("input[name=person_age_group][value=known]")
    driver.fill("#person_age", "13")
    driver.submit("#continue")
    driver.tick("#concerns_shared_at_school")
    driver.tick("input[name=concerns_image][value=fake]")
    driver.fill("#concerns_made_by", "Three pupils in S2")
    driver.fill("#concerns_made_with", "A nudify app")
    driver.submit("#continue")
    driver.choose("#places-0-platform", "Snapchat")
    driver.fill("#places-0-account", "s2.group.chat")
    driver.fill("#requester_name", "Morag Reid")
    driver.fill("#requester_email", "dsl@school.example")
    driver.fill("#requester_organisation", "Hill Academy")
    driver.submit("#continue")

    assert heading(page) == "Check your answers"
    check = squash(page.inner_text("main"))
    assert "Fake: edited, made with AI" in check and "Three pupils in S2" in check
    assert_no_axe_violations(page, "check: a fake image")
    driver.submit("#continue")
    assert heading(page) == "Your plan"
    plan = squash(page.inner_text("main"))
    assert "A fake image is dealt with like a real one" in plan
    assert "It does not matter that it is fake." in plan
    assert_no_axe_violations(page, "plan: a fake image")
    if javascript:
        page.screenshot(path=str(screenshots / "fake-image-plan-first-screen.png"))

    letters = letter_buttons(page)
    platform = download_pdf(driver, letters["Letter to Snapchat"])
    assert "Request to remove a sexual image made to look like a person under 18" in platform
    assert "Civic Government (Scotland) Act 1982" in platform
    assert "pseudo-photograph" in platform
    record = download_pdf(driver, letters["Record for the school's safeguarding file"])
    for said in ("a sexual image made to look like a pupil", "Three pupils in S2",
                 "A nudify app", "s.52(2A) and (2B)",
                 "Child sexual abuse imagery generated by artificial intelligence"):
        assert said in record, said
    assert "A nude or sexual image of" not in record.text


def test_a_fake_image_letter_page(new_context, screenshots):
    """A page of the platform letter for a fake image, as the family sees it to send."""
    page = new_context(**PHONE).new_page()
    driver = Mouse(page)
    page.goto("/case/start?all=1")
    _about_you(driver, "parent", "england")
    driver.tick("input[name=person_age_group][value=known]")
    driver.fill("#person_age", "15")
    driver.tick("input[name=concerns_image][value=fake]")
    driver.fill("#places-0-url", "https://www.instagram.com/p/F4keF4ke/")
    driver.fill("#requester_name", "Sam Taylor")
    driver.fill("#requester_email", "sam@example.com")
    driver.submit("#continue")
    driver.submit("#continue")
    driver.submit(".letter-list li:nth-child(1) button >> nth=1")
    text = squash(page.inner_text("main"))
    assert "made to look like a person under 18" in text and "pseudo-photograph" in text
    assert_no_axe_violations(page, "send page: a fake image")
    page.screenshot(path=str(screenshots / "fake-image-letter-page.png"), full_page=True)
