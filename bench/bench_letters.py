"""Time letter rendering against a reference WeasyPrint page, and watch memory.

Run with ``make bench`` (or ``python bench/bench_letters.py``). In one process:

1. a reference: one page holding one paragraph of plain text, rendered by plain
   ``weasyprint.HTML(string=...).write_pdf()``;
2. a one-platform letter for a case with one place;
3. the pack for a case with 5 places on 3 platforms;
4. resident memory (RSS) growth over 300 letter renders;
5. the pack's parts rendered in parallel (pdf.render_parts on the pack worker
   processes) against one after another, side by side, both joined;
6. per page: each letter's CPU time per page against a plain A4 page of 450 words of
   prose (plain_page.txt) rendered through takedown.pdf with the same shared font
   configuration and letter.css (target 1.35x), and, for comparison with earlier runs,
   against the older page of one sentence repeated; all turn about, so all see the same
   machine.

Run it as a script: the pack workers are forkserver processes, which import it.

Prints medians, ratios to the reference and pass/fail against the targets, and,
for information, each PDF's pages and words and its time per page against the
reference page: render time follows the amount of text laid out, and a letter
with every element issue 4 asks for fills about three pages.
Uses a fixed case and the directory and law files as they are on disk.
"""

from __future__ import annotations

import gc
import html
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from takedown import letters, platforms  # noqa: E402
from takedown.case import parse_case  # noqa: E402

TARGETS = {"letter": 2.0, "pack": 8.0, "rss_mb": 30.0, "parallel": 0.65, "per_page": 1.35}
RUNS = 15
RSS_RENDERS = 300
TODAY = date(2026, 11, 25)
# One paragraph of plain prose, about 180 words.
# The benchmark case's reference, which the plain pages print in the running header too.
REFERENCE = "TD-7KQ2-M9XP"
REFERENCE_SENTENCE = "This is a paragraph of plain text used only to time a simple page. "
REFERENCE_HTML = ("<!doctype html><html lang=en><title>Reference</title><p>"
                  + REFERENCE_SENTENCE * 15 + "</p>")


def _case(places: list[dict]):
    return parse_case({
        "schema": "takedown-case/1", "reference": REFERENCE, "jurisdiction": "england",
        "requester": {"role": "parent", "name": "Sam Taylor", "email": "sam@example.com",
                      "phone": "01632 960 001"},
        "person": {"under_18": True, "age": 15},
        "concerns": {"shared_at_school": True},
        "locations": places,
    })


def _pick_platforms() -> list[str]:
    """Return three platform slugs from the directory ("other" fills in if it is small)."""
    slugs = [slug for slug in platforms.directory() if slug != "other"]
    return (slugs + ["other", "other"])[:3] if len(slugs) < 3 else slugs[:3]


def bench_cases():
    """Return the first platform's slug, a case with one place on it, and a case with 5
    places on 3 platforms: the cases every benchmark renders."""
    slugs = _pick_platforms()
    one = _case([{"url": "https://example.com/p/1", "platform": slugs[0], "account": "@account",
                  "description": "A post", "first_seen": "2026-11-20"}])
    five = _case([{"url": f"https://example.com/p/{i}", "platform": slugs[i % 3],
                   "account": f"@account{i}", "description": f"Place number {i}",
                   "first_seen": "2026-11-20"} for i in range(5)])
    return slugs[0], one, five


def _median(func, runs: int = RUNS) -> tuple[float, bytes]:
    """Return the median time of ``runs`` calls, and what the first (warm-up) call made."""
    made = func()  # warm up: imports, font configuration, parsed CSS
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), made


def _cpu_medians_side_by_side(*funcs, runs: int = RUNS) -> list[tuple[float, bytes]]:
    """Time renders turn about in CPU seconds, so all see the same machine and time spent
    waiting for a shared core is left out; each one's median and output."""
    made = [func() for func in funcs]  # warm up
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for index, func in enumerate(funcs):
            start = time.process_time()
            func()
            times[index].append(time.process_time() - start)
    return [(statistics.median(spent), output) for spent, output in zip(times, made, strict=True)]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import resource
    return pages * resource.getpagesize() / 2**20


def _pages_and_words(pdf_bytes: bytes) -> tuple[int, int]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    return len(reader.pages), sum(len(page.extract_text().split()) for page in reader.pages)


def _sentence_paragraphs(words: int) -> list[str]:
    """The reference's sentence in two-sentence paragraphs, about ``words`` long."""
    per_sentence = len(REFERENCE_SENTENCE.split())
    sentences = max(1, round(words / per_sentence))
    return [REFERENCE_SENTENCE * min(2, sentences - done) for done in range(0, sentences, 2)]


def _plain_paragraphs(words: int) -> str:
    """Reference-style HTML: plain paragraphs of the reference's sentence, about ``words`` long."""
    return ("<!doctype html><html lang=en><title>Plain</title>"
            + "".join(f"<p>{text}</p>" for text in _sentence_paragraphs(words)))


