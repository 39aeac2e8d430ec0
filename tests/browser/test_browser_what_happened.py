"""What happened, on a phone (375 x 812), JavaScript on and off, through the real site:
(a) a parent in England whose son is being blackmailed in Instagram messages, nothing posted,
sees on the plan's first screen not to pay and how to reach CEOP and the police, and downloads
a letter about the account; (b) a Scottish safeguarding lead records an AI-made image of a pupil
made by classmates, and the plan, the platform letter and the safeguarding record say what is
true and cite Scottish law and guidance.

axe runs on every new state with JavaScript on. With JavaScript off a page runs no timers, so
axe (whose run waits on one) would wait for ever: the same server HTML is checked by axe in the
JavaScript run and by the Nu checker (tests/test_html_valid.py). Every wait here is for
something that must happen (a page, a download) or fails at once: controls are found by their
labels and roles, which are on the page as soon as it has loaded. (9b960b5's journeys stalled
because axe ran with JavaScript off.)
"""

import re
import shutil
import subprocess

import pytest

from tests.browser.kit import Pdf, assert_no_axe_violations, heading, squash

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
# A control on a loaded page is there at once: if it is not, fail now rather than wait.
NOW = 5_000
# A page or a PDF the server makes: as long as a loaded machine needs, and a hang still fails.
SERVER = 60_000


class Phone:
    """A person on a phone: they find each control by what it says."""

    def __init__(self, page):
        self.page = page
        page.set_default_timeout(NOW)
        page.set_default_navigation_timeout(SERVER)

    def choose(self, label):
        """Tick the radio or checkbox with this label."""
        self.page.get_by_label(label, exact=True).check()

    def type(self, label, text):
        self.page.get_by_label(label, exact=True).fill(text)

    def pick(self, label, option):
        """Choose an option (by its text) in the drop-down with this label."""
        self.page.get_by_label(label, exact=True).select_option(label=option)

    # A click waits for the page it starts within the click's own limit (NOW), and a loaded
    # server can take longer: so the click does not wait (no_wait_after), and the page or the
    # download is waited for within SERVER instead.

    def press(self, name):
        """Press a button (its name, or a pattern) that loads the next page."""
        with self.page.expect_navigation(timeout=SERVER):
            self.page.get_by_role("button", name=name, exact=True).click(no_wait_after=True)

    def download(self, title) -> Pdf:
        """Press a letter's Download button and read the PDF back."""
        button = self.page.get_by_role("button", name=f"Download {title}", exact=True)
        with self.page.expect_download(timeout=SERVER) as info:
            button.click(no_wait_after=True)
        assert info.value.failure() is None
        pdf = Pdf(info.value)
        assert pdf.data.startswith(b"%PDF-"), pdf.data[:200]
        return pdf


def _phone(new_context, javascript) -> Phone:
    return Phone(new_context(java_script_enabled=javascript, **PHONE).new_page())


def _first_screen(page) -> str:
    """The text of the main content's items that sit wholly within the first 812 px."""
    return squash(page.evaluate("""() => [...document.querySelectorAll(
          'main h1, main h2, main h3, main li, main p')]
        .filter(el => el.getBoundingClientRect().bottom <= innerHeight
                      && el.getClientRects().length && !el.closest('details:not([open])'))
        .map(el => el.innerText).join(' ')"""))


def _axe(phone, javascript, where):
    if javascript:
        assert_no_axe_violations(phone.page, where)


def _about_you(phone, role, place):
    phone.choose(role)
    phone.choose(place)


@JS
def test_a_parent_whose_son_is_blackmailed_with_nothing_posted(new_context, screenshots,
                                                                javascript):
    phone = _phone(new_context, javascript)
    page = phone.page
    page.goto("/case/start")
    _about_you(phone, "Parent or carer", "England")
    phone.press("Continue")
    phone.choose("I know their age")
    phone.type("Their age", "14")
    phone.press("Continue")
    phone.choose("Someone is threatening or blackmailing them, or demanding money or more images")
    phone.type("The account making threats or demands (optional)", "rich.girl.2009")
    phone.pick("The app or website they are using (optional)", "Instagram")
    assert page.get_by_label("I don't know, or I'm not sure", exact=True).is_checked()
    _axe(phone, javascript, "what is happening: a threat")
    phone.press("Continue")
    assert "it has not been posted anywhere yet" in squash(page.inner_text("#nothing-posted"))
    _axe(phone, javascript, "where it is: nothing posted yet")
    phone.type("Your name", "Alex Rivers")
    phone.type("Your email address", "alex.rivers@example.org")
    phone.press("Continue")

    # Threats: straight to the plan, the urgent steps on the first screen.
    assert heading(page) == "Your plan"
    first = _first_screen(page)
    for said in ("Do not pay, even if you have paid before", "Report the account on Instagram",
                 "Report it to CEOP", "Report it to the police: call 101"):
        assert said in first, (said, first)
    assert page.locator("#urgent-now").bounding_box()["y"] < page.locator(
        "#quick-check").bounding_box()["y"]
    _axe(phone, javascript, "plan: a threat with nothing posted")
    if javascript:
        page.screenshot(path=str(screenshots / "threat-nothing-posted-first-screen.png"))
    plan = squash(page.inner_text("main"))
    assert "If you have already paid, do not pay any more." in plan
    assert "The picture they have may not even be real" in plan
    assert "above the post" not in plan

    letter = phone.download("Letter to Instagram")
    for said in ("Request to act on an account threatening to share a sexual image",
                 "rich.girl.2009", "keep the account's data"):
        assert said in letter, said
    assert "has been seen" not in letter.text
    assert heading(page) == "Your plan"


