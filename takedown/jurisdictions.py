"""Where a family can be: each jurisdiction's declaration, from ``data/jurisdictions.toml``.

One table per jurisdiction holds everything its being there implies: its names, its
emergency number (a service), the platforms' regions meant for it, the next step after a
refusal, the guidance its schools follow, the time zones offered and the conventions of its
letters. Every service it names must be in ``data/services.toml``; the reader refuses a
slug that is not, and a time zone Python does not know, naming the entry and field. This
is the one module that knows which places there are: the rest of the code asks it. No
Flask here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from takedown import datafile, services
from takedown.datafile import Entry

DATA_FILE = Path(__file__).parent / "data" / "jurisdictions.toml"
PAPERS = ("a4", "letter")
DATE_STYLES = ("day-month-year", "month-day-year")
# The words a letter writes as its jurisdiction does (conventions in [jurisdiction.letters]).
LETTER_WORDS = ("authorised", "parent", "parents", "sign_off", "sign_off_named")


@dataclass(frozen=True, slots=True)
class Escalation:
    """The next step after a refusal or no answer: its letter's route and title.

    ``title_not_an_online_platform``: the title where the step differs for a service the
    directory does not declare an online platform (the EU's Article 20 binds those only).
    """

    route: str
    title: str
    title_not_an_online_platform: str | None = None


@dataclass(frozen=True, slots=True)
class School:
    """The guidance schools there follow (a service slug), or None where none is confirmed."""

    guidance: str | None
    letter_guidance: str | None
    letter_guidance_note: str | None
    fake_guidance: tuple[str, ...] = ()  # on images made with AI or edited (service slugs)


@dataclass(frozen=True, slots=True)
class LetterStyle:
    """How a letter is written there: language tag, paper, date style, words and sign-off."""

    lang: str
    paper: str
    date_style: str
    authorised: str      # its spelling: "authorised" / "authorized"
    parent: str          # "parent or carer" / "parent or guardian"
    parents: str         # the same as a heading: "Parents or carers"
    sign_off: str        # to a recipient not named: "Yours faithfully,"
    sign_off_named: str  # to a recipient named: "Yours sincerely,"

    @property
    def month_first(self) -> bool:
        """True where dates are written "December 2, 2026"."""
        return self.date_style == "month-day-year"

    def long_date(self, value: date) -> str:
        """A date as the letters write it: "2 December 2026" or "December 2, 2026"."""
        if self.date_style == "month-day-year":
            return f"{value:%B} {value.day}, {value.year}"
        return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """One place a family can be, with everything that being there implies."""

    slug: str
    name: str
    the_name: str
    group: str
    emergency: services.Service
    platform_serves: tuple[str, ...]
    escalation: Escalation
    school: School
    time_zones: tuple[str, ...]
    letters: LetterStyle

    @property
    def time_zone(self) -> str:
        """The zone a case's times are shown in unless another is chosen: the first offered."""
        return self.time_zones[0]


def _service(reader: Entry, field: str, required: bool = True) -> str | None:
    slug = reader.text(field, required)
    if slug is not None and services.get(slug) is None:
        reader.fail(field, f"names service {slug!r}, which is not in services.toml")
    return slug


def _service_list(reader: Entry, field: str) -> list[str]:
    slugs = list(reader.texts(field, required=False))
    for slug in slugs:
        if services.get(slug) is None:
            reader.fail(field, f"names service {slug!r}, which is not in services.toml")
    return slugs


def _zones(reader: Entry) -> tuple[str, ...]:
    zones = reader.texts("zones")
    for zone in zones:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            reader.fail("zones", f"names {zone!r}, which is not a time zone")
    return zones


def _convention(reader: Entry, field: str) -> Entry:
    """A sub-table of choices, not facts: it says ``convention = true``."""
    table = reader.optional_table(field)
    if table is None:
        reader.fail(field, "is missing")
    if table.flag("convention") is not True:
        table.fail("convention", "must be true: these are choices, not sourced facts")
    return table


def _jurisdiction(reader: Entry, slug: str) -> Jurisdiction:
    emergency = _service(reader, "emergency")
    if not services.get(emergency).phone:
        reader.fail("emergency", f"names service {emergency!r}, which has no phone number")
    escalation = reader.optional_table("escalation")
    if escalation is None:
        reader.fail("escalation", "is missing")
    school = reader.optional_table("school") or Entry({}, f"{reader.where} > school",
                                                       reader.today)
    letters = _convention(reader, "letters")
    return Jurisdiction(
        slug=slug,
        name=reader.text("name"),
        the_name=reader.text("the_name"),
        group=reader.text("group"),
        emergency=services.get(emergency),
        platform_serves=reader.texts("platform_serves"),
        escalation=Escalation(escalation.text("route"), escalation.text("title"),
                              escalation.text("title_not_an_online_platform", False)),
        school=School(_service(school, "guidance", False),
                      _service(school, "letter_guidance", False),
                      school.text("letter_guidance_note", False),
                      tuple(_service_list(school, "fake_guidance"))),
        time_zones=_zones(_convention(reader, "time_zones")),
        letters=LetterStyle(letters.text("lang"), letters.choice("paper", PAPERS),
                            letters.choice("date_style", DATE_STYLES),
                            *(letters.text(word) for word in LETTER_WORDS)),
    )


def parse_jurisdictions(text: str, today: date | None = None) -> dict[str, Jurisdiction]:
    """Parse and check jurisdictions TOML; raise DataFileError naming the entry and field."""
    found = datafile.entries(text, "jurisdiction", "jurisdictions.toml", today)
    parsed = datafile.by_slug(found, "jurisdiction", _jurisdiction)
    if not parsed:
        raise datafile.DataFileError("jurisdictions.toml declares no [[jurisdiction]]")
    return parsed


@cache
def _tables() -> tuple[dict, ...]:
    """The file's [[jurisdiction]] tables as plain TOML, for what is needed before services load."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(table for table in data.get("jurisdiction", []) if isinstance(table, dict))


@cache
def all_jurisdictions() -> dict[str, Jurisdiction]:
    """Every jurisdiction, keyed by slug, in the order the question lists them."""
    return parse_jurisdictions(DATA_FILE.read_text(encoding="utf-8"))


def get(slug: str) -> Jurisdiction:
    """The jurisdiction with this slug (a case's, already checked); KeyError if unknown."""
    return all_jurisdictions()[slug]


def names() -> dict[str, str]:
    """Slug to name, in the order the question lists them."""
    return {table["slug"]: table["name"] for table in _tables()}


def groups() -> tuple[str, ...]:
    """Every group a jurisdiction belongs to, once each: a service's regions name these."""
    return tuple(dict.fromkeys(table["group"] for table in _tables()))


def in_group(slug: str, group: str) -> bool:
    """True when the jurisdiction shares ``group``'s laws, services and platforms' regions."""
    return get(slug).group == group


# Slug to name, in the order the question lists them (the case's choice of where you are).
JURISDICTIONS = names()
# The jurisdictions that share the UK's laws and services.
UK = tuple(table["slug"] for table in _tables() if table["group"] == "uk")
