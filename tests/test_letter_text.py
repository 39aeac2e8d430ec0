"""Text versions of letters: the same content as the PDF, exactly what was typed, served safely.

The text is made from the same HTML as the PDF. Each kind of letter is printed once and its PDF
compared with its text and its HTML (a different jurisdiction for each kind); every letter of
every jurisdiction is compared with its HTML, which holds every word the PDF prints.
"""

import json
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from bs4 import BeautifulSoup

from takedown import letters
from takedown.case import parse_case
from takedown.jurisdictions import JURISDICTIONS
from tests.helpers import (
    API,
    LETTER_DATE,
    a_letter_case,
    assert_security_headers,
    page_checks,
    pdf_pages,
)

pytestmark = pytest.mark.usefixtures("small_directory")

# The running header, page numbers and list bullets: a bullet can come out of the PDF glued to
# the word before it when a list starts at a page break.
PAGE_FURNITURE = re.compile(r"Private and confidential · Case reference \S+|Page \d+ of \d+|•")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def tokens(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def missing_from(shown: str, text: str) -> list[str]:
    """Return the words shown (in a PDF or HTML) that the text lacks.

    A word may appear whole, or as a piece of a longer word the PDF wrapped (links).
    """
    shown_words = Counter(tokens(shown))
    text_words = Counter(tokens(text))
    joined = "".join(tokens(text))
    return sorted(word for word, count in shown_words.items()
                  if text_words[word] < count and word not in joined)


def pdf_shows(pdf: bytes) -> str:
    """The words a PDF prints, less the running header and page numbers."""
    return PAGE_FURNITURE.sub(" ", " ".join(pdf_pages(pdf)))


def html_shows(html: str) -> str:
    """The words an HTML letter shows: its body's text, each element's apart."""
    return BeautifulSoup(html, "html.parser").body.get_text(" ")


def cases_for(jurisdiction: str):
    yield parse_case(a_letter_case(jurisdiction=jurisdiction))
    yield parse_case(a_letter_case(jurisdiction=jurisdiction,
                                   requester={"role": "school", "organisation": "Hill School"},
                                   person={"under_18": False, "age": None}))


def logged(jurisdiction: str, refused: bool = False):
    """A case whose Instagram place has a report logged 50 hours before NOW, maybe refused."""
    entry = {"channel": "in-app", "at": (NOW - timedelta(hours=50)).isoformat(),
             "reference": "IG-123"}
    if refused:
        entry |= {"outcome": "refused", "outcome_at": (NOW - timedelta(hours=1)).isoformat()}
    return parse_case(a_letter_case(jurisdiction=jurisdiction, locations=[
        {"url": "https://www.instagram.com/p/ABC123/", "platform": "instagram",
         "reports": [entry]}]))


# Each kind printed, and each jurisdiction printed, at least once: (kind, jurisdiction, platform).
PRINTED = [("platform", "england", "instagram"), ("school", "wales", None),
           ("iwf", "scotland", None), ("pack", "northern-ireland", None),
           ("follow-up", "us", "instagram"), ("escalation", "eu", "instagram"),
           ("record", "australia", None), ("escalation", "canada", "instagram"),
           ("review", "wales", "instagram")]


def test_every_kind_and_every_jurisdiction_is_printed():
    assert {kind for kind, _, _ in PRINTED} == set(letters.KINDS)
    assert {where for _, where, _ in PRINTED} == set(JURISDICTIONS)


@cache
def printed(kind: str, jurisdiction: str, platform: str | None):
    """(PDF, HTML, text) of one letter, from a report refused for an escalation."""
    if kind in letters.LOG_KINDS:
        case, today, now = logged(jurisdiction, refused=kind in ("escalation", "review")), NOW.date(), NOW
    else:
        case, today, now = parse_case(a_letter_case(jurisdiction=jurisdiction)), LETTER_DATE, None
    made = letters.make(kind, case, platform, today, now)
    html = letters.render_html(kind, case, platform, today, now)
    return made.pdf, html, letters.make_text(kind, case, platform, today, now).text


@pytest.mark.parametrize("kind, jurisdiction, platform", PRINTED)
def test_each_kind_s_pdf_prints_every_word_of_its_html_and_its_text_has_them_all(
        kind, jurisdiction, platform):
    pdf, html, text = printed(kind, jurisdiction, platform)
    assert missing_from(pdf_shows(pdf), text) == []
    # The HTML stands in for the PDF below: the PDF prints every word of it (and, from the
    # style sheet, the same for every jurisdiction, list markers and page furniture).
    assert missing_from(html_shows(html), pdf_shows(pdf)) == []


def test_the_comparison_notices_a_missing_sentence():
    pdf, html, text = printed("platform", "england", "instagram")
    without = text.replace("Statement of good faith", "")
    assert "Statement" in missing_from(pdf_shows(pdf), without)
    assert "Statement" in missing_from(html_shows(html), without)


@pytest.mark.parametrize("jurisdiction", list(JURISDICTIONS))
def test_every_letter_the_plan_offers_has_every_word_of_its_html_in_its_text(jurisdiction):
    for case in cases_for(jurisdiction):
        for option in letters.available_letters(case):
            html = letters.render_html(option.kind, case, option.platform, LETTER_DATE)
            text = letters.make_text(option.kind, case, option.platform, LETTER_DATE)
            assert missing_from(html_shows(html), text.text) == [], (option, jurisdiction)
            assert text.subject.endswith(case.reference)
            assert text.filename == (letters.filename(option.kind, case, option.platform)
                                     .removesuffix(".pdf") + ".txt")


@pytest.mark.parametrize("jurisdiction", list(JURISDICTIONS))
def test_letters_after_a_report_have_every_word_of_their_html_in_their_text(jurisdiction):
    made_any = []
    for kind in letters.LOG_KINDS + ("pack",):
        for case in (logged(jurisdiction), logged(jurisdiction, refused=True)):
            slug = None if kind in ("record", "pack") else "instagram"
            try:
                html = letters.render_html(kind, case, slug, NOW.date(), NOW)
            except letters.LetterUnavailable:
                continue
            text = letters.make_text(kind, case, slug, NOW.date(), NOW)
            assert missing_from(html_shows(html), text.text) == [], (kind, jurisdiction)
            made_any.append(kind)
    assert {"follow-up", "review", "escalation", "record"} <= set(made_any)


HOSTILE = '<b>Sam</b> {{ 7*7 }} &amp; <script>alert(1)</script>'


def test_the_text_holds_exactly_what_was_typed_and_no_markup():
    case = parse_case(a_letter_case(requester={"role": "parent", "name": HOSTILE,
                                               "email": "sam@example.com"}))
    text = letters.make_text("platform", case, "instagram", LETTER_DATE).text
    assert HOSTILE in text
    without = text.replace(HOSTILE, "")
    assert "<" not in without and "&amp;" not in without and "{{" not in without and "{%" not in without


def test_the_text_carries_no_link_the_user_did_not_type_beyond_the_sources_cited():
    case = parse_case(a_letter_case())
    text = letters.make_text("platform", case, "instagram", LETTER_DATE).text
    typed = {place.url for place in case.locations}
    from takedown import law
    sources = {item.source for item in law.all_laws()}
    for url in re.findall(r"https?://\S+", text):
        assert url.rstrip(").,") in typed | sources, url


def post_text(client, **extra):
    data = {"case": json.dumps(a_letter_case()), "kind": "platform", "platform": "instagram",
            **extra}
    return client.post("/letters/text", data=data)


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


def test_the_send_page_shows_the_subject_and_the_text_escaped_and_is_never_cached(client):
    case = a_letter_case(requester={"role": "parent", "name": HOSTILE, "email": "s@example.com"})
    response = client.post("/letters/text", data={"case": json.dumps(case), "kind": "platform",
                                                  "platform": "instagram"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert_security_headers(response)
    page = page_checks(response)
    box = page.select_one("textarea#letter-text")
    assert box.has_attr("readonly")
    expected = letters.make_text("platform", parse_case(case), "instagram", LETTER_DATE).text
    day = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}")
    assert day.sub("DAY", box.get_text()).strip() == day.sub("DAY", expected).strip()
    assert HOSTILE in box.get_text()
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert page.select_one("#letter-subject")["value"].startswith("Request to remove")
    assert not page.select("a[href^='mailto:']")  # Instagram publishes no report address


def test_the_text_downloads_as_a_utf8_txt_file(client):
    response = post_text(client, download="txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="takedown-TD-7KQ2-M9XP-instagram.txt"')
    assert response.headers["Cache-Control"] == "no-store"
    assert "Request to remove a sexual image" in response.get_data(as_text=True)


@pytest.mark.parametrize("choice, filename", [
    ("platform/instagram", "takedown-TD-7KQ2-M9XP-instagram.txt"),
    ("school/", "takedown-TD-7KQ2-M9XP-school.txt")])
def test_from_the_plan_s_button_the_send_page_s_txt_button_downloads_that_letter(
        client, choice, filename):
    # The plan's one form names the letter in the pressed button ("kind/platform"); the send
    # page's own form must carry that choice on, or its .txt button asks for no letter.
    from bs4 import BeautifulSoup

    page = client.post("/letters/text", data={"case": json.dumps(a_letter_case()),
                                              "letter": choice})
    form = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one(
        "form[action='/letters/text']")
    data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    response = client.post("/letters/text", data={**data, "download": "txt"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_send_page_needs_the_csrf_token(make_app):
    response = post_text(make_app(WTF_CSRF_ENABLED=True).test_client())
    assert "timed out" in response.get_data(as_text=True)
    assert "textarea" not in response.get_data(as_text=True)


def test_the_api_answers_text_when_asked_and_pdf_by_default(client):
    body = json.dumps(a_letter_case())
    headers = {"Content-Type": "application/json"}
    as_text = client.post(f"{API}/letters/platform?platform=instagram", data=body,
                          headers={**headers, "Accept": "text/plain"})
    assert as_text.status_code == 200
    assert as_text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "TD-7KQ2-M9XP" in as_text.get_data(as_text=True)
    as_pdf = client.post(f"{API}/letters/platform?platform=instagram&letterhead=true",
                         data=body, headers=headers)
    assert as_pdf.mimetype == "application/pdf"
    assert "Private and confidential" not in pdf_pages(as_pdf.data)[0]
