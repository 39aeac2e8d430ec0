"""The case: what the user told us, declared once, in the one shape every layer shares.

A case is never stored by the service. It travels in the user's own requests
and in the case file they download (JSON, schema ``takedown-case/3``, which added ``area``:
the EU member state or Canadian province, from the jurisdiction's declared members, and
``time_zone``, one of the zones the jurisdiction declares (left out: its first); files in
``takedown-case/2`` (no area) and ``takedown-case/1`` (no report log either) still open and
are saved as /3). It also added what happened: ``concerns.image`` (real, fake or not-sure;
not-sure when left out), the threat's platform, who made a fake and with what, and no places
when someone is threatening to share it (older files are read with the image not-sure). Each
field below carries its rule (``takedown.declare``): from those rules come
``parse_case`` (untrusted JSON-like data to a ``Case``, or ``CaseInvalid``
listing every problem with the field it belongs to), ``case_to_dict`` (its
inverse) and the API's JSON Schema (``declare.components``). ``loads`` is the one
reader of case JSON text. No Flask here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from takedown import jurisdictions, platforms
from takedown.declare import (
    Choice,
    Const,
    Day,
    FieldError,
    FieldProblems,
    Flag,
    Many,
    Nested,
    Reader,
    Text,
    Whole,
    declared_fields,
    nullable,
    rule,
    to_data,
)
from takedown.jsontext import Unreadable, read_object
from takedown.jurisdictions import JURISDICTIONS

SCHEMA = "takedown-case/3"
SCHEMA_V2 = "takedown-case/2"
SCHEMA_V1 = "takedown-case/1"
SCHEMAS = (SCHEMA, SCHEMA_V2, SCHEMA_V1)  # the case files we open; we always write the first
MAX_REPORTS = 30  # reports logged about one place
MAX_REFERENCE = 200
MAX_LOCATIONS = 20
MAX_TEXT = 500
MAX_URL = 2000
MAX_EMAIL = 254
MAX_AREA = 10
NO_PLACES = ("Add at least one place where the image is, or say that someone is threatening to "
             "share it")
# The most case JSON we read: a request's own limit (MAX_CONTENT_LENGTH).
MAX_CASE_BYTES = 256 * 1024
ROLES = {
    "parent": "Parent or carer",
    "school": "School staff",
    "caseworker": "Caseworker or social worker",
    "young-person": "The young person in the image",
}
# What the image is. The family does not need to know, and is never asked to prove it.
IMAGES = {
    "not-sure": "I don't know, or I'm not sure",
    "real": "A real photo or video",
    "fake": "Fake: edited, made with AI or \u201cnudified\u201d to look like them",
}
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_PATTERN = rf"^TD-[{_REFERENCE_ALPHABET}]{{4}}-[{_REFERENCE_ALPHABET}]{{4}}$"
_REFERENCE = re.compile(REFERENCE_PATTERN)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,30}$")


class CaseInvalid(FieldProblems):
    """Raised with every problem found in a case."""


class CaseUnreadable(CaseInvalid):
    """Raised when case JSON text cannot be read at all; ``reason`` completes "It ..."."""

    def __init__(self, reason: str, too_large: bool = False):
        super().__init__([FieldError("case", reason)])
        self.reason = reason
        self.too_large = too_large


def _text(label: str | None = None, **options) -> dict:
    return rule(Text(MAX_TEXT, **options), label, default=None)


def _email(label: str, example: str) -> dict:
    return rule(Text(MAX_EMAIL, _EMAIL, f"an email address, like {example}",
                     description="An email address."), label, default=None)


class Link(Text):
    """A web address: checked for a host we can read, never fetched."""

    __slots__ = ()

    def read(self, reader: Reader, value, where: str):
        value = Text.read(self, reader, value, where)
        if value is not None and platforms.host_of(value) is None:
            return reader.error(where, "must be a web address starting with https:// or www, "
                                "or a site name like instagram.com")
        return value


@dataclass(frozen=True, slots=True)
class Slug:
    """A platform in the directory, by its slug."""

    required = False
    always = True

    def read(self, reader: Reader, value, where: str):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or platforms.get(value) is None:
            return reader.error(where, "must be one of the platforms we list")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        slugs = {"type": "string", "enum": [p.slug for p in platforms.all_platforms()]}
        return {"anyOf": [slugs, {"const": ""}, {"type": "null"}], "description": (
            "A platform slug. Left out, null or empty: recognised from the url, or 'other'. "
            "Always present in responses.")}


@dataclass(frozen=True, slots=True)
class Requester:
    """The adult (or young person) asking for help."""

    role: str = field(**rule(Choice(ROLES, "who you are"), "Who are you?"))
    name: str | None = field(**_text("Your name"))
    email: str | None = field(**_email("Your email address", "name@example.com"))
    phone: str | None = field(**rule(Text(
        30, _PHONE, "a phone number, like 01632 960 001 or +44 1632 960 001",
        description="A phone number, 6 to 30 digits, spaces and +()-."), "Your phone number",
        default=None))
    organisation: str | None = field(**_text("Your organisation (optional)"))
    address: str | None = field(**_text("Your postal address", lines=True,
                                        description="A postal address."))
    is_dsl: bool = field(**rule(Flag(), "I am the school's designated safeguarding lead (DSL)",
                                default=False))

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int) -> dict:
        """Only school staff can be the school's DSL."""
        if values["is_dsl"] and values["role"] not in (None, "school"):
            reader.error(f"{where}.is_dsl", "Only school staff can be the school's DSL: untick "
                         "it, or choose “School staff”")
        return values


