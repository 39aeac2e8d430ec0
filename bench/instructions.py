"""Count the instructions a letter's page costs against a plain A4 page of 450 words of prose.

Run with ``make bench-instructions``. The same per-page ratio `make bench` times, counted by
valgrind's callgrind instead of timed: a count does not move with whatever else a shared
machine is doing (two runs agreed within 2%), so a change of a few per cent shows. Each document is rendered in two child processes
under callgrind (PYTHONHASHSEED=0), one making it once and one three times after the same
warm-up; half the difference is what one render costs. Two children run at a time, about a
minute each.

Also counted, so a ratio can be read: a one-line page and a three-page document of one line a
page, whose difference is what each page costs before any content (the running header and
"Page x of y", the page's own objects in the PDF).

Instructions are not seconds: a letter runs more layout in Python, a plain page relatively
more compression in C, so a letter's timed ratio sits a little above its counted one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BLANK = '<!doctype html><html lang="en-GB"><title>Blank</title><body data-reference="TD-7KQ2-M9XP">'
LETTERS = ("platform", "school", "iwf")


def _document(name: str):
    """Return a function making the named document's PDF."""
    import bench_letters as bench

    from takedown import letters, pdf

    if name in ("plain", "repeated"):
        html = bench.plain_page() if name == "plain" else bench.repeated_page()
        return lambda: pdf.html_to_pdf(html, "Plain")
    if name.startswith("blank"):
        pages = int(name[5:])
        html = BLANK + "<p>One line.</p>" + '<p style="break-before: page">One line.</p>' * (pages - 1)
        return lambda: pdf.html_to_pdf(html, "Blank")
    first, one, five = bench.bench_cases()
    if name == "platform":
        return lambda: letters.render_pdf("platform", one, first, bench.TODAY)
    return lambda: letters.render_pdf(name, five, None, bench.TODAY)


def child(name: str, renders: int) -> None:
    """In a child under callgrind: warm up, then make the document ``renders`` times."""
    import io

    from pypdf import PdfReader

    make = _document(name)
    made = make()
    make()
    for _ in range(renders):
        make()
    print(f"pages {len(PdfReader(io.BytesIO(made)).pages)}")


def _count(name: str, renders: int) -> tuple[int, int]:
    """Return (instructions, pages) for a child process making ``name`` ``renders`` times."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", name, str(renders)],
        capture_output=True, text=True, env=env, check=True)
    instructions = int(re.search(r"Collected : (\d+)", done.stderr)[1])
    return instructions, int(re.search(r"pages (\d+)", done.stdout)[1])


def per_render(name: str, pool) -> tuple[float, int]:
    """Return (millions of instructions one render of ``name`` costs, its pages)."""
    once, thrice = pool.map(lambda renders: _count(name, renders), (1, 3))
    return (thrice[0] - once[0]) / 2 / 1e6, once[1]


def main(names: list[str]) -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind (Debian)", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(2) as pool:
        counts = {name: per_render(name, pool)
                  for name in ["blank1", "blank3", "plain", "repeated", *names]}
    page = (counts["blank3"][0] - counts["blank1"][0]) / 2
    print(f"each page before any content: {page:.1f} M instructions; "
          f"the document itself: {counts['blank1'][0] - page:.1f} M")
    plain, repeated = counts["plain"][0], counts["repeated"][0]
    print(f"plain page of 450 words of prose: {plain:.1f} M instructions; the earlier page of "
          f"one sentence repeated: {repeated:.1f} M")
    for name in names:
        millions, pages = counts[name]
        print(f"{name} letter: {pages} pages, {millions:.1f} M instructions, per page "
              f"{millions / pages / plain:.3f}x the plain page, "
              f"{millions / pages / repeated:.3f}x the page of one sentence repeated")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main(sys.argv[1:] or list(LETTERS)))
