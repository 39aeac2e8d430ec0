"""Letters: which ones a case can have, and rendering them to HTML, PDF and text.

What each kind of letter is, who may have it and where it is offered is declared once, in
``takedown.letterkinds``; what goes in it, in ``takedown.lettercontent`` and
``takedown.followups``. A letter is built from the case alone through this module's own
strict, autoescaping Jinja environment on ``letters/``; no Flask request is involved.
Everything the user typed reaches a template as plain data and is escaped. Legal citations
come only from ``data/law.toml`` (see ``takedown.law``).

Which letters a case gets (``available_letters``): the kinds the plan offers, in their
order, each when the case allows it (``letterkinds.LetterKind.on_plan`` and ``who``): one
platform letter per platform with a place a letter can point to; the school letter (for
school staff, a record for the designated safeguarding lead and the safeguarding file: the
UKCIS advice asks any member of staff to refer an incident to the DSL) and the IWF record,
when the person is under 18; and the pack.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

from takedown import deadlines, followups, jurisdictions, letterkinds, letterwork, platforms
from takedown.case import Case, FieldError, FieldProblems, parse_case
from takedown.lettercontent import Draft, base_context, fake_laws
from takedown.letterkinds import LetterKind
from takedown.plan import make_plan

ROOT = Path(__file__).resolve().parent.parent
KINDS = letterkinds.SLUGS
# Letters made from the report log (takedown/followups.py).
LOG_KINDS = tuple(kind.slug for kind in letterkinds.KINDS if kind.from_log)


def _composed(value):
    """Return text in Unicode's composed form (NFC), anything else as it is.

    Canonically the same text as typed, but a letter and its combining mark
    ("e" + U+0301) become the one character a font has a glyph for ("é"), so the
    mark stays on its letter in print and in the PDF's text layer.
    """
    if isinstance(value, markupsafe.Markup):  # a macro's output, already escaped
        return markupsafe.Markup(unicodedata.normalize("NFC", value))
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def in_sentence(label: str) -> str:
    """A label ("The platform's TAKE IT DOWN Act request form") inside a sentence: its first
    letter lower-cased, every other letter as it is, and a first word in capitals
    ("NCMEC CyberTipline") kept whole."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ROOT / "letters"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=_composed,
    # Blocks keep their newlines: HTML folds them into the spaces between sentences.
)
_env.filters["in_sentence"] = in_sentence


def _mailto(address: str) -> str:
    """A mailto: address for a letter's link: the address percent-encoded, all but its @."""
    return "mailto:" + quote(address, safe="@")


_env.filters["mailto"] = _mailto