@dataclass(frozen=True, slots=True)
class Person:
    """The person in the image. Give under_18, age, or both (they must agree). Responses
    always include under_18 and age (possibly null)."""

    age: int | None = field(**rule(Whole(0, 120, always=True), "Their age", default=None))
    under_18: bool = field(**rule(Flag(default=None), default=True))
    name: str | None = field(**_text("Their name (optional)"))
    school: str | None = field(**_text("Their school or college (optional)"))
    # Platforms need the link, not the child's identity: under-18s get their first name only
    # in platform letters unless the sender asks for the full name (data minimisation).
    full_name_in_letters: bool = field(**rule(Flag(), "Put their full name in letters to "
                                              "platforms", default=False))

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int) -> dict:
        """Work out under_18 from the age when only the age is given; they must agree."""
        age, under_18 = values["age"], values["under_18"]
        bad_age = raw.get("age") is not None and age is None
        if under_18 is None and age is not None:
            under_18 = age < 18
        if under_18 is None:
            # An age that is not a number already has its own error: one problem, one message.
            if not bad_age and raw.get("under_18") is None:
                reader.error(f"{where}.under_18",
                             "Select whether the person in the image is under 18")
            under_18 = True
        elif age is not None and under_18 != (age < 18):
            reader.error(f"{where}.under_18", f"does not agree with the age given ({age})")
        return {**values, "under_18": under_18}


@dataclass(frozen=True, slots=True)
class Picked:
    """One of a fixed set of values; left out, the default (so it is never "Select ...")."""

    options: dict
    default: str
    description: str | None = None
    required = False
    always = True

    def read(self, reader: Reader, value, where: str):
        if value in (None, ""):
            return self.default
        if not isinstance(value, str) or value not in self.options:
            return reader.error(where, f"must be one of: {', '.join(self.options)}")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        schema = {"type": "string", "enum": list(self.options), "default": self.default}
        return {**schema, "description": self.description} if self.description else schema


@dataclass(frozen=True, slots=True)
class Concerns:
    """What makes it urgent. Always present, with every flag, in responses."""

    immediate_danger: bool = field(**rule(Flag(), "Someone is in immediate danger", default=False))
    threats: bool = field(**rule(Flag(), "Someone is threatening or blackmailing them, or "
                                 "demanding money or more images", default=False))
    adult_involved: bool = field(**rule(Flag(), "An adult is involved", default=False))
    # Asked apart from an adult's involvement, so a letter says only what the sender said
    # (before takedown-case/3 the two were one box: such files keep adult_involved).
    asked_online: bool = field(**rule(Flag(), "Someone they met online asked for the image",
                                      default=False))
    shared_at_school: bool = field(**rule(Flag(), "It has spread around a school", default=False))
    threat_account: str | None = field(**_text(
        "The account making threats or demands (optional)",
        description="The name of the account making threats or demands, for the letters."))
    threat_platform: str | None = field(**rule(Slug(), "The app or website they are using "
                                               "(optional)", default=None))
    # What the image is: real, fake (edited, AI-made, "nudified") or not sure (the default).
    image: str = field(**rule(Picked(IMAGES, "not-sure", description=(
        "What the image is: real, fake (edited, made with AI or 'nudified' to look like the "
        "person) or not-sure (the default). The family is never asked to prove it.")),
        "Is the image real?", default="not-sure"))
    made_by: str | None = field(**_text(
        "Who made it, if you know (optional)",
        description="For a fake image: the pupils or people who made it, if known."))
    made_with: str | None = field(**_text(
        "The app or website used to make it, if you know (optional)",
        description="For a fake image: the app or website used to make it, if known."))

    @property
    def any_urgent(self) -> bool:
        return (self.immediate_danger or self.threats or self.adult_involved
                or self.asked_online)

    @property
    def threat_platform_entry(self) -> platforms.Platform | None:
        """The directory's entry for the platform the threats come from, if given."""
        return platforms.get(self.threat_platform) if self.threat_platform else None

    @property
    def fake(self) -> bool:
        """True when the family says the image was made or altered to look like the person."""
        return self.image == "fake"



