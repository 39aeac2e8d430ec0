"""Pictures for a person to look at: test-artifacts/screenshots/, at phone and desktop widths.

The start page, a platform guide, the plan and the first page of a letter (drawn by poppler's
pdftoppm), each at 375 and 1280 CSS px. These tests check only that the pictures were made;
looking at them is the point.
"""

import shutil
import subprocess

import pytest

from takedown import jurisdictions
from tests.browser.kit import Mouse, download_pdf, fill_questions, heading, letter_buttons, squash

WIDTHS = {"phone": 375, "desktop": 1280}

ANSWERS = {"role": "parent", "jurisdiction": "england", "age_group": "known", "age": "15",
           "person_name": "Sam Rivers", "concerns": ["threats"],
           "places": [{"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks.2026",
                       "first_seen": "2026-11-21"},
                      {"platform": "Snapchat", "description": "sent in a Snapchat group",
                       "account": "Year 10 chat"}],
           "requester_name": "Alex Rivers", "requester_email": "alex.rivers@example.org",
           "requester_address": "12 Acacia Avenue\nLeeds LS1 1AA",
           "school_name": "Hillside Academy", "school_contact_name": "Ms Priya Patel"}


def _shot(page, screenshots, name, device):
    path = screenshots / f"{name}-{device}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


@pytest.mark.parametrize("device", list(WIDTHS))
def test_screenshots(new_context, screenshots, tmp_path, device):
    width = WIDTHS[device]
    options = {"viewport": {"width": width, "height": 800 if width > 400 else 740}}
    if width < 400:
        options.update(device_scale_factor=2, is_mobile=True, has_touch=True)
    page = new_context(**options).new_page()

    page.goto("/")
    _shot(page, screenshots, "start", device)
    page.goto("/platforms/instagram")
    _shot(page, screenshots, "guide-instagram", device)

    page.goto("/case/start")
    fill_questions(Mouse(page), ANSWERS)
    Mouse(page).submit("#continue")
    Mouse(page).submit("#continue")
    _shot(page, screenshots, "plan", device)

    letter = download_pdf(Mouse(page), letter_buttons(page)["Letter to Instagram"])
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.data)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: scripts/system-deps.sh installs poppler-utils"
    scale = width * (2 if width < 400 else 1)
    out = screenshots / f"letter-page-1-{device}"
    subprocess.run([pdftoppm, "-png", "-singlefile", "-f", "1", "-l", "1",
                    "-scale-to-x", str(scale), "-scale-to-y", "-1", str(pdf), str(out)],
                   check=True, timeout=60)
    assert (screenshots / f"letter-page-1-{device}.png").stat().st_size > 1000


# The first phone screen of the plan, in four places: what a family sees before scrolling.
FIRST_SCREENS = {
    "us-parent": {"role": "parent", "jurisdiction": "us"},
    "australia-parent": {"role": "parent", "jurisdiction": "australia"},
    "scotland-dsl": {"role": "school", "jurisdiction": "scotland", "is_dsl": True},
    "canada-parent": {"role": "parent", "jurisdiction": "canada"},
}


@pytest.mark.parametrize("name", list(FIRST_SCREENS))
def test_the_plan_s_first_phone_screen_gives_the_place_s_own_emergency_number(
        new_context, screenshots, name):
    answers = {**ANSWERS, **FIRST_SCREENS[name], "concerns": ["shared_at_school"]}
    page = new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                       is_mobile=True, has_touch=True).new_page()
    page.goto("/case/start")
    driver = Mouse(page)
    fill_questions(driver, answers)
    if answers.get("is_dsl"):
        driver.tick("#requester_is_dsl")
    driver.submit("#continue")
    driver.submit("#continue")
    assert heading(page) == "Your plan"
    page.screenshot(path=str(screenshots / f"plan-first-screen-{name}.png"))
    number = jurisdictions.get(answers["jurisdiction"]).emergency.phone
    banner = page.locator("#emergency")
    assert f"call {number}." in squash(banner.inner_text())
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740  # on the first screen
    others = {item.emergency.phone for item in jurisdictions.all_jurisdictions().values()}
    for other in others - {number}:
        assert other not in banner.inner_text()
