"""The laws a letter may cite, read from ``data/law.toml``.

A letter cites only what this file holds, so every citation carries the
address it was checked against. Entries are chosen by the case's
jurisdiction, the age of the person in the image and where the platform is
based. A few laws shape the wording of a letter (a 48-hour deadline, a
report to NCMEC); they are marked by ``topic``. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from takedown import datafile, jurisdictions
from takedown.datafile import Entry, Source

DATA_FILE = Path(__file__).parent / "data" / "law.toml"

# What a law makes a letter say: the ``topic`` of each [[law]]. "plain" is cited in
# the annex only; every other topic is looked for by name in the letter templates.
TOPICS = (
    "child-offence",      # an offence of making, sharing or showing indecent images of a child
    "child-possession",   # an offence of having an indecent image of a child
    "intimate-offence",   # an offence of sharing an intimate image without consent
    "minor-defined",      # the US definition of a minor
    "take-it-down",       # the US removal request answered within 48 hours
    "ncmec-report",       # a US provider's duty to report to the NCMEC CyberTipline
    "dsa-art-16",         # the EU notice a hosting service must act on
    "eu-child-offence",   # the EU rule behind Member States' child sexual abuse image offences
    "eu-out-of-court",    # the EU out-of-court dispute settlement for online platforms' decisions
    "uk-48-hours",        # the UK 48-hour duty for intimate image reports
    "uk-nca-report",      # a UK provider's duty to report to the National Crime Agency
    "uk-take-down",       # the UK duty to take illegal content down swiftly
    "uk-reporting",       # the UK duties to let people report and complain
    "uk-priority",        # UK priority illegal content
    "au-removal-notice",  # an eSafety removal notice to the provider, for an intimate image
    "au-class-1-notice",  # an eSafety removal notice to the provider, for class 1 material
    "au-end-user-notice",  # an eSafety removal notice to the person who posted it: never
                          # cited to a provider
    "au-objection",       # a complaint or objection notice to the eSafety Commissioner
    "fake-image",         # the words that cover an image made or altered to look real (a
                          # pseudo-photograph, a digital forgery): cited only for a fake image
    "plain",
)
# applies_to: whose image the law protects.
APPLIES_TO = {"under-18": frozenset({"child"}), "adult": frozenset({"adult"}),
              "both": frozenset({"child", "adult"})}
# Laws about a notice to someone other than the provider: never cited in a letter to one.
NOT_FOR_PROVIDERS = ("au-end-user-notice",)
# Laws about what follows a refusal: cited in the next-step letters, not in a first request.
AFTER_A_REFUSAL = ("eu-out-of-court",)
# Where in a platform letter an element of a notice can be found: the `where` of
# each element in law.toml is one of these keys (letters.py names the sections).
ELEMENT_PLACES = ("who", "location", "reasons", "good-faith", "sender", "signature")

# The law file's errors are the data files' errors (the name is kept for callers).
LawFileError = datafile.DataFileError


@dataclass(frozen=True, slots=True)
class Element:
    """One element a valid notice must contain, word for word, and where a letter meets it."""

    text: str
    where: str


@dataclass(frozen=True, slots=True)
class Law:
    """One law, with where it was checked."""

    slug: str
    jurisdictions: tuple[str, ...]
    audiences: frozenset[str]
    citation: str
    summary: str
    source: str
    last_checked: date
    source_kind: str
    topic: str = "plain"
    elements: tuple[Element, ...] = ()
    in_force: date | None = None
    plan_note: str | None = None
    # The sentence a letter prints for this law, where no topic's wording fits it (a place's
    # own offence, worded as its statute is).
    letter_says: str | None = None
    # A topic whose own sentence this law's letter_says already says, with the same section
    # (a fake's "shows, or appears to show"): a letter citing this one prints only this.
    in_place_of: str | None = None
    read: Source | None = None  # where it was read: the copy, its date, and why if secondary

    def applies(self, jurisdiction: str, under_18: bool) -> bool:
        return jurisdiction in self.jurisdictions and (
            "child" if under_18 else "adult") in self.audiences


def _law(reader: Entry, slug: str) -> Law:
    source = reader.source()
    return Law(
        slug=slug,
        jurisdictions=reader.choices("jurisdictions", tuple(jurisdictions.names())),
        audiences=APPLIES_TO[reader.choice("applies_to", tuple(APPLIES_TO))],
        citation=reader.text("citation"),
        summary=reader.text("summary"),
        source=source.url,
        last_checked=source.last_checked,
        source_kind=source.kind,
        topic=reader.choice("topic", TOPICS),
        elements=tuple(Element(item.text("text"), item.choice("where", ELEMENT_PLACES))
                       for item in reader.tables("elements")),
        in_force=reader.date("in_force", required=False),
        plan_note=reader.text("plan_note", required=False),
        letter_says=reader.text("letter_says", required=False),
        in_place_of=reader.choice("in_place_of", TOPICS, required=False),
        read=source,
    )


def parse_laws(text: str, today: date | None = None) -> tuple[Law, ...]:
    """Parse law TOML; raise LawFileError naming what is wrong."""
    found = datafile.entries(text, "law", "the law file", today)
    return tuple(datafile.by_slug(found, "law", _law).values())


@cache
def all_laws() -> tuple[Law, ...]:
    """Return every law in the file, in file order; none if the file is absent."""
    if not DATA_FILE.exists():
        return ()
    return parse_laws(DATA_FILE.read_text(encoding="utf-8"))


def laws_for(jurisdiction: str, under_18: bool, provider_country: str | None = None,
             on: date | None = None, to_provider: bool = False,
             fake: bool = False) -> list[Law]:
    """Return the laws a letter may cite: the family's own first, each group in file order.

    Those of the case's jurisdiction for the person's age, then, when the platform is
    based in another jurisdiction that declares duties on providers (its
    ``provider_law_topics``), those duties, as an addition. A law not yet in force on
    ``on`` is left out; so, in a letter to a provider (``to_provider``), is a law about a
    notice to someone else (NOT_FOR_PROVIDERS). The law on images made or altered to look
    real (topic "fake-image") is cited only where the case says the image is fake (``fake``),
    and then always.
    """
    extra = jurisdictions.get(provider_country).provider_law_topics if (
        provider_country and provider_country != jurisdiction) else ()
    own, added = [], []
    for item in all_laws():
        if (on and item.in_force and item.in_force > on) or (
                to_provider and item.topic in NOT_FOR_PROVIDERS) or (
                item.topic == "fake-image" and not fake):
            continue
        if item.applies(jurisdiction, under_18):
            own.append(item)
        elif item.topic in extra and item.applies(provider_country, under_18):
            added.append(item)
    return own + added
