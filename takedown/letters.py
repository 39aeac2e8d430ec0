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

from takedown import deadlines, followups, letterkinds, platforms
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
    context["log_entries"] = followups.log_entries(case, now, deadlines.moment_words(case))
    if kind.log_rows is not None:
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
    context = _context(letter, case, platform, today, _now_of(today, now), letterhead)
    return _env.get_template(letter.template).render(context)


def pack_parts(case: Case, today: date, letterhead: bool = False,
               now: datetime | None = None) -> list[tuple[str, str]]:
    """Return the pack as (HTML, title) parts to render on their own and join, in order.

    The cover and plan come first (titled as the pack), then each letter, then the
    log, so each letter is numbered on its own when taken out of the pack.
    """
    pack = _kind("pack")
    context = _context(pack, case, None, today, _now_of(today, now), letterhead)
    template = _env.get_template(pack.template)
    parts = [("front", None, context["title"])]
    parts += [("letter", letter, f"{letter['title']} – {case.reference}")
              for letter in context["letters"]]
    parts.append(("log", None, f"Incident log – {case.reference}"))
    return [(template.render(context, part=part, part_letters=[letter] if letter else [],
                             title=title), title)
            for part, letter, title in parts]


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


def make(kind: str, case: Case, platform: str | None = None,
         today: date | None = None, now: datetime | None = None,
         letterhead: bool = False) -> Letter:
    """Make one letter for a case; raise LetterUnavailable saying why it cannot be made.

    The one path to a letter: the web, the API and the command line all call it.
    The pack is its parts rendered one after another and joined (``pdf.join``).
    """
    from takedown import pdf  # WeasyPrint loads only when a letter is made

    letter = _known(kind)
    if letter.pack:
        if today is None:
            raise TypeError("make() needs today: the date the letter is written on")
        made = pdf.join(pdf.render_parts(pack_parts(case, today, letterhead, now)))
    else:
        html = render_html(kind, case, platform, today, now, letterhead)  # checks the case first
        made = pdf.html_to_pdf(html, f"{letter.title(case, platform)} – {case.reference}")
    return Letter(filename(kind, case, platform), letter.title(case, platform), made)


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
    converted = lettertext.to_text(render_html(kind, case, platform, today, now))
    title = letter.title(case, platform)
    entry = platforms.get(platform) if platform and letter.emailed else None
    address = entry.email_for(case.jurisdiction) if entry else None
    return LetterText(filename(kind, case, platform).removesuffix(".pdf") + ".txt", title,
                      converted.subject, converted.text, address.address if address else None)



# A made-up case that uses every part of the letters (five places on three
# platforms, accented, Greek and Cyrillic names), for warming a worker up.
_WARM_UP_CASE = {
    "schema": "takedown-case/1", "reference": "TD-2222-2222", "jurisdiction": "england",
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
