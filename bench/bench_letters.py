"""What making letters costs: each kind's CPU time and pages, the pack's, throughput, memory.

Run with ``make bench`` (or ``python bench/bench_letters.py``). In one process, with the
directory and law files as they are on disk and fixed cases:

1. every letter kind (platform, school, IWF record, follow-up, next step, record of
   reports), the pack for 5 places on 3 platforms, and a plain A4 page of 450 words of
   prose (``plain_page.txt``, for scale): rendered turn about, so all see the same
   machine, and timed in CPU time (``time.process_time``), which leaves out time spent
   waiting for a shared core; medians of several rounds. The pack is timed on the
   clock too;
2. letters per core-second: the six letter kinds in turn, ``THROUGHPUT_ROUNDS`` times,
   over the CPU time they took;
3. resident memory (RSS) before and after that run, after the warm-up.

Prints figures, no targets: `make bench-instructions` counts instructions where a change
of a few per cent must show.
"""

from __future__ import annotations

import html
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from takedown import letters, platforms  # noqa: E402
from takedown.case import parse_case  # noqa: E402

RUNS = 9
THROUGHPUT_ROUNDS = 25
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# The benchmark case's reference, which the plain pages print in the running header too.
REFERENCE = "TD-7KQ2-M9XP"
REFERENCE_SENTENCE = "This is a paragraph of plain text used only to time a simple page. "


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


def _reported_case(slug: str):
    """A case with one place on ``slug`` reported 50 hours ago and refused: for the letters
    made from the report log."""
    reported = (NOW - timedelta(hours=50)).isoformat()
    return _case([{"url": "https://example.com/p/1", "platform": slug, "account": "@account",
                   "description": "A post", "first_seen": "2026-11-20",
                   "reports": [{"channel": "in-app", "at": reported, "reference": "R-1",
                                "outcome": "refused",
                                "outcome_at": (NOW - timedelta(hours=1)).isoformat()}]}])


def documents() -> list[tuple[str, object]]:
    """Every letter kind and the pack, each as (name, a function making its PDF)."""
    first, one, five = bench_cases()
    reported = _reported_case(first)
    return [
        (f"platform letter ({first})", lambda: letters.render_pdf("platform", one, first, TODAY)),
        ("school letter", lambda: letters.render_pdf("school", five, None, TODAY)),
        ("IWF record", lambda: letters.render_pdf("iwf", five, None, TODAY)),
        ("follow-up letter", lambda: letters.render_pdf("follow-up", reported, first, TODAY, NOW)),
        ("next-step letter", lambda: letters.render_pdf("escalation", reported, first, TODAY,
                                                        NOW)),
        ("record of reports", lambda: letters.render_pdf("record", reported, None, TODAY, NOW)),
        (f"pack, 5 places on {len(set(_pick_platforms()))} platforms",
         lambda: letters.render_pdf("pack", five, None, TODAY)),
    ]


def _side_by_side(funcs, runs: int = RUNS) -> list[tuple[float, float, bytes]]:
    """Run each function turn about, ``runs`` rounds after a warm-up; each one's median CPU
    seconds, median clock seconds and what it made."""
    made = [func() for func in funcs]
    cpu: list[list[float]] = [[] for _ in funcs]
    clock: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for index, func in enumerate(funcs):
            started, started_cpu = time.perf_counter(), time.process_time()
            func()
            cpu[index].append(time.process_time() - started_cpu)
            clock[index].append(time.perf_counter() - started)
    return [(statistics.median(c), statistics.median(w), m)
            for c, w, m in zip(cpu, clock, made, strict=True)]


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
    from takedown import pdf

    named = documents()
    plain = plain_page()
    funcs = [func for _, func in named] + [lambda: pdf.html_to_pdf(plain, "Plain")]
    names = [name for name, _ in named] + ["(for scale) plain page of 450 words of prose"]
    timed = _side_by_side(funcs)
    print(f"{'what':<46} {'CPU ms':>7} {'pages':>5} {'ms/page':>8} {'clock ms':>9}")
    for name, (cpu, clock, made) in zip(names, timed, strict=True):
        pages = _pages_and_words(made)[0]
        print(f"{name:<46} {cpu * 1000:7.0f} {pages:5d} {cpu * 1000 / pages:8.0f} "
              f"{clock * 1000:9.0f}")

    singles = [func for name, func in named if not name.startswith("pack")]
    rss_before = _rss_mb()
    started = time.process_time()
    for _ in range(THROUGHPUT_ROUNDS):
        for func in singles:
            func()
    spent = time.process_time() - started
    rss_after = _rss_mb()
    made = THROUGHPUT_ROUNDS * len(singles)
    print(f"letters per core-second: {made / spent:.2f} "
          f"({made} letters, the {len(singles)} kinds in turn, in {spent:.1f} CPU s)")
    print(f"RSS over those {made} letters: {rss_before:.0f} -> {rss_after:.0f} MB "
          f"({rss_after - rss_before:+.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