SCOTTISH_LAW = ("Civic Government (Scotland) Act 1982", "pseudo-photograph")


@JS
def test_a_scottish_safeguarding_lead_records_an_ai_made_image(new_context, screenshots,
                                                               tmp_path, javascript):
    phone = _phone(new_context, javascript)
    page = phone.page
    page.goto("/case/start")
    _about_you(phone, "School staff", "Scotland")
    phone.choose("I am the school's designated safeguarding lead (DSL)")
    phone.press("Continue")
    phone.choose("I know their age")
    phone.type("Their age", "13")
    phone.press("Continue")
    phone.choose("It has spread around a school")
    phone.choose("Fake: edited, made with AI or “nudified” to look like them")
    phone.type("Who made it, if you know (optional)", "Three pupils in S2")
    phone.type("The app or website used to make it, if you know (optional)", "A nudify app")
    _axe(phone, javascript, "what is happening: a fake image")
    phone.press("Continue")
    phone.pick("App or website", "Snapchat")
    phone.type("Account or group name (optional)", "s2.group.chat")
    phone.type("Your name", "Morag Reid")
    phone.type("Your email address", "dsl@school.example")
    phone.type("Your organisation (optional)", "Hill Academy")
    phone.press("Continue")

    assert heading(page) == "Check your answers"
    check = squash(page.inner_text("main"))
    for said in ("Fake: edited, made with AI", "Three pupils in S2", "A nudify app"):
        assert said in check, said
    _axe(phone, javascript, "check: a fake image")
    phone.press("Continue to your plan")

    assert heading(page) == "Your plan"
    plan = squash(page.inner_text("main"))
    assert "A fake image is dealt with like a real one" in plan
    assert "It does not matter that it is fake." in plan
    assert "The law that says so: Civic Government (Scotland) Act 1982, section 52(2A) and (2B)." in plan
    assert "National Guidance for Child Protection in Scotland" in plan
    _axe(phone, javascript, "plan: a fake image")
    if javascript:
        page.screenshot(path=str(screenshots / "fake-image-plan-first-screen.png"))

    platform = phone.download("Letter to Snapchat")
    assert "Request to remove a sexual image made to look like a person under 18" in platform
    for said in SCOTTISH_LAW:
        assert said in platform, said
    record = phone.download("Record for the school's safeguarding file")
    for said in ("a sexual image made to look like a pupil", "Three pupils in S2",
                 "A nudify app", *SCOTTISH_LAW, "s.52(2A) and (2B)",
                 "Child sexual abuse imagery generated by artificial intelligence",
                 "National Guidance for Child Protection in Scotland"):
        assert said in record, said
    assert "A nude or sexual image of" not in record.text
    if javascript:
        _letter_page_picture(platform, tmp_path, screenshots)

    # The platform letter's own page, to send by email or web form.
    phone.press(re.compile(r"^Send by email or web form\W+Letter to Snapchat$"))
    sent = squash(page.get_by_role("textbox", name="The letter").input_value())
    assert "made to look like a person under 18" in sent
    for said in SCOTTISH_LAW:
        assert said in sent, said
    _axe(phone, javascript, "send page: a fake image")


def _letter_page_picture(letter: Pdf, tmp_path, screenshots):
    """The platform letter's first page as the platform sees it, drawn by poppler's pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: scripts/system-deps.sh installs poppler-utils"
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.data)
    out = screenshots / "fake-image-letter-page-1"
    subprocess.run([pdftoppm, "-png", "-singlefile", "-f", "1", "-l", "1", "-r", "110",
                    str(pdf), str(out)], check=True, timeout=60)
    assert (screenshots / "fake-image-letter-page-1.png").stat().st_size > 1000
