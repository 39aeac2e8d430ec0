"""Letters: which ones a case needs, and rendering them to HTML and PDF.

A letter is built from the case alone through this module's own strict,
autoescaping Jinja environment on ``letters/``; no Flask request is involved.
Everything the user typed reaches a template as plain data and is escaped.
Legal citations come only from ``data/law.toml`` (see ``takedown.law``).

Which letters a case gets (``available_letters``):

* one platform letter per platform in the case. Places on unknown websites
  ("other") go in the IWF record when the person is under 18, because an
  unknown site may be run by the people sharing the image; for an adult there
  is no IWF route, so they get a letter to the website's owner or host;
* a letter to the school when the person is under 18. When the sender is
  school staff it becomes a record for the designated safeguarding lead and
  the safeguarding file: the UKCIS advice asks any member of staff to refer
  an incident to the DSL, whether or not the image spread at school, so this
  matches the action plan's letter options;
* the IWF record when the person is under 18;
* the pack.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

from takedown import deadlines, followups, jurisdictions, law, platforms, services
from takedown.case import (
    ROLES,
    Case,
    FieldError,
    FieldProblems,
    missing_for_letters,
    parse_case,
)
from takedown.plan import make_plan

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("platform", "school", "iwf", "pack")
# Letters made from the report log (takedown/followups.py): kinds that take a platform,
# and the record of every report.
LOG_KINDS = ("follow-up", "escalation", "record")
# Letters to a platform, which its published report address can take.
EMAILED_KINDS = ("platform", "follow-up")
KINDS = KINDS + LOG_KINDS

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


def _platform_letter_slugs(case: Case) -> list[str]:
    """Platforms a letter can work for: a place there has a link, an account or other detail."""
    return [slug for slug in case.platform_slugs
            if (slug != "other" or not case.person.under_18)
            and any(place.url or place.account or place.description
                    for place in case.locations_on(slug))]


def iwf_can_assess(case: Case) -> bool:
    """The IWF assesses links to public pages: not places with no link, nor private chats."""
    return any(place.url and place.platform_entry.kind != "messaging" for place in case.locations)


def _title(kind: str, case: Case, slug: str | None = None) -> str:
    if kind in LOG_KINDS:
        return followups.title(kind, case, slug)
    if kind == "platform":
        if slug == "other":
            return "Letter to the owner of another website"
        return f"Letter to {platforms.get(slug).name}"
    if kind == "school":
        if case.requester.role == "school":
            return "Record for the school's safeguarding file"
        return "Letter to the school"
    if kind == "iwf":
        return "Record for the Internet Watch Foundation"
    return "Takedown pack"


def filename(kind: str, case: Case, slug: str | None = None) -> str:
    """The one file name a letter has, on the web, in the API and from the command line."""
    if kind in LOG_KINDS:
        return f"takedown-{case.reference}-{slug + '-' if slug else ''}{kind}.pdf"
    return f"takedown-{case.reference}-{slug or kind}.pdf"


def _option(kind: str, case: Case, slug: str | None = None) -> LetterOption:
    return LetterOption(kind, slug, _title(kind, case, slug), filename(kind, case, slug))


def available_letters(case: Case) -> list[LetterOption]:
    """Return the letters this case can have, in the order to send them."""
    options = [_option("platform", case, slug) for slug in _platform_letter_slugs(case)]
    if case.person.under_18:
        options.append(_option("school", case))
        if iwf_can_assess(case):
            options.append(_option("iwf", case))
    options.append(_option("pack", case))
    return options


def missing_fields(case: Case, kind: str) -> list[FieldError]:
    """Return what the case lacks for this kind of letter (empty when it can be made).

    Platform letters and the pack are signed and need a way to reply. The school
    letter is often handed over in person, so it needs only the sender's name.
    The IWF takes anonymous reports, so its record needs nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind in ("platform", "pack", "follow-up", "escalation"):
        return missing_for_letters(case)
    if kind == "school" and not case.requester.name:
        return [FieldError("requester.name", "Enter your name: the school needs to know who wrote")]
    return []


