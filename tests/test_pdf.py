"""PDF rendering: nothing is ever fetched, hostile text prints literally, PDF/UA metadata."""

import dataclasses
import io
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from takedown import letters, pdf
from takedown.case import MAX_REFERENCE, MAX_TEXT, Location, parse_case
from tests.helpers import LETTER_DATE as TODAY
from tests.helpers import a_letter_case, pdf_text

pytestmark = pytest.mark.usefixtures("small_directory")


def make_case(**changes):
    return parse_case(a_letter_case(**changes))


@pytest.fixture
def fetch_spy(monkeypatch):
    """Record every URL WeasyPrint asks the letters' fetcher for."""
    seen = []
    cls = pdf._fetcher_class()
    real = cls.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(cls, "fetch", spy)
    return seen


def hostile_strings(port: int) -> dict:
    return {
        "img": '<img src="file:///etc/passwd">',
        "link": f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        "css": f'<style>@import url(http://127.0.0.1:{port}/y.css); body {{ background: url(http://127.0.0.1:{port}/z) }}</style>',
        "inline": f'<p style="background: url(http://127.0.0.1:{port}/w)">x</p>',
        "attachment": '<link rel="attachment" href="file:///etc/passwd">',
    }


def hostile_case(port: int):
    bad = hostile_strings(port)
    return make_case(
        requester={"role": "parent", "name": bad["img"], "organisation": bad["link"],
                   "address": bad["css"], "email": "sam@example.com"},
        person={"under_18": True, "age": 15, "name": bad["inline"]},
        school={"name": bad["attachment"], "contact_name": bad["img"]},
        locations=[
            {"url": f"http://127.0.0.1:{port}/image.jpg", "platform": "instagram",
             "account": bad["css"], "description": bad["link"]},
            {"url": f"http://127.0.0.1:{port}/b", "description": f"url(http://127.0.0.1:{port}/v)"},
        ],
    )


@pytest.mark.parametrize("kind, platform", [("platform", "instagram"), ("school", None),
                                            ("iwf", None), ("pack", None)])
def test_hostile_text_is_escaped_printed_literally_and_never_fetched(
        kind, platform, listener, fetch_spy):
    case = hostile_case(listener.port)
    html = letters.render_html(kind, case, platform, TODAY)
    assert "<img" not in html and "<link" not in html and "<style>" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    text = pdf_text(letters.render_pdf(kind, case, platform, TODAY))
    assert '<img src="file:///etc/passwd">' in text
    if kind in ("platform", "pack"):
        assert f"http://127.0.0.1:{listener.port}/image.jpg" in text
        assert f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css">' in text
    assert fetch_spy == []
    assert listener.connections == 0


def test_fetcher_stops_a_render_that_asks_for_anything_outside_letters(listener):
    from weasyprint.urls import FatalURLFetchingError

    for markup in hostile_strings(listener.port).values():
        with pytest.raises(FatalURLFetchingError, match="refused"):
            pdf.html_to_pdf(f"<!doctype html><title>t</title>{markup}", "t")
    assert listener.connections == 0


def test_fetcher_serves_files_under_letters(fetch_spy):
    html = '<!doctype html><html lang="en"><title>t</title><link rel="stylesheet" href="letter.css"><p>Hello</p>'
    assert pdf.html_to_pdf(html, "t").startswith(b"%PDF")
    assert [url.rsplit("/", 1)[-1] for url in fetch_spy] == ["letter.css"]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1/x",
    "https://example.com/letter.css",
    "data:text/css,body{}",
    "ftp://127.0.0.1/x",
    "file://otherhost" + str(pdf.STYLESHEET),
    pdf.STYLESHEET.parent.as_uri() + "/../takedown/pdf.py",
    pdf.STYLESHEET.parent.as_uri() + "/%2e%2e/takedown/pdf.py",
    pdf.STYLESHEET.parent.as_uri() + "/missing.css",
    pdf.STYLESHEET.parent.as_uri(),
    pdf.STYLESHEET.as_uri() + "?x=1",
])
def test_local_path_refuses(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.local_path(url)


def test_local_path_refuses_a_symlink_out_of_letters(tmp_path, monkeypatch):
    root = tmp_path / "letters"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "sneaky.css").symlink_to("/etc/passwd")
    monkeypatch.setattr(pdf, "LETTERS_DIR", root.resolve())
    assert pdf.local_path((root / "ok.css").as_uri()) == (root / "ok.css").resolve()
    with pytest.raises(pdf.FetchRefused):
        pdf.local_path((root / "sneaky.css").as_uri())


def test_local_path_allows_the_stylesheet():
    assert pdf.local_path(pdf.STYLESHEET.as_uri()) == pdf.STYLESHEET


def test_pdf_is_tagged_pdf_ua_with_title_and_no_personal_metadata():
    case = make_case(requester={"role": "parent", "name": "Sam Taylor"},
                     person={"under_18": True, "age": 15, "name": "Alex Taylor"})
    data = letters.render_pdf("platform", case, "instagram", TODAY)
    reader = PdfReader(io.BytesIO(data))
    info = reader.metadata
    assert info.title == f"Letter to Instagram – {case.reference}"
    assert info.author is None and info.subject is None and info.get("/Keywords") is None
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp
    for personal in (b"Sam Taylor", b"Alex Taylor"):
        assert personal not in xmp


