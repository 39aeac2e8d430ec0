"""Whole journeys in a real browser, start to finish, ending with the PDFs opened and read."""

import json

import pytest

from tests.browser.kit import (
    Keyboard,
    Mouse,
    download_json,
    download_pdf,
    fill_questions,
    heading,
    letter_buttons,
    squash,
)

PARENT = {
    "role": "parent", "jurisdiction": "england", "age_group": "known", "age": "15",
    "person_name": "Sam Rivers", "person_school": "Hillside Academy",
    "concerns": ["threats"],
    "places": [
        {"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks.2026"},
        {"platform": "Snapchat", "description": "sent in a Snapchat group",
         "account": "Year 10 chat"},
    ],
    "requester_name": "Alex Rivers", "requester_email": "alex.rivers@example.org",
    "school_name": "Hillside Academy", "school_contact_name": "Ms Priya Patel",
    "school_email": "dsl@hillside.example",
}


def _start(driver, page):
    page.goto("/")
    assert heading(page) == "Get a child's nude or sexual image taken down"
    driver.submit("#start")
    assert heading(page) == "Tell us what has happened"


def _plan_sections(page):
    return page.eval_on_selector_all("main section", "els => els.map(e => e.id)")


def _step_titles(page, within="main"):
    return [squash(t) for t in page.locator(f"{within} .plan-step h3").all_inner_texts()]


# Keyboard without JavaScript is not run again here: the scripts add nothing a Tab stops at
# on these pages (exit.js shows a hint, copy.js is on the letter-text page alone), so its
# Tab order is the keyboard run's; the four steps to the plan are walked by keyboard without
# JavaScript in test_browser_steps, and this whole journey without JavaScript by mouse.
@pytest.mark.parametrize("how, javascript", [
    ("mouse", True),
    ("mouse", False),     # JavaScript off: every step still works
    ("keyboard", True),   # no mouse: Tab, Space, Enter and typing only
], ids=["mouse", "mouse-no-js", "keyboard"])
def test_parent_sextortion_on_instagram_and_snapchat(new_context, how, javascript):
    context = new_context(java_script_enabled=javascript)
    page = context.new_page()
    driver = Mouse(page) if how == "mouse" else Keyboard(page)

    _start(driver, page)
    fill_questions(driver, PARENT)
    driver.submit("#continue")

    assert heading(page) == "Check your answers"
    text = squash(page.inner_text("main"))
    for expected in ("Parent or carer", "England", "15", "Sam Rivers", "Instagram",
                     "https://www.instagram.com/p/C0ffee123/", "Snapchat", "Year 10 chat",
                     "sent in a Snapchat group", "Someone is threatening or blackmailing them",
                     "Alex Rivers", "alex.rivers@example.org", "Ms Priya Patel"):
        assert expected in text, expected
    driver.submit("#continue")

    assert heading(page) == "Your plan"
    # Threats: the urgent steps come first, and "do not pay" before anything else.
    assert _plan_sections(page)[:2] == ["urgent-now", "section-urgent"]
    urgent = _step_titles(page, "section.urgent")
    assert urgent[0] == "Do not pay, even if you have paid before, and do not send anything more"
    assert any("CEOP" in title for title in urgent)
    titles = _step_titles(page)
    assert titles.index(urgent[-1]) < titles.index("Report it on Instagram")
    assert "Report it on Snapchat" in titles
    assert page.locator("#letters-missing").count() == 0
    reference = squash(page.inner_text(".reference"))

    letters = letter_buttons(page)
    assert list(letters) == ["Letter to Instagram", "Letter to Snapchat", "Letter to the school",
                             "Record for the Internet Watch Foundation", "Takedown pack"]

    instagram = download_pdf(driver, letters["Letter to Instagram"])
    assert instagram.filename == f"takedown-{reference}-instagram.pdf"
    for expected in (reference, "sam.leaks.2026", "Alex Rivers", "alex.rivers@example.org"):
        assert expected in instagram, expected
    assert "instagram.com/p/C0ffee123" in instagram.text.replace(" ", "")
    assert "Year 10 chat" not in instagram  # each platform hears only about its own places

    snapchat = download_pdf(driver, letters["Letter to Snapchat"])
    assert snapchat.filename == f"takedown-{reference}-snapchat.pdf"
    assert "Year 10 chat" in snapchat and reference in snapchat
    assert "sam.leaks.2026" not in snapchat

    school = download_pdf(driver, letters["Letter to the school"])
    for expected in (reference, "Hillside Academy", "Ms Priya Patel", "Alex Rivers"):
        assert expected in school, expected

    pack = download_pdf(driver, letters["Takedown pack"])
    assert pack.pages > 3
    for expected in (reference, "sam.leaks.2026", "Year 10 chat", "Hillside Academy"):
        assert expected in pack, expected
    assert heading(page) == "Your plan"  # downloading leaves the plan where it was