def _check(kind: str, case: Case, platform: str | None, now: datetime | None = None) -> None:
    errors = missing_fields(case, kind)
    if kind in LOG_KINDS:
        errors += followups.problems(kind, case, platform, now)
    elif kind == "platform":
        if platform is None:
            errors.append(FieldError("platform", "Choose which platform the letter is for"))
        elif platforms.get(platform) is None:
            errors.append(FieldError("platform", "is not a platform we list"))
        elif platform not in _platform_letter_slugs(case):
            if platform not in case.platform_slugs:
                message = "is not one of the places in this case"
            elif platform == "other" and case.person.under_18:
                message = ("Places on other websites go in the record for the Internet Watch "
                           "Foundation")
            else:
                message = ("needs a link, an account name or a description of the place first, "
                           "so the platform can find it")
            errors.append(FieldError("platform", message))
    elif platform is not None:
        errors.append(FieldError("platform", f"is only for platform letters, not a {kind} letter"))
    if kind in ("school", "iwf") and not case.person.under_18:
        errors.append(FieldError("person.under_18",
                                 f"the {kind} letter is only for a person under 18"))
    if errors:
        raise LetterUnavailable(errors)


# --- what goes in a letter -----------------------------------------------------------

# The section of a platform letter that meets each element a law asks for, by the
# `where` key law.toml gives the element (see law.ELEMENT_PLACES).
ELEMENT_SECTIONS = {
    "who": "Section 1, who is writing",
    "location": "Section 2, where the image is",
    "reasons": "Sections 1 and 3: what the image is and the law",
    "good-faith": "Section 6, the statement of good faith",
    "sender": "Section 6, the sender's details",
    "signature": "The signature at the end of this letter",
}


@dataclass(frozen=True, slots=True)
class _Laws:
    """The laws one letter cites, grouped by the wording they trigger."""

    all: tuple[law.Law, ...]

    def topic(self, *topics: str) -> list[law.Law]:
        return [item for item in self.all if item.topic in topics]

    def cites(self, *topics: str) -> str:
        """Return the citations of these topics as one phrase ("A, B and C")."""
        return _and(_merge_sections([_cite(item.citation) for item in self.topic(*topics)]))

    def has(self, *topics: str) -> bool:
        return bool(self.topic(*topics))

    def cites_after(self, topic: str, before: str) -> str:
        """Cite ``topic`` where the laws of ``before`` were just cited: "section 109" when both
        are sections of one Act, else the full citation."""
        said = {_SECTION.match(_cite(item.citation))["act"] for item in self.topic(before)
                if _SECTION.match(_cite(item.citation))}
        phrases = []
        for item in self.topic(topic):
            match = _SECTION.match(_cite(item.citation))
            phrases.append(f"section {match['number']}" if match and match["act"] in said
                           else _cite(item.citation))
        return _and(phrases)

    def with_elements(self) -> list[dict]:
        return [
            {"law": item,
             "rows": [(element.text, ELEMENT_SECTIONS[element.where]) for element in item.elements]}
            for item in self.all if item.elements
        ]


def _cite(citation: str) -> str:
    """Return a citation ready for "under ...": "the TAKE IT DOWN Act", "18 U.S.C. § 2258A"."""
    first = citation.split()[0]
    return f"the {citation}" if len(first) > 1 and first.isupper() and first.isalpha() else citation


_SECTION = re.compile(r"^(?P<act>.+), section (?P<number>[^,()]+)$")


def _merge_sections(citations: list[str]) -> list[str]:
    """Cite each Act once: "OSA 2023, section 20" and "section 21" -> "sections 20 and 21".

    A citation without a section number is kept as it is.
    """
    groups: dict[str, list[str]] = {}  # citation or Act -> its section numbers, in first-seen order
    for citation in citations:
        match = _SECTION.match(citation)
        if match:
            groups.setdefault(match["act"], []).append(match["number"])
        else:
            groups.setdefault(citation, [])
    return [
        head if not numbers else f"{head}, section {numbers[0]}" if len(numbers) == 1
        else f"{head}, sections {_and(numbers)}"
        for head, numbers in groups.items()
    ]