@dataclass(frozen=True, slots=True)
class LetterOption:
    """One letter a case can have, with the title and file name to offer it under."""

    kind: str
    platform: str | None
    title: str
    filename: str


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter made for a case: its file name, title and PDF."""

    filename: str
    title: str
    pdf: bytes


class LetterUnavailable(FieldProblems):
    """Raised when a letter cannot be made for this case; ``errors`` says why."""


class TooLong(LetterUnavailable):
    """The letter would take more than letterwork.MAX_WORK to lay out: refused before it
    starts (about 5 CPU-seconds), saying how to make it shorter."""

    def __init__(self, units: int):
        super().__init__([FieldError("case", (
            f"This letter would be about {units} pages, too long to make at once. Shorten the "
            "longest descriptions and links, or split the places across two cases (save this "
            "case file first)"))])
        self.units = units


# --- which letters ---------------------------------------------------------------


def _kind(slug: str) -> LetterKind:
    kind = letterkinds.get(slug)
    if kind is None:
        raise ValueError(f"unknown letter kind {slug!r}; expected one of {', '.join(KINDS)}")
    return kind


def filename(kind: str, case: Case, slug: str | None = None) -> str:
    """The one file name a letter has, on the web, in the API and from the command line."""
    return letterkinds.file_name(_kind(kind), case.reference, slug)


def _option(kind: LetterKind, case: Case, slug: str | None = None) -> LetterOption:
    return LetterOption(kind.slug, slug, kind.title(case, slug),
                        letterkinds.file_name(kind, case.reference, slug))


def available_letters(case: Case) -> list[LetterOption]:
    """Return the letters this case can have, in the order to send them."""
    options = []
    for kind in letterkinds.KINDS:
        if kind.on_plan and kind.who.allows(case) and kind.on_plan(case):
            slugs = kind.platforms(case) if kind.takes_platform else [None]
            options += [_option(kind, case, slug) for slug in slugs]
    return options


def missing_fields(case: Case, kind: str) -> list[FieldError]:
    """Return what the case lacks for this kind of letter (empty when it can be made)."""
    return letterkinds.needs(_kind(kind), case)


def _check(kind: LetterKind, case: Case, platform: str | None, now: datetime) -> None:
    errors = letterkinds.needs(kind, case)
    if kind.problems is not None:
        errors += kind.problems(case, platform, now)
    elif platform is not None:
        errors.append(FieldError(
            "platform", f"is only for platform letters, not a {kind.slug} letter"))
    if not kind.who.allows(case):
        errors.append(FieldError(kind.who.field, f"the {kind.slug} letter is {kind.who.words}"))
    if errors:
        raise LetterUnavailable(errors)


# --- rendering -----------------------------------------------------------------------


def _letter(kind: LetterKind, draft: Draft) -> dict:
    """One letter's own context: its kind, its title and what its content function gives."""
    return {"kind": kind.slug, "title": kind.title(draft.case, draft.platform),
            "fake_laws": fake_laws(draft.case), **kind.content(draft)}


def _pack_letters(case: Case, today: date, now: datetime) -> list[dict]:
    """Every letter the pack holds, in the order of the kinds."""
    return [_letter(kind, Draft(case, slug, today, now))
            for kind in letterkinds.KINDS if kind.in_pack and kind.who.allows(case)
            for slug in kind.in_pack(case, now)]


def _now_of(today: date, now: datetime | None) -> datetime:
    """The moment a letter is written: ``now`` when given, else noon UTC on ``today``."""
    return now if now is not None else datetime.combine(today, time(12), UTC)


def _context(kind: LetterKind, case: Case, platform: str | None, today: date, now: datetime,
             letterhead: bool) -> dict:
    """Check the case can have this letter, then gather everything its template needs."""
    _check(kind, case, platform, now)
    context = base_context(case, today)
    context["letterhead"] = letterhead
    if kind.pack:
        context["letters"] = _pack_letters(case, today, now)
        context["sections"] = list(make_plan(case).sections)
    else:
        context["letters"] = [_letter(kind, Draft(case, platform, today, now))]
        context["letter"] = context["letters"][0]
    if kind.log_rows is not None:  # it prints the incident log: one platform's, for a record
        context.update(_log(case, now, None if kind.pack else platform))
        context["log_rows"] = kind.log_rows
    context["title"] = f"{kind.title(case, platform)} – {case.reference}"
    return context


def render_html(kind: str, case: Case, platform: str | None = None,
                today: date | None = None, now: datetime | None = None,
                letterhead: bool = False) -> str:
    """Return the letter as an HTML document; raise LetterUnavailable if it cannot be made.

    ``today`` is the date the letter is written on; it is required (letters have no clock).
    ``now`` (aware) is the moment, for letters that count the hours since a report.
    ``letterhead`` leaves room at the top of the first page for an organisation's paper.
    """
    if today is None:
        raise TypeError("render_html() needs today: the date the letter is written on")
    letter = _kind(kind)
    if letter.pack:
        return _pack(case, today, letterhead, now).whole()
    context = _context(letter, case, platform, today, _now_of(today, now), letterhead)
    return _env.get_template(letter.template).render(context)


