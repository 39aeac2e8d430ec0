"""The first minute on a phone, and a plan in each reader's voice.

At 375 x 812 CSS px the start page shows the threats panel's "Do not pay" and the CEOP button
without scrolling. Each role's journey ends on a plan said to that reader. Screenshots of the
start page, a young person's plan and the DSL's record are saved in test-artifacts/screenshots/.
"""

import re
import shutil
import subprocess

import pytest

from tests.browser.kit import (
    Mouse,
    assert_no_axe_violations,
    download_pdf,
    fill_questions,
    letter_buttons,
    squash,
)

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def _in_first_screen(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 812


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_threats_panel_is_on_the_first_phone_screen(new_context, screenshots, javascript):
    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    page.goto("/")
    assert page.evaluate("scrollY") == 0
    if javascript:  # the whole page at 375 px is test_browser_screenshots' start-phone.png
        page.screenshot(path=str(screenshots / "first-minute-start-375.png"))
    dont_pay = page.get_by_text("Do not pay, and do not send anything more", exact=False)
    assert dont_pay.is_visible()
    assert _in_first_screen(page, "#threats li:first-child")
    assert _in_first_screen(page, "#report-ceop"), "CEOP is not one tap away"
    assert page.get_attribute("#report-ceop", "href").startswith("https://www.ceop.police.uk/")
    assert _in_first_screen(page, "#start")
    assert _in_first_screen(page, ".emergency")
    assert "999" in squash(page.inner_text(".emergency"))
    # A phone has no Shift key to press three times.
    assert not page.get_by_text("Or press Shift 3 times").is_visible()
    assert page.title() == "Get help – Takedown"
    if javascript:  # axe runs as a script in the page
        assert_no_axe_violations(page, "start page at 375 px")


BASE = {"jurisdiction": "england", "age_group": "known", "age": "15",
        "places": [{"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks.2026"}]}


def _plan(page, answers):
    page.goto("/case/start")
    driver = Mouse(page)
    fill_questions(driver, answers)
    if answers.get("is_dsl"):
        driver.tick("#requester_is_dsl")
    if answers.get("threat_account"):
        driver.fill("#concerns_threat_account", answers["threat_account"])
    driver.submit("#continue")
    assert squash(page.inner_text("h1")) == "Check your answers"
    assert_no_axe_violations(page, f"check page for {answers['role']}")
    driver.submit("#continue")
    assert squash(page.inner_text("h1")) == "Your plan"
    assert_no_axe_violations(page, f"plan for {answers['role']}")
    return squash(page.inner_text("main"))


def test_young_person_plan_speaks_to_them(new_context, screenshots):
    page = new_context(**PHONE).new_page()
    text = _plan(page, {**BASE, "role": "young-person", "concerns": ["threats"],
                        "person_school": "Hillside Academy", "threat_account": "fake.girl.22"})
    lowered = text.lower()
    assert "not your fault" in lowered
    # "Crime" wording ("can be a crime", "a criminal offence"), not the National Crime Agency.
    crime = re.search(r"(is|be) a crime|criminal", lowered)
    assert lowered.find("not your fault") < lowered.find("childline")
    assert crime is None or lowered.find("childline") < crime.start()
    steps = squash(" ".join(page.locator(".plan-step").all_inner_texts()))
    assert "the young person" not in steps.lower()
    assert "Use Report Remove: it is made for you" in steps
    assert "Report Remove is the one exception, and it is safe" in steps
    assert "they will usually tell your parents or carers" in steps.lower()
    page.screenshot(path=str(screenshots / "first-minute-young-person-plan-375.png"),
                    full_page=True)


def test_parent_plan_says_what_to_say_to_their_child(new_context):
    page = new_context().new_page()
    text = _plan(page, {**BASE, "role": "parent", "concerns": ["threats"]})
    assert "Stay calm, talk, and make a plan together" in text
    assert "It is not your child's fault" in text
    assert "Samaritans" in text and "Childline, for your child" in text
    assert text.index("Do not pay") < text.index("Stay calm, talk")


def test_caseworker_plan_has_procedures_and_the_urgent_referral(new_context):
    page = new_context().new_page()
    text = _plan(page, {**BASE, "role": "caseworker", "concerns": ["adult_involved"]})
    assert "Follow your safeguarding procedures today" in text
    assert "must be referred to the police as a matter of urgency" in text
    assert "Professionals Online Safety Helpline" in text


def test_adult_case_never_says_young_person(new_context):
    page = new_context().new_page()
    adult = {key: value for key, value in BASE.items() if key != "age"}
    text = _plan(page, {**adult, "role": "parent", "age_group": "adult", "concerns": ["threats"]})
    assert "young person" not in text.lower()


def test_dsl_record_for_the_safeguarding_file(new_context, screenshots, tmp_path):
    page = new_context(**PHONE).new_page()
    _plan(page, {**BASE, "role": "school", "is_dsl": True, "concerns": ["adult_involved"],
                 "person_name": "Sam Rivers", "requester_name": "Priya Patel",
                 "requester_email": "dsl@hillside.example",
                 "requester_organisation": "Hillside Academy"})
    page.screenshot(path=str(screenshots / "first-minute-dsl-plan-375.png"), full_page=True)
    pdf = download_pdf(Mouse(page), letter_buttons(page)["Record for the school"]
                       if "Record for the school" in letter_buttons(page)
                       else next(s for t, s in letter_buttons(page).items() if "school" in t.lower()))
    assert "For the safeguarding file" in pdf
    assert "Decisions made, and why" in pdf and "Parents or carers" in pdf
    assert "Children's social care" in pdf and "CEOP" in pdf
    assert "must be referred to the police as a matter of urgency" in pdf
    assert pdf.text.count("Hillside Academy") == 1
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf.data)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm
    for number in (1, 2):
        out = screenshots / f"first-minute-dsl-record-page-{number}-375"
        subprocess.run([pdftoppm, "-png", "-singlefile", "-f", str(number), "-l", str(number),
                        "-scale-to-x", "750", "-scale-to-y", "-1", str(path), str(out)],
                       check=True, timeout=60)
        assert (screenshots / f"first-minute-dsl-record-page-{number}-375.png").stat().st_size > 1000


def test_new_states_have_no_axe_violations(new_context):
    page = new_context(**PHONE).new_page()
    for path in ("/cover-your-tracks",):
        page.goto(path)
        assert_no_axe_violations(page, path)
    page.goto("/case/start")
    driver = Mouse(page)
    fill_questions(driver, {"role": "parent", "jurisdiction": "england", "age_group": "under-18",
                            "places": [{"url": "https://www.instagram.com/p/abc",
                                        "platform": "Snapchat"}]})
    driver.submit("#continue")
    assert "the link is for Instagram, but you chose Snapchat" in squash(page.inner_text("main"))
    assert_no_axe_violations(page, "link and chosen platform disagree")