def _and(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _recipient(case: Case, platform: platforms.Platform) -> dict:
    """Who a platform letter is addressed to: the company its terms name for the family's region.

    Never another region's company: where none is named for them, the trust and safety team,
    with no company name (the letter's note says so).
    """
    if platform.slug == "other":
        return {"name": "The owner or host of the website", "address": None, "known": True}
    entity = platform.entity_for(case.jurisdiction)
    if entity is None:
        return {"name": f"{platform.name} — trust and safety team", "address": None,
                "known": False}
    return {"name": entity.name, "address": entity.address, "known": True}


def _base_context(case: Case, today: date) -> dict:
    where = jurisdictions.get(case.jurisdiction)
    style = where.letters
    role_label = ROLES[case.requester.role]
    if case.requester.role == "parent":
        role_label = style.parent.capitalize()
    return {
        "case": case,
        "reference": case.reference,
        "today": style.long_date(today),
        "paper": style.paper,
        "lang": style.lang,
        "words": style,
        "under_18": case.person.under_18,
        "jurisdiction_name": where.name,
        "the_place": where.the_name,
        "in_uk": case.in_uk,
        "role": case.requester.role,
        "role_label": role_label,
        "sender": case.requester,
        "long_date": lambda value: style.long_date(value) if value else None,
    }


def _legal_order(case: Case) -> list[str]:
    """The blocks of law a platform letter holds (letters/_legal/<group>.html, one for each
    jurisdictions' group that has one): the family's own first, then the others, which cite
    only laws on providers, as additions."""
    own = jurisdictions.get(case.jurisdiction).group
    blocks = [group for group in jurisdictions.groups()
              if (ROOT / "letters" / "_legal" / f"{group}.html").exists()]
    first = [own] if own in blocks else []
    return first + [group for group in blocks if group != own]


def _platform_context(case: Case, slug: str, today: date) -> dict:
    platform = platforms.get(slug)
    provider_country = "us" if platform.us_based else None
    chosen = law.laws_for(case.jurisdiction, case.person.under_18, provider_country, today,
                          to_provider=True, fake=case.concerns.fake)
    chosen = [item for item in chosen if item.topic not in law.AFTER_A_REFUSAL]
    if platform.dsa_notice == "none":  # a private messaging service or a search engine
        chosen = [item for item in chosen if item.topic != "dsa-art-16"]
    region = platforms.region_of(case.jurisdiction)
    return {
        "kind": "platform",
        "title": _title("platform", case, slug),
        "platform": platform,
        "platform_name": "the website" if slug == "other" else platform.name,
        "recipient": _recipient(case, platform),
        "places": case.locations_on(slug),
        "laws": _Laws(tuple(chosen)),
        "us_based": platform.us_based,
        "region": region,
        "legal_order": _legal_order(case),
        "dsa_notice": platform.dsa_notice,
    }


def _iwf_context(case: Case) -> dict:
    iwf = services.get("iwf")
    tried = [{"name": platforms.get(slug).name, "slug": slug}
             for slug in case.platform_slugs if slug != "other"]
    return {"kind": "iwf", "title": _title("iwf", case), "places": list(case.locations),
            "tried": tried, "iwf_url": iwf.url if iwf else None,
            "iwf_anonymous": bool(iwf and iwf.anonymous)}


def _school_guidance(case: Case) -> dict:
    """The advice a school letter asks the school to follow: the declaration's guidance for
    schools there, and a note where the letter cites another nation's."""
    school = jurisdictions.get(case.jurisdiction).school
    slug = school.guidance or school.letter_guidance
    guidance = services.get(slug) if slug else None
    if guidance is None:
        return {"name": None, "publisher": None, "note": None}
    note = None if school.guidance else school.letter_guidance_note
    return {"name": guidance.title, "publisher": guidance.publisher, "note": note}


def _school_context(case: Case) -> dict:
    names = [platforms.get(slug).name if slug != "other" else "other websites"
             for slug in case.platform_slugs]
    school = case.school
    return {"kind": "school", "title": _title("school", case), "school": school,
            "school_name": (school.name if school and school.name else case.person.school),
            "places": list(case.locations), "platform_names": _and(names),
            "guidance": _school_guidance(case)}


def _letter_contexts(kind: str, case: Case, platform: str | None, today: date,
                     now: datetime | None = None) -> list[dict]:
    if kind in LOG_KINDS:
        letter = followups.context(kind, case, platform, now, deadlines.moment_words(case))
        if platform is not None:
            letter["recipient"] = _recipient(case, platforms.get(platform))
        return [letter]
    if kind == "platform":
        return [_platform_context(case, platform, today)]
    if kind == "school":
        return [_school_context(case)]
    if kind == "iwf":
        return [_iwf_context(case)]
    letters = [_platform_context(case, slug, today) for slug in _platform_letter_slugs(case)]
    if case.person.under_18:
        letters += [_school_context(case), _iwf_context(case)]
    for slug in deadlines.due_follow_ups(case, now):
        if not followups.problems("follow-up", case, slug, now):
            letters += _letter_contexts("follow-up", case, slug, today, now)
    return letters


def _now_of(today: date, now: datetime | None) -> datetime:
    """The moment a letter is written: ``now`` when given, else noon UTC on ``today``."""
    return now if now is not None else datetime.combine(today, time(12), UTC)


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
    now = _now_of(today, now)
    _check(kind, case, platform, now)
    context = _base_context(case, today)
    context["letterhead"] = letterhead
    context["letters"] = _letter_contexts(kind, case, platform, today, now)
    context["log_entries"] = followups.log_entries(case, now, deadlines.moment_words(case))
    context["title"] = f"{_title(kind, case, platform)} – {case.reference}"
    if kind == "pack":
        context["sections"] = list(make_plan(case).sections)
        context["log_rows"] = 12
        template = _env.get_template("pack.html")
    elif kind == "record":
        context["letter"] = context["letters"][0]
        context["log_rows"] = 8
        template = _env.get_template("record.html")
    else:
        context["letter"] = context["letters"][0]
        template = _env.get_template(f"{kind}.html")
    return template.render(context)


def pack_parts(case: Case, today: date, letterhead: bool = False,
               now: datetime | None = None) -> list[tuple[str, str]]:
    """Return the pack as (HTML, title) parts to render on their own and join, in order.

    The cover and plan come first (titled as the pack), then each letter, then the
    log, so each letter is numbered on its own when taken out of the pack.
    """
    now = _now_of(today, now)
    _check("pack", case, None, now)
    context = _base_context(case, today)
    context["letterhead"] = letterhead
    context["letters"] = _letter_contexts("pack", case, None, today, now)
    context["log_entries"] = followups.log_entries(case, now, deadlines.moment_words(case))
    context["sections"] = list(make_plan(case).sections)
    context["log_rows"] = 12
    template = _env.get_template("pack.html")
    parts = [("front", None, f"{_title('pack', case)} – {case.reference}")]
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


def make(kind: str, case: Case, platform: str | None = None,
         today: date | None = None, now: datetime | None = None,
         letterhead: bool = False) -> Letter:
    """Make one letter for a case; raise LetterUnavailable saying why it cannot be made.

    The one path to a letter: the web, the API and the command line all call it.
    The pack is its parts rendered one after another and joined (``pdf.join``).
    """
    from takedown import pdf  # WeasyPrint loads only when a letter is made

    if kind not in KINDS:
        raise LetterUnavailable([FieldError(
            "kind", f"must be one of: {', '.join(KINDS)}")])
    if kind == "pack":
        if today is None:
            raise TypeError("make() needs today: the date the letter is written on")
        made = pdf.join(pdf.render_parts(pack_parts(case, today, letterhead, now)))
    else:
        html = render_html(kind, case, platform, today, now, letterhead)  # checks the case first
        made = pdf.html_to_pdf(html, f"{_title(kind, case, platform)} – {case.reference}")
    return Letter(filename(kind, case, platform), _title(kind, case, platform), made)


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

    if kind not in KINDS:
        raise LetterUnavailable([FieldError(
            "kind", f"must be one of: {', '.join(KINDS)}")])
    converted = lettertext.to_text(render_html(kind, case, platform, today, now))
    title = _title(kind, case, platform)
    entry = platforms.get(platform) if platform and kind in EMAILED_KINDS else None
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