@pytest.mark.parametrize("name", [
    "محمد الأحمد",            # Arabic, right to left
    "שרה כהן",                # Hebrew, right to left
    "Zoë 🌈✨ O'Brien",       # emoji and an apostrophe
    "Αλέξανδρος Παπαδόπουλος",  # Greek
    "Анастасия Иванова",      # Cyrillic
    "Renée Ångström-Øberg",   # accented Latin
    "李小龍",                  # a script DejaVu lacks: must still render
])
def test_names_in_any_script_render(name):
    case = make_case(requester={"role": "parent", "name": name},
                     person={"under_18": True, "age": 15, "name": name})
    html = letters.render_html("platform", case, "instagram", TODAY)
    assert html.count(name.replace("'", "&#39;")) >= 2
    text = pdf_text(letters.render_pdf("platform", case, "instagram", TODAY))
    if name[0] in "ΑАR":  # Greek, Cyrillic, accented Latin: DejaVu, extracted as typed
        assert name in text


def test_long_words_and_links_wrap_inside_the_page():
    from weasyprint import HTML

    # Longer than the case allows: the letter must cope even if validation changes.
    word = "x" * 5000
    url = "https://www.instagram.com/p/" + "A" * 1900
    case = make_case()
    case = dataclasses.replace(case, locations=(
        Location("instagram", url=url, description=word, account="@" + "y" * 300),))
    html = letters.render_html("platform", case, "instagram", TODAY)
    with pdf._render_lock:
        font_config, css, url_fetcher = pdf._shared_resources()
        document = HTML(string=html, base_url=pdf.LETTERS_DIR.as_uri() + "/",
                        url_fetcher=url_fetcher).render(font_config=font_config, stylesheets=[css])

    def boxes(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child)

    for page in document.pages:
        right_edge = page.width
        for box in boxes(page._page_box):
            if hasattr(box, "position_x") and box.width is not None and box.element_tag != "html":
                assert box.position_x + box.width <= right_edge + 0.5, box
    # The word runs over a page break, so count it rather than look for it whole.
    text = pdf_text(letters.render_pdf("platform", case, "instagram", TODAY))
    assert sum(len(run) for run in re.findall(r"x{20,}", text)) == 5000
    assert "A" * 200 in "".join(text.split())


def _overflowing_boxes(html: str) -> list:
    """Return the boxes of a rendered letter whose right edge runs past the page."""
    from weasyprint import HTML

    with pdf._render_lock:
        font_config, css, url_fetcher = pdf._shared_resources()
        document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=url_fetcher).render(
            font_config=font_config, stylesheets=[css])

    def boxes(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child)

    return [box for page in document.pages for box in boxes(page._page_box)
            if getattr(box, "position_x", None) is not None and box.width is not None
            and box.element_tag != "html" and box.position_x + box.width > page.width + 0.5]


LONG_REPORTED = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind, platform", [
    ("platform", "instagram"), ("school", None), ("iwf", None), ("follow-up", "instagram"),
    ("escalation", "instagram"), ("record", None)])
def test_every_field_at_its_longest_unbroken_stays_inside_the_page(kind, platform):
    # Every free-text field as one word as long as the case allows, in each letter that prints it.
    word = "w" * MAX_TEXT
    case = make_case(
        requester={"name": word, "organisation": word, "address": word, "email": "sam@example.com"},
        person={"under_18": True, "age": 15, "name": word, "school": word},
        concerns={"threats": True, "threat_account": word},
        school={"name": word, "contact_name": word, "address": word},
        locations=[{"url": "https://www.instagram.com/p/" + "A" * 1900, "account": word,
                    "description": word, "first_seen": "2026-11-20",
                    "reports": [{"channel": "in-app", "at": LONG_REPORTED.isoformat(),
                                 "reference": "R" * MAX_REFERENCE, "outcome": "refused",
                                 "outcome_at": LONG_REPORTED.isoformat(), "note": word}]}])
    html = letters.render_html(kind, case, platform, LONG_REPORTED.date(), LONG_REPORTED)
    assert word in html
    assert _overflowing_boxes(html) == []


def test_weasyprint_is_imported_lazily():
    """Only pdf.py may import it (ruff's banned-api rule), and only when a letter is made."""
    code = "import sys, takedown.letters, takedown.pdf; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=pdf.LETTERS_DIR.parent)
    assert out.stdout.strip() == "False"


def test_letters_rendered_from_several_threads_at_once_are_all_whole_and_alike():
    case = make_case()
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(lambda _: letters.render_pdf("platform", case, "instagram", TODAY),
                             range(6)))
    texts = {pdf_text(item) for item in pdfs}
    assert len(texts) == 1
    text = texts.pop()
    assert "Request to remove a sexual image of a person under 18" in text
    assert case.reference in text