# How a report was made (the issue's list, in its order) and what came of it so far.
CHANNELS = {
    "in-app": "Reported in the app or on the site",
    "web-form": "The platform's web form",
    "take-it-down-form": "The platform's TAKE IT DOWN Act request form",
    "dsa-form": "The platform's Digital Services Act notice form",
    "email": "Email",
    "post": "A posted letter",
    "iwf": "Internet Watch Foundation",
    "report-remove": "Report Remove (Childline and the IWF)",
    "ceop": "CEOP (National Crime Agency)",
    "police": "Police",
    "ncmec": "NCMEC CyberTipline",
    "esafety": "eSafety Commissioner",
    "take-it-down-hash": "Take It Down (hash)",
    "stopncii": "StopNCII.org (hash)",
    "other": "Something else",
}
OUTCOMES = {
    "waiting": "Waiting for an answer",
    "removed": "Removed",
    "partly-removed": "Partly removed: some copies are still there",
    "refused": "Refused, or told \"no violation\"",
    "no-reply": "No reply",
}
MOMENT_PATTERN = (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                  r"(Z|[+-]\d{2}:\d{2})$")
_MOMENT = re.compile(MOMENT_PATTERN)


@dataclass(frozen=True, slots=True)
class Moment:
    """A date and time with its offset from UTC, ISO 8601 (2026-11-25T14:30:00+00:00)."""

    description: str | None = None
    required: bool = False
    always = False

    def read(self, reader: Reader, value, where: str):
        if value in (None, ""):
            return reader.error(where, "Enter the date and time") if self.required else None
        try:
            if not isinstance(value, str) or not _MOMENT.match(value):
                raise ValueError
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return reader.error(where, "must be a date and time with its offset from UTC, "
                                "like 2026-11-25T14:30:00+00:00")
        if moment.year < 1990:
            return reader.error(where, "must be after 1990")
        if reader.latest is not None and moment.date() > reader.latest:
            return reader.error(where, "must be now or in the past")
        return moment

    def dump(self, value):
        return value.isoformat()

    def schema(self) -> dict:
        moment = {"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN}
        if self.description:
            moment["description"] = self.description
        return moment if self.required else nullable(moment)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One of OUTCOMES; left out, it is still "waiting"."""

    required = False
    always = True

    def read(self, reader: Reader, value, where: str):
        if value in (None, ""):
            return "waiting"
        if not isinstance(value, str) or value not in OUTCOMES:
            return reader.error(where, f"must be one of: {', '.join(OUTCOMES)}")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        return {"type": "string", "enum": list(OUTCOMES), "default": "waiting"}


@dataclass(frozen=True, slots=True)
class Report:
    """One report made about a place: how, when, the reference it got, and what came of it."""

    channel: str = field(**rule(Choice(CHANNELS, "how you reported it"), "How did you report it?"))
    at: datetime = field(**rule(Moment("When it was reported.", required=True),
                                "When did you report it?"))
    reference: str | None = field(**rule(Text(MAX_REFERENCE, description=(
        "The platform's or service's reference number for the report.")),
        "Their reference number (optional)", default=None))
    outcome: str = field(**rule(Outcome(), "What has happened so far?", default="waiting"))
    outcome_at: datetime | None = field(**rule(Moment(
        "When the outcome was known."), "When did you hear? (optional)", default=None))
    note: str | None = field(**_text("A note (optional)"))

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int) -> dict:
        """An outcome cannot be known before the report was made."""
        at, outcome_at = values["at"], values["outcome_at"]
        if at is not None and outcome_at is not None and outcome_at < at:
            reader.error(f"{where}.outcome_at", "must be after the report was made")
        return values


class Version(Const):
    """The case file's schema: this one, or an older one we still open and upgrade."""

    __slots__ = ()

    def read(self, reader: Reader, value, where: str):
        if value not in SCHEMAS:
            return reader.error(where, f'must be "{SCHEMA}"')
        return SCHEMA

    def schema(self) -> dict:
        return {"enum": list(SCHEMAS), "description": (
            f'"{SCHEMA}"; an older "{SCHEMA_V2}" case (no area, no image) or "{SCHEMA_V1}" case '
            f'(no reports either) is read and answered as "{SCHEMA}".')}


@dataclass(frozen=True, slots=True)
class Location:
    """One place where the image is. Needs a url or a platform."""

    platform: str = field(**rule(Slug(), "App or website"))
    url: str | None = field(**rule(Link(MAX_URL, description=(
        "A link to where the image is: a web address (https://…, www.… or a site name like "
        "instagram.com). Never fetched.")), "Link", default=None))
    description: str | None = field(**_text("What you know about where it is (optional)"))
    account: str | None = field(**_text("Account or group name (optional)",
                                        description="The account that posted it."))
    first_seen: date | None = field(**rule(Day(1990, description=(
        "When it was first seen: from 1990 up to today.")), "Date first seen (optional)",
        default=None))
    reports: tuple[Report, ...] = field(**rule(Many(
        Report, MAX_REPORTS, required=False, too_many=f"can list up to {MAX_REPORTS} reports"),
        default=()))

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int) -> dict:
        """A place needs a link or a platform; a link we recognise decides the platform, and a
        different platform chosen with it is asked about."""
        url, slug = values["url"], values["platform"]
        link_fields = (f"{where}.url", f"{where}.platform")
        if url is None and slug is None and not any(
                error.field in link_fields for error in reader.errors_since(before)):
            reader.error(f"{where}.url", "Enter a link, or choose the app or website")
        found = platforms.identify(url) if url is not None else None
        if found is not None and slug not in (None, found.slug):
            chosen = platforms.get(slug)
            reader.error(f"{where}.platform", (
                f"The link is for {found.name}, but you chose {chosen.name}. Choose "
                f"{found.name}, or check the link"))
        if url is not None and (slug is None or found is not None):
            slug = found.slug if found else "other"
        return {**values, "platform": slug or "other"}

    @property
    def platform_entry(self) -> platforms.Platform:
        return platforms.get(self.platform)