def _log(case: Case, now: datetime, slug: str | None) -> dict:
    """The incident log's reports (one platform's when slug is given), at most MAX_ROWS."""
    entries, left_out = letterwork.capped(
        followups.log_entries(case, now, deadlines.moment_words(case), slug))
    return {"log_entries": entries, "log_left_out": left_out, "log_whole_case": slug is None}


@dataclass(frozen=True, slots=True)
class _Pack:
    """The pack as laid out: its context (the letters it holds, those left out) and parts."""

    context: dict
    parts: list[tuple[str, str]]

    def whole(self) -> str:
        """The pack as one HTML document (for its text version)."""
        return _env.get_template(_kind("pack").template).render(self.context)


def _pack(case: Case, today: date, letterhead: bool, now: datetime | None) -> _Pack:
    """Lay the pack out: the cover and plan, each letter that fits, then the log.

    Letters are taken in order while the whole stays within letterwork.MAX_WORK; one that
    would take it past is left out (a later, shorter one may still fit), and the cover names
    each left out and says to download it on its own.
    """
    pack = _kind("pack")
    context = _context(pack, case, None, today, _now_of(today, now), letterhead)
    template = _env.get_template(pack.template)
    every = context["letters"]

    def render(part: str, title: str, **more) -> tuple[str, str]:
        return template.render(context, part=part, title=title, **more), title

    letter_parts = [render("letter", f"{letter['title']} – {case.reference}",
                           part_letters=[letter]) for letter in every]
    log = render("log", f"Incident log – {case.reference}")
    front = render("front", context["title"], left_out=[], left_out_from_progress=False)
    # A line or two more on the cover when letters are left out: one unit of slack.
    budget = letterwork.MAX_WORK - letterwork.work(front[0]) - letterwork.work(log[0]) - 1
    held, left_out = [], []
    for letter, part in zip(every, letter_parts, strict=True):
        units = letterwork.work(part[0])
        if units <= budget:
            budget -= units
            held.append((letter, part))
        else:
            left_out.append(letter)
    context["letters"] = [letter for letter, _ in held]
    context["left_out"] = [letter["title"] for letter in left_out]
    context["left_out_from_progress"] = any(
        letterkinds.get(letter["kind"]).on_progress for letter in left_out)
    front = render("front", context["title"])
    return _Pack(context, [front, *(part for _, part in held), log])


def pack_parts(case: Case, today: date, letterhead: bool = False,
               now: datetime | None = None) -> list[tuple[str, str]]:
    """Return the pack as (HTML, title) parts to render on their own and join, in order.

    The cover and plan come first (titled as the pack), then each letter that fits within
    letterwork.MAX_WORK, then the log, so each letter is numbered on its own when taken out
    of the pack.
    """
    return _pack(case, today, letterhead, now).parts


def render_pdf(kind: str, case: Case, platform: str | None = None,
               today: date | None = None, now: datetime | None = None,
               letterhead: bool = False) -> bytes:
    """Return the letter as PDF bytes; raise LetterUnavailable if it cannot be made."""
    return make(kind, case, platform, today, now, letterhead).pdf