SCHOOL = {
    "role": "school", "jurisdiction": "wales", "age_group": "under-18",
    "person_name": "Jordan Lee", "person_school": "Ysgol Bryn Glas",
    "concerns": ["shared_at_school"],
    "places": [
        {"url": "https://www.tiktok.com/@bryn.glas.gossip/video/7312345678901234567",
         "account": "bryn.glas.gossip", "first_seen": "2026-11-20"},
        {"url": "https://x.com/year11leaks/status/1861234567890123456",
         "account": "year11leaks"},
        {"platform": "Discord", "description": "posted in a Discord server",
         "account": "Bryn Glas Year 11"},
    ],
    "requester_name": "Rhian Evans", "requester_email": "dsl@brynglas.example",
    "requester_organisation": "Ysgol Bryn Glas",
    "requester_address": "Ysgol Bryn Glas\nHeol y Bryn\nCardiff CF10 1AA",
    "school_name": "Ysgol Bryn Glas", "school_contact_name": "Rhian Evans",
}


def test_school_dsl_three_places_and_prints_the_pack(page):
    driver = Mouse(page)
    _start(driver, page)
    fill_questions(driver, SCHOOL)
    driver.submit("#continue")
    assert heading(page) == "Check your answers"
    assert page.locator("dl.summary-list dt", has_text="Place 3").count() == 1
    driver.submit("#continue")

    assert heading(page) == "Your plan"
    assert "section-school" in _plan_sections(page)
    titles = _step_titles(page)
    for platform in ("TikTok", "X (Twitter)", "Discord"):
        assert f"Report it on {platform}" in titles
    reference = squash(page.inner_text(".reference"))
    letters = letter_buttons(page)
    assert list(letters) == ["Letter to TikTok", "Letter to X (Twitter)", "Letter to Discord",
                             "Record for the school's safeguarding file",
                             "Record for the Internet Watch Foundation", "Takedown pack"]

    pack = download_pdf(driver, letters["Takedown pack"])
    assert pack.filename == f"takedown-{reference}-pack.pdf"
    assert pack.pages > 4
    for expected in (reference, "bryn.glas.gossip", "year11leaks", "Bryn Glas Year 11",
                     "Rhian Evans", "Ysgol Bryn Glas", "TikTok", "Discord"):
        assert expected in pack, expected

    record = download_pdf(driver, letters["Record for the school's safeguarding file"])
    assert reference in record and "Jordan Lee" in record

    # Printing the plan itself: the print stylesheet drops the exit button, navigation and forms.
    page.emulate_media(media="print")
    assert not page.is_visible(".exit-this-page")
    assert not page.is_visible(".site-header nav")
    assert not page.is_visible("#section-letters form")
    assert page.is_visible("#section-urgent, #section-report, .plan-step >> nth=0")
    printed = page.pdf(format="A4")
    assert printed.startswith(b"%PDF-")
    page.emulate_media(media="screen")


