"""What laying a letter out costs, and the bound on it: no letter costs more than about 5
CPU-seconds to make.

WeasyPrint's time follows the text and the table rows it lays out: a page of a letter's
prose about 55 ms, a page of long table rows up to about 85 ms, on the 2-core machine
`make load` runs on (docs/performance.md). ``work`` counts an HTML letter in units of about
a page, never under: one, one more for every 2,000 characters of its text and one for every
10 table rows. One render does at most ``MAX_WORK`` units, about 5 CPU-seconds at the
dearest; a pack holds the letters that fit and names the rest; a table of reports lists at
most ``MAX_ROWS`` and says how many more there are and where they are. The letter rate
limit counts the same units. No Flask here.
"""

from __future__ import annotations

import re

MAX_WORK = 60
MAX_ROWS = 60
CHARS_PER_UNIT = 2000
ROWS_PER_UNIT = 10

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def work(html: str) -> int:
    """About how many pages this HTML letter lays out to: a little over, never under."""
    body = html[max(0, html.find("<body")):]
    text = _SPACES.sub(" ", _TAG.sub(" ", body))
    return 1 + len(text) // CHARS_PER_UNIT + body.count("<tr") // ROWS_PER_UNIT


def capped(rows: list) -> tuple[list, int]:
    """At most MAX_ROWS of rows, in order, and how many were left out."""
    return rows[:MAX_ROWS], max(0, len(rows) - MAX_ROWS)
