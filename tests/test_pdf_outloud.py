"""An outside check: outloud (PyPI), a PDF/UA-1 and WCAG 2.2 checker, over every letter kind.

Beside our own Matterhorn checks (tests/pdfcheck.py, test_pdf_structure.py), so a reading of
the standard we got wrong is caught by someone else's. Any error fails. Of its warnings, only
those we chose to keep are allowed, each for its reason:

* LNK-010, an address printed as text with no link over it: only the places' own links,
  which lead to the image and are kept as text on purpose (letters/_partials/places.html);
* PAG-001, a running header tagged as content: each letter's sender block, at the top of
  the first page of each letter in the pack, is the letter's content, read once per letter;
* TBL-014, a ruled grid larger than its table: the incident log's rows left blank to fill
  in by hand are drawn, but are not in the structure tree (a screen reader would announce a
  dozen empty rows), so the grid reaches below the table's text.
"""

from datetime import UTC, datetime, timedelta

import outloud
import pytest

from takedown import letters
from takedown.case import parse_case
from tests.helpers import a_letter_case

pytestmark = pytest.mark.usefixtures("small_directory")

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PLACE_URL = "https://www.instagram.com/p/ABC123/"
KINDS = [("platform", "instagram"), ("school", None), ("iwf", None), ("pack", None),
         ("follow-up", "instagram"), ("escalation", "instagram"), ("record", None)]
KEPT = {"LNK-010", "PAG-001", "TBL-014"}


def _case():
    report = {"channel": "in-app", "at": (NOW - timedelta(hours=50)).isoformat(),
              "reference": "IG-1", "outcome": "refused",
              "outcome_at": (NOW - timedelta(hours=1)).isoformat()}
    return parse_case(a_letter_case(person={"under_18": True, "age": 15}, locations=[
        {"url": PLACE_URL, "platform": "instagram", "reports": [report]}]))


def _check(data: bytes, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return outloud.check(str(path))


@pytest.mark.parametrize("kind, platform", KINDS)
def test_outloud_finds_no_error_in_any_letter(kind, platform, tmp_path):
    result = _check(letters.render_pdf(kind, _case(), platform, NOW.date(), NOW), tmp_path)
    assert result.error is None and result.stats["tagged"], result.error
    findings = [(f.rule, f.severity, f.message, f.evidence) for f in result.findings]
    assert [f for f in findings if f[1] == "error"] == []
    assert {rule for rule, severity, *_ in findings if severity == "warning"} <= KEPT, findings
    unlinked = {f.evidence for f in result.findings if f.rule == "LNK-010"}
    assert unlinked <= {PLACE_URL}, "an address from our data, or an email, is not a live link"


def test_a_pack_with_nothing_logged_yet_keeps_a_whole_table(tmp_path):
    """Every row of its log is blank: the table keeps its header and an empty body."""
    case = parse_case(a_letter_case(person={"under_18": True, "age": 15}))
    result = _check(letters.render_pdf("pack", case, None, NOW.date(), NOW), tmp_path)
    assert result.error is None
    assert [f.message for f in result.findings if f.severity == "error"] == []
    assert "TBL-012" not in {f.rule for f in result.findings}