def _saved_case() -> dict:
    return {
        "schema": "takedown-case/1",
        "reference": "TD-7KQ2-M9XP",
        "jurisdiction": "scotland",
        "requester": {"role": "caseworker", "name": "Morag Campbell",
                      "email": "morag.campbell@council.example",
                      "organisation": "Glasgow Children's Services"},
        "person": {"age": 14, "under_18": True, "name": "Kyle"},
        "concerns": {"immediate_danger": False, "threats": False, "adult_involved": True,
                     "shared_at_school": False},
        "locations": [{"url": "https://www.reddit.com/r/example/comments/abc123/",
                       "platform": "reddit", "account": "u/throwaway_kyle"}],
    }


def test_caseworker_opens_a_saved_case_adds_a_place_and_saves_again(page, tmp_path):
    driver = Mouse(page)
    saved = tmp_path / "takedown-case-TD-7KQ2-M9XP.json"
    saved.write_text(json.dumps(_saved_case(), indent=2), encoding="utf-8")

    page.goto("/case/open")
    assert heading(page) == "Open a case file"
    driver.attach("#case_file", str(saved))
    driver.submit("#open")

    assert heading(page) == "Your progress"  # an opened case lands on its progress page
    assert "Your case file is open" in page.inner_text("[role=status]")
    driver.submit("#change")
    assert heading(page) == "Tell us what has happened"
    assert squash(page.inner_text("#step-count")) == "Step 1 of 4"  # everything kept, from step 1
    assert page.is_checked("input[name=requester_role][value=caseworker]")
    driver.submit("#continue")
    assert heading(page) == "Check your answers"
    driver.submit("button[formaction='/case/change#places-0-url']")
    assert squash(page.inner_text("#step-count")) == "Step 4 of 4"
    assert page.input_value("#requester_name") == "Morag Campbell"
    assert page.input_value("#places-0-url") == "https://www.reddit.com/r/example/comments/abc123/"

    fill_questions(driver, {"first_place": 1, "places": [{"url": "https://t.me/kylepics_channel",
                                        "account": "kylepics_channel",
                                        "first_seen": "2026-11-22"}]})
    driver.submit("#continue")
    assert heading(page) == "Check your answers"
    assert page.locator("dl.summary-list dt", has_text="Place 2").count() == 1

    filename, case = download_json(driver, "#save")
    assert filename == "takedown-case-TD-7KQ2-M9XP.json"
    assert case["reference"] == "TD-7KQ2-M9XP"  # the same case, carried on
    assert [loc["platform"] for loc in case["locations"]] == ["reddit", "telegram"]
    assert case["locations"][1]["first_seen"] == "2026-11-22"
    assert case["requester"]["organisation"] == "Glasgow Children's Services"

    driver.submit("#continue")
    assert heading(page) == "Your plan"
    assert _plan_sections(page)[:2] == ["urgent-now", "section-urgent"]  # an adult is involved
    letters = letter_buttons(page)
    telegram = download_pdf(driver, letters["Letter to Telegram"])
    assert "TD-7KQ2-M9XP" in telegram and "kylepics_channel" in telegram
    assert "Morag Campbell" in telegram


YOUNG_PERSON = {
    "role": "young-person", "jurisdiction": "england", "age_group": "known", "age": "16",
    "places": [{"url": "https://www.instagram.com/stories/someone_nasty/",
                "account": "someone_nasty", "description": "posted on a story"}],
    "requester_name": "Jess", "requester_email": "jess.k@example.org",
}


def test_young_person_themselves(page):
    driver = Mouse(page)
    _start(driver, page)
    fill_questions(driver, YOUNG_PERSON)
    driver.submit("#continue")
    assert heading(page) == "Check your answers"
    assert "The young person in the image" in page.inner_text("main")
    driver.submit("#continue")

    assert heading(page) == "Your plan"
    text = squash(page.inner_text("main"))
    assert "Report Remove" in text  # Childline's own route for under-18s
    # Written to them, not about them.
    assert "Do not confront or blame the young person" not in text
    letters = letter_buttons(page)
    assert "Letter to Instagram" in letters
    instagram = download_pdf(driver, letters["Letter to Instagram"])
    assert "someone_nasty" in instagram and "Jess" in instagram
    iwf = download_pdf(driver, letters["Record for the Internet Watch Foundation"])
    assert "someone_nasty" in iwf
