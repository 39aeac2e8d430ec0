"""The pages the letter benchmark measures against stay what bench/bench_letters.py says they are."""

import io
import re
import sys
from pathlib import Path

from pypdf import PdfReader

from takedown import pdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import bench_letters  # noqa: E402


def _body_words(made: bytes) -> list[str]:
    """The words of a one-page PDF, without its running header and footer (which come last)."""
    reader = PdfReader(io.BytesIO(made))
    assert len(reader.pages) == 1
    words = reader.pages[0].extract_text().split()
    margins = "Private and confidential · Case reference TD-7KQ2-M9XP Page 1 of 1".split()
    assert words[-len(margins):] == margins
    return words[:-len(margins)]


def _letters_a_word(words: list[str]) -> float:
    return sum(len(re.sub(r"\W", "", word)) for word in words) / len(words)


def test_the_plain_page_is_one_page_of_450_words_of_ordinary_prose():
    """About 4.8 letters a word, as running English text has; the running header is the
    letters' own, so it costs the same."""
    body = _body_words(pdf.html_to_pdf(bench_letters.plain_page(), "Plain"))
    assert 440 <= len(body) <= 460
    assert 4.6 <= _letters_a_word(body) <= 5.0


def test_the_earlier_page_is_the_one_sentence_repeated():
    body = _body_words(pdf.html_to_pdf(bench_letters.repeated_page(), "Plain"))
    assert 440 <= len(body) <= 460
    assert _letters_a_word(body) < 3.8