def _known(kind: str) -> LetterKind:
    """The kind asked for, or LetterUnavailable naming the kinds there are."""
    if kind not in KINDS:
        raise LetterUnavailable([FieldError(
            "kind", f"must be one of: {', '.join(KINDS)}")])
    return letterkinds.get(kind)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A letter laid out as HTML and ready to render: its parts (a pack has several, joined
    after), and what laying them out will cost, in letterwork units of about a page."""

    kind: str
    filename: str
    title: str
    parts: tuple[tuple[str, str], ...]
    work: int


def prepare(kind: str, case: Case, platform: str | None = None,
            today: date | None = None, now: datetime | None = None,
            letterhead: bool = False) -> Prepared:
    """Lay one letter out as HTML; raise LetterUnavailable saying why it cannot be made, or
    TooLong if laying it out would pass letterwork.MAX_WORK (about 5 CPU-seconds)."""
    letter = _known(kind)
    if today is None:
        raise TypeError("prepare() needs today: the date the letter is written on")
    if letter.pack:
        parts = pack_parts(case, today, letterhead, now)
    else:
        html = render_html(kind, case, platform, today, now, letterhead)  # checks the case first
        parts = [(html, f"{letter.title(case, platform)} – {case.reference}")]
    units = sum(letterwork.work(html) for html, _ in parts)
    if units > letterwork.MAX_WORK:
        raise TooLong(units)
    return Prepared(kind, filename(kind, case, platform), letter.title(case, platform),
                    tuple(parts), units)


def render(prepared: Prepared) -> Letter:
    """Render a prepared letter to PDF: a pack's parts one after another, then joined."""
    from takedown import pdf  # WeasyPrint loads only when a letter is made

    if _kind(prepared.kind).pack:
        made = pdf.join(pdf.render_parts(list(prepared.parts)))
    else:
        made = pdf.html_to_pdf(*prepared.parts[0])
    return Letter(prepared.filename, prepared.title, made)


def make(kind: str, case: Case, platform: str | None = None,
         today: date | None = None, now: datetime | None = None,
         letterhead: bool = False) -> Letter:
    """Make one letter for a case; raise LetterUnavailable saying why it cannot be made.

    The one path to a letter: the web, the API and the command line all call it.
    """
    return render(prepare(kind, case, platform, today, now, letterhead))


@dataclass(frozen=True, slots=True)
class LetterText:
    """A letter as plain text, to paste into an email or a web form."""

    filename: str
    title: str
    subject: str
    text: str
    # The platform's published report address for this case's region, if the directory has
    # one: for a mailto: link carrying only it and the subject.
    email: str | None = None


def make_text(kind: str, case: Case, platform: str | None = None,
              today: date | None = None, now: datetime | None = None) -> LetterText:
    """Make one letter as plain text from the same HTML as its PDF; raise LetterUnavailable."""
    from takedown import lettertext

    letter = _known(kind)
    html = render_html(kind, case, platform, today, now)
    units = letterwork.work(html)
    if units > letterwork.MAX_WORK:
        raise TooLong(units)
    converted = lettertext.to_text(html)
    title = letter.title(case, platform)
    entry = platforms.get(platform) if platform and letter.emailed else None
    address = entry.email_for(case.jurisdiction) if entry else None
    return LetterText(filename(kind, case, platform).removesuffix(".pdf") + ".txt", title,
                      converted.subject, converted.text, address.address if address else None)



# A made-up case that uses every part of the letters (five places on three
# platforms, accented, Greek and Cyrillic names), for warming a worker up.
_WARM_UP_CASE = {
    "schema": "takedown-case/1", "reference": "TD-2222-2222",
    "jurisdiction": next(iter(jurisdictions.JURISDICTIONS)),
    "requester": {"role": "parent", "name": "Zoë Ελένη Жанна Example", "email": "a@example.com"},
    "person": {"age": 15, "school": "Example School"},
    "concerns": {"shared_at_school": True},
    "locations": [{"url": f"https://example.com/{i}", "platform": slug, "account": "@example",
                   "description": "Example", "first_seen": "2026-01-01"}
                  for i, slug in enumerate(("instagram", "snapchat", "tiktok", "instagram",
                                            "other"))],
}


def warm_up() -> None:
    """Render a full pack once, so a new worker is at its working size before it serves.

    gunicorn calls this as each worker starts: WeasyPrint's import, the font set-up
    and the caches it fills while laying out text (about 55 MB) are then in place,
    the first real letter is not slower than the rest, and memory stays flat after.
    """
    render_pdf("pack", parse_case(_WARM_UP_CASE), None, date(2026, 1, 2))
