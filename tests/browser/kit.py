"""What the browser tests share: two ways to drive a page, axe, and reading downloaded PDFs.

A helper module like tests/helpers.py (which it builds on), not a test module.
"""

import json
import re

import pymupdf
from axe_playwright_python.base import AXE_SCRIPT, AxeResults

from tests.helpers import normalize_spaces as squash

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def axe_violations(page) -> str:
    """Run axe-core at WCAG 2.2 A/AA; return a readable report, empty when there is nothing.

    axe's source (570 KB) goes into a page once, not again for a second run on it; only the
    violations come back (a whole result is some 40 KB, for a report made of the violations).
    """
    if not page.evaluate("() => typeof axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)",
                               _AXE_OPTIONS)
    return AxeResults({"violations": violations}).generate_report() if violations else ""


def assert_no_axe_violations(page, where: str) -> None:
    # With JavaScript off a page runs no timers, and axe's run waits on one: it would never end.
    assert getattr(page.context, "javascript", True), f"axe on {where} needs JavaScript on"
    report = axe_violations(page)
    assert not report, f"axe on {where} ({page.url}):\n{report}"


# --- Focus ---------------------------------------------------------------------------------

_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  // A link can wrap over lines: look at the middle of its first line box.
  const first = el.getClientRects()[0] || rect;
  const x = Math.min(Math.max(first.left + first.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(first.top + first.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const label = el.labels && el.labels.length ? el.labels[0] : null;
  return {
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
    covered: !(hit && (hit === el || el.contains(hit) || (label && label.contains(hit)))),
    inView: rect.bottom > 0 && rect.top < innerHeight,
    hit: hit ? hit.tagName + '.' + hit.className : null,
    tag: el.tagName, id: el.id, name: el.getAttribute('name'),
    text: (el.innerText || '').slice(0, 60),
  };
}"""


def focus_state(page):
    return page.evaluate(_FOCUS_STATE)


# Each Tab's keyup (focus has moved, and scrolled into view, by then) records where focus went,
# so a walk reads its stops back every few Tabs rather than after each one. "stop" numbers each
# element in the order first reached.
_RECORD_TAB_STOPS = f"""() => {{
  if (window.tabStops) {{ return; }}
  const stops = window.tabStops = [];
  const reached = [];
  const state = {_FOCUS_STATE};
  addEventListener('keyup', event => {{
    if (event.key !== 'Tab') {{ return; }}
    const now = state();
    if (now) {{
      if (!reached.includes(document.activeElement)) {{ reached.push(document.activeElement); }}
      now.stop = reached.indexOf(document.activeElement);
    }}
    stops.push(now);
  }}, true);
}}"""
_TAKE_TAB_STOPS = "() => window.tabStops.splice(0)"


def tab_round(page, key: str = "Tab", limit: int = 120) -> list[dict]:
    """Press key (Tab, or Shift+Tab) until focus comes back to the first element it reached, or
    limit times; return the focus state at each stop on the way (none where focus left the
    page)."""
    page.evaluate(_RECORD_TAB_STOPS)
    page.evaluate(_TAKE_TAB_STOPS)
    stops = []
    for pressed in range(1, limit + 1):
        page.keyboard.press(key)
        if pressed % 10 and pressed < limit:
            continue
        for state in page.evaluate(_TAKE_TAB_STOPS):
            if state and stops and state["stop"] == next(s for s in stops if s)["stop"]:
                return stops
            stops.append(state)
    return stops


def assert_focus_visible(page, state=None, where: str = "") -> dict:
    """The focused element shows a focus indicator and is not hidden (WCAG 2.4.7, 2.4.11).
    state: focus_state(page), or a stop from tab_round, when the caller has it already."""
    state = focus_state(page) if state is None else state
    assert state is not None, f"nothing has focus {where}"
    assert state["outline"] or state["shadow"], f"no visible focus indicator {where} on {state}"
    assert state["inView"] and not state["covered"], f"focused element is hidden {where}: {state}"
    return state


# --- Two ways to drive a page --------------------------------------------------------------


class Mouse:
    """Point and click, type into fields: most people."""

    def __init__(self, page):
        self.page = page

    def fill(self, selector, text):
        self.page.fill(selector, text)

    def tick(self, selector):
        self.page.check(selector)

    def choose(self, selector, label):
        self.page.select_option(selector, label=label)

    def submit(self, selector):
        with self.page.expect_navigation():
            self.page.click(selector)

    def download(self, selector):
        with self.page.expect_download() as info:
            self.page.click(selector)
        return info.value

    def attach(self, selector, path):
        self.page.set_input_files(selector, path)


class Keyboard:
    """No mouse at all: Tab to a control, then Space, Enter or type. Focus must always show."""

    MAX_TABS = 200

    def __init__(self, page):
        self.page = page
        self.tabs = 0

    def tab_to(self, selector):
        target = self.page.locator(selector)
        target.wait_for(state="attached")
        # The element itself, found once: asking a locator after each Tab finds it again each
        # time, about twice the CPU of the press.
        element = target.element_handle()
        try:
            for _ in range(self.MAX_TABS):
                self.page.keyboard.press("Tab")
                self.tabs += 1
                if element.evaluate("el => el === document.activeElement"):
                    assert_focus_visible(self.page)
                    return
        finally:
            element.dispose()
        raise AssertionError(f"could not reach {selector} with Tab")

    def fill(self, selector, text):
        self.tab_to(selector)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def tick(self, selector):
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        assert self.page.is_checked(selector)

    def choose(self, selector, label):
        self.tab_to(selector)
        self.page.keyboard.type(label)  # type-ahead in a closed select
        chosen = self.page.eval_on_selector(selector, "el => el.selectedOptions[0].text")
        assert chosen == label

    def submit(self, selector):
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def download(self, selector):
        self.tab_to(selector)
        with self.page.expect_download() as info:
            self.page.keyboard.press("Enter")
        return info.value


# --- The case flow ------------------------------------------------------------------------


def heading(page) -> str:
    return squash(page.inner_text("h1"))


def open_case_file(driver, page, path) -> None:
    """Open a saved case file at /case/open; it lands on its progress page."""
    page.goto("/case/open")
    driver.attach("#case_file", str(path))
    driver.submit("#open")
    assert heading(page) == "Your progress"


def fill_questions(driver, answers: dict) -> None:
    """Answer every question on one page (from step 1, the "one page" link leads there), in
    page order, adding places as needed; stop before Continue."""
    if driver.page.locator("#one-page").count():
        driver.submit("#one-page")
    _fill_about_you(driver, answers)
    _fill_the_person(driver, answers)
    _fill_what_is_happening(driver, answers)
    _fill_where_it_is(driver, answers)


def fill_steps(driver, answers: dict) -> None:
    """Answer the four steps one after another, pressing Continue after steps 1 to 3; stop
    before the last Continue."""
    for number, fill in enumerate((_fill_about_you, _fill_the_person, _fill_what_is_happening,
                                   _fill_where_it_is), 1):
        assert squash(driver.page.inner_text("#step-count")) == f"Step {number} of 4"
        fill(driver, answers)
        if number == 1 and answers.get("is_dsl"):
            driver.tick("#requester_is_dsl")
        if number < 4:
            driver.submit("#continue")


def _fill_about_you(driver, answers):
    for name, field in (("role", "requester_role"), ("jurisdiction", "jurisdiction")):
        if name in answers:
            driver.tick(f"input[name={field}][value={answers[name]}]")


def _fill_the_person(driver, answers):
    if "age_group" in answers:
        driver.tick(f"input[name=person_age_group][value={answers['age_group']}]")
    for name, field in (("age", "person_age"), ("person_name", "person_name"),
                        ("person_school", "person_school")):
        if name in answers:
            driver.fill(f"#{field}", answers[name])


def _fill_what_is_happening(driver, answers):
    for concern in answers.get("concerns", ()):
        driver.tick(f"#concerns_{concern}")


def _fill_where_it_is(driver, answers):
    # "first_place": the index to fill from, after places a case file already holds.
    for index, place in enumerate(answers.get("places", ()), start=answers.get("first_place", 0)):
        if index >= driver.page.locator("fieldset.place").count():
            driver.submit("#add-place")
            assert driver.page.locator("fieldset.place").count() == index + 1
        for field in ("url", "description", "account", "first_seen"):
            if field in place:
                driver.fill(f"#places-{index}-{field}", place[field])
            if field == "url" and "platform" in place:
                driver.choose(f"#places-{index}-platform", place["platform"])
    for name in ("requester_name", "requester_email", "requester_phone", "requester_organisation",
                 "requester_address", "school_name", "school_contact_name", "school_address",
                 "school_email"):
        if name in answers:
            driver.fill(f"#{name}", answers[name])


def letter_buttons(page) -> dict[str, str]:
    """Letter title -> a selector for its Download button."""
    titles = [squash(t) for t in page.locator(".letter-list .letter-title").all_inner_texts()]
    return {title: f".letter-list li:nth-child({i}) button >> nth=0"
            for i, title in enumerate(titles, 1)}


class Pdf:
    def __init__(self, download):
        self.filename = download.suggested_filename
        with open(download.path(), "rb") as file:
            self.data = file.read()
        pages = _pdf_pages(self.data)
        self.pages = len(pages)
        self.text = squash(" ".join(pages))

    def __contains__(self, text):
        return squash(text) in self.text


def _pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, as tests.helpers.pdf_pages reads it (a line broken after a hyphen joined
    up), read by MuPDF (a test-only dependency) rather than pypdf: a tenth of the CPU, and the
    same text for our letters and packs."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return [re.sub(r"\s+", " ", re.sub(r"-\n", "-", page.get_text())) for page in document]


def download_pdf(driver, selector) -> Pdf:
    download = driver.download(selector)
    assert download.failure() is None
    pdf = Pdf(download)
    assert pdf.data.startswith(b"%PDF-"), pdf.data[:200]
    return pdf


def download_json(driver, selector) -> dict:
    download = driver.download(selector)
    assert download.failure() is None
    with open(download.path(), encoding="utf-8") as file:
        return download.suggested_filename, json.load(file)