def _page(paragraphs: list[str]) -> str:
    """A plain page of these paragraphs under the letters' running header (the case reference)."""
    return ('<!doctype html><html lang="en-GB"><title>Plain</title>'
            f'<body data-reference="{REFERENCE}">'
            + "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs))


def plain_page() -> str:
    """The plain A4 page each letter's page is measured against: 450 words of ordinary prose
    (bench/plain_page.txt, 4.9 letters a word; English prose has about 4.8)."""
    text = Path(__file__).with_name("plain_page.txt").read_text(encoding="utf-8")
    return _page([paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()])


def repeated_page() -> str:
    """The page earlier runs measured against: one 13-word sentence repeated to 450 words."""
    return _page(_sentence_paragraphs(450))


def main() -> int:
    import weasyprint

    first, one, five = bench_cases()
    slugs = _pick_platforms()

    reference, reference_pdf = _median(lambda: weasyprint.HTML(string=REFERENCE_HTML).write_pdf())
    letter, letter_pdf = _median(lambda: letters.render_pdf("platform", one, first, TODAY))
    pack, pack_pdf = _median(lambda: letters.render_pdf("pack", five, today=TODAY), runs=5)

    gc.collect()
    before = _rss_mb()
    for _ in range(RSS_RENDERS):
        letters.render_pdf("platform", one, first, TODAY)
    gc.collect()
    growth = _rss_mb() - before

    shapes = [_pages_and_words(made) for made in (reference_pdf, letter_pdf, pack_pdf)]
    # For information: the reference's own sentence, repeated in plain paragraphs to as many
    # words as the letter. How far the letter is from 2x before any of its structure.
    plain = _plain_paragraphs(shapes[1][1])
    plain_time, plain_pdf = _median(lambda: weasyprint.HTML(string=plain).write_pdf())
    shapes.append(_pages_and_words(plain_pdf))
    rows = [
        ("reference page", reference, 1.0, None),
        (f"one-platform letter ({first})", letter, letter / reference, TARGETS["letter"]),
        (f"pack, 5 places on {len(set(slugs))} platforms", pack, pack / reference, TARGETS["pack"]),
        ("(info) plain paragraphs, the letter's words", plain_time, plain_time / reference, None),
    ]
    ok = True
    print(f"{'what':<42} {'median':>9} {'ratio':>7} {'target':>7}      "
          f"{'pages':>5} {'words':>6} {'per page':>9}")
    for (name, seconds, ratio, target), (pages, words) in zip(rows, shapes, strict=True):
        verdict = "" if target is None else ("ok" if ratio <= target else "OVER")
        ok &= verdict != "OVER"
        print(f"{name:<42} {seconds * 1000:8.1f}ms {ratio:6.1f}x "
              f"{f'≤{target:.1f}x' if target else '':>7} {verdict:<4} "
              f"{pages:5d} {words:6d} {ratio / pages:8.1f}x")
    verdict = "ok" if growth < TARGETS["rss_mb"] else "OVER"
    ok &= verdict == "ok"
    label, limit = f"RSS growth over {RSS_RENDERS} letters", f"<{TARGETS['rss_mb']}MB"
    print(f"{label:<42} {growth:8.1f}MB {'':>7} {limit:>7} {verdict}")
    ok &= _pack_and_pages(five, one, first, letter_pdf)
    print("all targets met" if ok else "some targets missed (see OVER above)")
    return 0


def _pack_and_pages(five, one, first, letter_pdf) -> bool:
    """Print the pack parallel against sequential, and each letter's per-page ratio."""
    from takedown import pdf

    parts = letters.pack_parts(five, TODAY)
    pdf.render_parts(parts, parallel=True)  # start and warm the pack workers
    sequential, _ = _median(lambda: pdf.join(pdf.render_parts(parts, parallel=False)), runs=5)
    parallel, _ = _median(lambda: pdf.join(pdf.render_parts(parts, parallel=True)), runs=5)
    ratio = parallel / sequential
    verdict = "ok" if ratio <= TARGETS["parallel"] else "OVER"
    print(f"pack sequential {sequential * 1000:.0f}ms, parallel on {pdf.PACK_WORKERS + 1} "
          f"processes {parallel * 1000:.0f}ms: {ratio:.2f}x (target ≤{TARGETS['parallel']}x) "
          f"{verdict}")
    plain, repeated = plain_page(), repeated_page()
    ok = verdict == "ok"
    for kind, case, slug in (("platform", one, first), ("school", five, None),
                             ("iwf", five, None)):
        (seconds, made), (page_time, page_pdf), (repeated_time, _) = _cpu_medians_side_by_side(
            lambda k=kind, c=case, s=slug: letters.render_pdf(k, c, s, TODAY),
            lambda: pdf.html_to_pdf(plain, "Plain"), lambda: pdf.html_to_pdf(repeated, "Plain"))
        pages = _pages_and_words(made)[0]
        per_page = seconds / pages / page_time
        verdict = "ok" if per_page <= TARGETS["per_page"] else "OVER"
        ok &= verdict == "ok"
        print(f"{kind} letter: {pages} pages, {seconds * 1000:.0f}ms CPU, per page "
              f"{per_page:.2f}x a plain page of 450 words of prose ({page_time * 1000:.0f}ms, "
              f"{_pages_and_words(page_pdf)[0]} page) (target ≤{TARGETS['per_page']}x) {verdict}; "
              f"{seconds / pages / repeated_time:.2f}x the earlier page of one sentence repeated "
              f"({repeated_time * 1000:.0f}ms)")
    return ok


if __name__ == "__main__":
    sys.exit(main())
