"""Accessible PDFs, checked: each kind's structure tree against Matterhorn's machine checks."""

import io
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest

from takedown import letters, pdf
from takedown.case import parse_case
from tests import pdfcheck
from tests.helpers import LETTER_DATE, a_letter_case, pdf_pages

pytestmark = pytest.mark.usefixtures("small_directory")

KINDS = [("platform", "instagram"), ("platform", "other"), ("school", None), ("iwf", None),
         ("pack", None)]


@pytest.mark.parametrize("letterhead", [False, True])
@pytest.mark.parametrize("kind, platform, jurisdiction", [
    (kind, platform, jurisdiction) for kind, platform in KINDS for jurisdiction in ("england", "us")
    if (kind, jurisdiction) != ("iwf", "us")])  # the IWF's record is for a family in the UK
def test_every_kind_passes_the_structure_checks(kind, platform, jurisdiction, letterhead):
    case = parse_case(a_letter_case(jurisdiction=jurisdiction, person={"under_18": True,
                                                                       "age": 15}))
    if platform == "other":
        case = parse_case(a_letter_case(jurisdiction=jurisdiction,
                                        person={"under_18": False, "age": None}))
    data = letters.render_pdf(kind, case, platform, LETTER_DATE, letterhead=letterhead)
    assert pdfcheck.problems(data) == []


@pytest.mark.parametrize("jurisdiction", ["england", "us", "eu", "australia"])
@pytest.mark.parametrize("kind", letters.LOG_KINDS)
def test_letters_after_a_report_pass_the_structure_checks(kind, jurisdiction):
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    report = {"channel": "in-app", "at": (now - timedelta(hours=50)).isoformat(),
              "reference": "IG-1"}
    if kind in ("escalation", "review"):
        report |= {"outcome": "refused", "outcome_at": (now - timedelta(hours=1)).isoformat()}
    case = parse_case(a_letter_case(jurisdiction=jurisdiction, locations=[
        {"url": "https://www.instagram.com/p/ABC123/", "platform": "instagram",
         "reports": [report]}]))
    slug = None if kind == "record" else "instagram"
    assert pdfcheck.problems(letters.render_pdf(kind, case, slug, now.date(), now)) == []


def test_the_checks_fail_on_broken_list_markup():
    broken = ('<!doctype html><html lang="en"><title>t</title><body><h1>A</h1><h3>Skipped</h3>'
              '<dl><div><dt>Link</dt><dd>x</dd></div></dl></body></html>')
    found = pdfcheck.problems(pdf.html_to_pdf(broken, "t"))
    assert "a list (L) holds ['/Div'], not only LI (16-001)" in found
    assert any("H3 follows H1" in problem for problem in found)
    # The same list, fine until the stylesheet breaks its list markup.
    good = ('<!doctype html><html lang="en"><title>t</title><body><h1>A</h1>'
            '<ol><li><strong>One</strong> more</li><li>Two</li></ol></body></html>')
    assert pdfcheck.problems(pdf.html_to_pdf(good, "t")) == []
    broken_css = good.replace("<body>", "<body><style>li { display: table-row }</style>")
    assert any("not only LI (16-001)" in problem
               for problem in pdfcheck.problems(pdf.html_to_pdf(broken_css, "t")))


def test_the_pack_numbers_each_letter_on_its_own_and_keeps_one_tree_and_its_bookmarks():
    case = parse_case(a_letter_case())
    data = letters.render_pdf("pack", case, None, LETTER_DATE)
    footers = [page.rsplit("Page ", 1)[1].strip() for page in pdf_pages(data)]
    starts = [index for index, footer in enumerate(footers) if footer.startswith("1 of")]
    assert len(starts) == len(letters.available_letters(case)) - 1 + 2  # letters, front, log
    letter_pages = next(i for i, page in enumerate(pdf_pages(data))
                        if "Request to remove" in page)
    assert footers[letter_pages].startswith("1 of ")
    with pikepdf.open(io.BytesIO(data)) as pdf_file:
        assert len(pdf_file.Root.StructTreeRoot.K) == 1
        with pdf_file.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert pdf_file.docinfo.Title == f"Takedown pack – {case.reference}"
        keys = [int(page.StructParents) for page in pdf_file.pages]
    assert len(set(keys)) == len(keys)
    assert titles[0] == "Takedown pack" and titles[-1] == "Incident log"
    assert "Request to remove a sexual image of a person under 18" in titles


def test_letterhead_leaves_the_top_of_page_one_blank_and_signs_with_the_address():
    case = parse_case(a_letter_case())
    data = letters.render_pdf("platform", case, "instagram", LETTER_DATE, letterhead=True)
    with pikepdf.open(io.BytesIO(data)) as pdf_file:
        first = pdfcheck.content(pdf_file.pages[0])
    top_mm = min(y for _, y in first.positions.values()) * 0.75 / 72 * 25.4
    assert top_mm >= 45, top_mm
    pages = pdf_pages(data)
    assert "Private and confidential" not in pages[0]
    assert pages[0].count("1 High Street, Leeds") == 0
    assert "Address: 1 High Street, Leeds" in " ".join(pages)


