"""Pictures for a person to look at: test-artifacts/screenshots/, at phone and desktop widths.

The start page, a platform guide, the plan and the first page of a letter (drawn by poppler's
pdftoppm), each at 375 and 1280 CSS px. These tests check only that the pictures were made;
looking at them is the point.
"""

import shutil
import subprocess

import pytest

from tests.browser.kit import Mouse, download_pdf, fill_questions, letter_buttons

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