@dataclass(frozen=True, slots=True)
class School:
    """The young person's school, for the school letter."""

    name: str | None = field(**_text("School name"))
    contact_name: str | None = field(**_text(
        "Name of the designated safeguarding lead or contact"))
    address: str | None = field(**_text("School address", lines=True))
    email: str | None = field(**_email("School email address", "dsl@school.example"))

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int):
        """A school with nothing filled in is no school."""
        return values if any(value is not None for value in values.values()) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A case in schema takedown-case/3: the same shape as the case file the site downloads.
    Text is trimmed; empty optional text counts as left out. Responses carry the normalised
    case, which posted back gives the same case again."""

    schema: str = field(**rule(Version(SCHEMA), default=SCHEMA))
    reference: str = field(**rule(Text(
        MAX_TEXT, _REFERENCE, "a case reference like TD-7KQ2-M9XP", publish_pattern=True,
        description="Made up at random when left out."), default_factory=lambda: new_reference()))
    jurisdiction: str = field(**rule(Choice(JURISDICTIONS, "where you are"), "Where are you?"))
    area: str | None = field(**rule(Text(MAX_AREA, description=(
        "The EU member state or Canadian province or territory, by its code (IE, BC), where "
        "the jurisdiction declares members; left out where it does not, or to say none.")),
        "Which country, province or territory? (optional)", default=None))
    requester: Requester = field(**rule(Nested(Requester)))
    person: Person = field(**rule(Nested(Person)))
    concerns: Concerns = field(**rule(Nested(Concerns, required=False),
                                      default_factory=Concerns))
    # No places only when someone is threatening to share it and nothing is posted yet.
    locations: tuple[Location, ...] = field(**rule(Many(
        Location, MAX_LOCATIONS, required=False,
        too_many=f"can list up to {MAX_LOCATIONS} places"), default=()))
    school: School | None = field(**rule(Nested(School, required=False), default=None))
    time_zone: str | None = field(**rule(Text(64, description=(
        "The time zone the family chose for the case's dates and reminders: an IANA name, one "
        "of those its jurisdiction offers. Left out: the jurisdiction's first.")),
        "Time zone", default=None))

    @property
    def nothing_posted(self) -> bool:
        """True when someone is threatening to share the image and no place is known."""
        return not self.locations and self.concerns.threats

    @property
    def at_school(self) -> bool:
        """A school is part of the case: named, where it spread, or the sender works there."""
        return bool(self.person.school or self.concerns.shared_at_school
                    or (self.school and self.school.name) or self.requester.role == "school")

    @property
    def zone_name(self) -> str:
        """The IANA name of the case's time zone: the one chosen, or its jurisdiction's first
        (its area's own, where it names one)."""
        return self.time_zone or jurisdictions.for_case(self).time_zone

    @classmethod
    def settle(cls, reader: Reader, raw: dict, values: dict, where: str, before: int) -> dict:
        """An area must be one of the members the case's jurisdiction declares, and a time zone
        one of the zones it offers; a case needs a place unless someone is threatening to share
        the image."""
        concerns = values.get("concerns")
        threatened = concerns.threats if concerns is not None else bool(
            isinstance(raw.get("concerns"), dict) and raw["concerns"].get("threats") is True)
        if raw.get("locations") in (None, []) and not threatened:
            reader.error("locations", NO_PLACES)
        area, slug, zone = values.get("area"), values.get("jurisdiction"), values.get("time_zone")
        if area is not None and slug in JURISDICTIONS:
            declared = jurisdictions.get(slug)
            if declared.member_named(area) is None:
                codes = ", ".join(member.code for member in declared.members)
                reader.error(f"{where}.area" if where else "area", (
                    f"must be one of {codes}" if codes else
                    f"is only asked where a jurisdiction has members; {declared.name} has none: "
                    "leave it out"))
        if zone is not None and slug in JURISDICTIONS:
            offered = jurisdictions.get(slug).time_zones
            if zone not in offered:
                reader.error(f"{where}.time_zone" if where else "time_zone",
                             f"must be one of the time zones offered there: {', '.join(offered)}")
        return values

    @property
    def platform_slugs(self) -> list[str]:
        """Each platform in the case once, in the order first mentioned."""
        return list(dict.fromkeys(loc.platform for loc in self.locations))

    def locations_on(self, slug: str) -> list[Location]:
        """The places in the case on one platform."""
        return [loc for loc in self.locations if loc.platform == slug]


# The yes-or-no concerns (the account making threats is text, asked beside them).
CONCERNS = tuple(name for name, kind, _ in declared_fields(Concerns) if isinstance(kind, Flag))


def new_reference() -> str:
    """Return a random case reference such as TD-7KQ2-M9XP.

    It is drawn from the operating system's random source and has no link to
    anything the user typed, so quoting it in a letter reveals nothing.
    """
    pick = lambda: "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))  # noqa: E731
    return f"TD-{pick()}-{pick()}"


def parse_case(data, today: date | None = None) -> Case:
    """Validate untrusted case data and return a Case, or raise CaseInvalid.

    ``today`` is the user's date (a day's grace is allowed for people west of it):
    a first-seen date after it is refused. Without it no date is checked against a clock.
    """
    reader = Reader(latest=today + timedelta(days=1) if today else None)
    if not isinstance(data, dict):
        raise CaseInvalid([FieldError("case", "must be a JSON object")])
    case = reader.read(Case, data)
    if reader.errors or case is None:
        raise CaseInvalid(reader.errors or [FieldError("case", "must be a JSON object")])
    return case


def loads(text: bytes | str, today: date | None = None, from_file: bool = False) -> Case:
    """Read case JSON text (a case file, a form field, an API body); raise CaseInvalid."""
    return parse_case(read_json(text, from_file), today)


def read_json(text: bytes | str, from_file: bool = False) -> dict:
    """Return case JSON text as data, or raise CaseUnreadable saying what is wrong with it.

    ``from_file``: a case file, which an editor may have saved with a byte order mark.
    """
    try:
        return read_object(text, max_bytes=MAX_CASE_BYTES, byte_order_mark=from_file)
    except Unreadable as unreadable:
        raise CaseUnreadable(unreadable.reason, unreadable.too_large) from None


def case_to_dict(case: Case) -> dict:
    """Return the case as JSON-ready data in schema takedown-case/3."""
    return to_data(case)


def missing_for_letters(case: Case) -> list[FieldError]:
    """Return what a signed letter needs and the case lacks: a name and a way to reply."""
    missing = []
    if not case.requester.name:
        missing.append(FieldError("requester.name", "Enter your name: a letter must be signed"))
    if not (case.requester.email or case.requester.phone or case.requester.address):
        missing.append(FieldError(
            "requester.email",
            "Enter an email address, phone number or postal address so the platform can reply",
        ))
    return missing
