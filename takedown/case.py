"""The case: what the user told us, in the one shape every layer shares.

A case is never stored by the service. It travels in the user's own requests
and in the case file they download (JSON, schema ``takedown-case/1``).
``parse_case`` turns untrusted JSON-like data into a ``Case`` or raises
``CaseInvalid`` listing every problem with the field it belongs to;
``case_to_dict`` is its inverse. No Flask here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from takedown import platforms
from takedown.jurisdictions import JURISDICTIONS, UK

SCHEMA = "takedown-case/1"
MAX_LOCATIONS = 20
MAX_TEXT = 500
MAX_URL = 2000

ROLES = {
    "parent": "Parent or carer",
    "school": "School staff",
    "caseworker": "Caseworker or social worker",
    "young-person": "The young person in the image",
}
CONCERNS = ("immediate_danger", "threats", "adult_involved", "shared_at_school")

_REFERENCE = re.compile(r"^TD-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$")
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,30}$")
# Control characters other than tab and newline never belong in a name or a link.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field, in words a person can act on."""

    field: str
    message: str


class FieldProblems(ValueError):
    """An error that carries a list of FieldError, each naming its field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class CaseInvalid(FieldProblems):
    """Raised with every problem found in a case."""


@dataclass(frozen=True, slots=True)
class Requester:
    role: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    organisation: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    under_18: bool
    age: int | None = None
    name: str | None = None
    school: str | None = None


@dataclass(frozen=True, slots=True)
class Concerns:
    immediate_danger: bool = False
    threats: bool = False
    adult_involved: bool = False
    shared_at_school: bool = False

    @property
    def any_urgent(self) -> bool:
        return self.immediate_danger or self.threats or self.adult_involved


@dataclass(frozen=True, slots=True)
class Location:
    platform: str
    url: str | None = None
    description: str | None = None
    account: str | None = None
    first_seen: date | None = None

    @property
    def platform_entry(self) -> platforms.Platform:
        return platforms.get(self.platform)


@dataclass(frozen=True, slots=True)
class School:
    name: str | None = None
    contact_name: str | None = None
    address: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    jurisdiction: str
    requester: Requester
    person: Person
    concerns: Concerns
    locations: tuple[Location, ...]
    school: School | None = None
    reference: str = field(default_factory=lambda: new_reference())

    @property
    def in_uk(self) -> bool:
        return self.jurisdiction in UK

    @property
    def platform_slugs(self) -> list[str]:
        """Each platform in the case once, in the order first mentioned."""
        return list(dict.fromkeys(loc.platform for loc in self.locations))

    def locations_on(self, slug: str) -> list[Location]:
        return [loc for loc in self.locations if loc.platform == slug]


def new_reference() -> str:
    """Return a random case reference such as TD-7KQ2-M9XP.

    It is drawn from the operating system's random source and has no link to
    anything the user typed, so quoting it in a letter reveals nothing.
    """
    pick = lambda: "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))  # noqa: E731
    return f"TD-{pick()}-{pick()}"


class _Checker:
    """Collect field errors while reading untrusted data."""

    def __init__(self):
        self.errors: list[FieldError] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(FieldError(where, message))

    def table(self, data, where: str, known: set[str], required: bool = True) -> dict | None:
        if data is None and not required:
            return None
        if not isinstance(data, dict):
            self.error(where, "must be an object" if data is not None else "is required")
            return None
        for key in data:
            if key not in known:
                self.error(f"{where}.{key}" if where else str(key), "is not a field we know")
        return data

    def text(self, data: dict, key: str, where: str, limit: int = MAX_TEXT,
             pattern: re.Pattern | None = None, what: str = "") -> str | None:
        value = data.get(key)
        name = f"{where}.{key}" if where else key
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(name, "must be text")
            return None
        value = value.strip()
        if not value:
            return None
        if len(value) > limit:
            self.error(name, f"must be {limit:,} characters or fewer")
            return None
        if _CONTROL.search(value):
            self.error(name, "contains characters that cannot be used")
            return None
        if pattern and not pattern.match(value):
            self.error(name, f"must be {what}")
            return None
        return value

    def flag(self, data: dict, key: str, where: str, default: bool | None = False) -> bool | None:
        value = data.get(key, default)
        if value is None and default is None:
            return None
        if not isinstance(value, bool):
            self.error(f"{where}.{key}", "must be true or false")
            return default
        return value

    def choice(self, data: dict, key: str, where: str, allowed: dict, what: str) -> str | None:
        value = data.get(key)
        name = f"{where}.{key}" if where else key
        if value is None or value == "":
            self.error(name, f"Select {what}")
            return None
        if not isinstance(value, str) or value not in allowed:
            self.error(name, f"must be one of: {', '.join(allowed)}")
            return None
        return value


def parse_case(data) -> Case:
    """Validate untrusted case data and return a Case, or raise CaseInvalid."""
    check = _Checker()
    data = check.table(data, "", {"schema", "jurisdiction", "requester", "person", "concerns",
                                  "locations", "school", "reference"})
    if data is None:
        raise CaseInvalid(check.errors or [FieldError("case", "must be a JSON object")])
    if data.get("schema") != SCHEMA:
        check.error("schema", f'must be "{SCHEMA}"')
    jurisdiction = check.choice(data, "jurisdiction", "", JURISDICTIONS, "where you are")
    requester = _requester(check, data.get("requester"))
    person = _person(check, data.get("person"))
    concerns = _concerns(check, data.get("concerns"))
    locations = _locations(check, data.get("locations"))
    school = _school(check, data.get("school"))
    reference = check.text(data, "reference", "", pattern=_REFERENCE,
                           what="a case reference like TD-7KQ2-M9XP")
    if check.errors:
        raise CaseInvalid(check.errors)
    return Case(jurisdiction, requester, person, concerns, tuple(locations), school,
                reference or new_reference())


def _requester(check: _Checker, data) -> Requester | None:
    where = "requester"
    data = check.table(data, where, {"role", "name", "email", "phone", "organisation", "address"})
    if data is None:
        return None
    return Requester(
        role=check.choice(data, "role", where, ROLES, "who you are"),
        name=check.text(data, "name", where),
        email=check.text(data, "email", where, limit=254, pattern=_EMAIL,
                         what="an email address, like name@example.com"),
        phone=check.text(data, "phone", where, limit=30, pattern=_PHONE,
                         what="a phone number, like 01632 960 001 or +44 1632 960 001"),
        organisation=check.text(data, "organisation", where),
        address=check.text(data, "address", where),
    )


def _person(check: _Checker, data) -> Person | None:
    where = "person"
    data = check.table(data, where, {"age", "under_18", "name", "school"})
    if data is None:
        return None
    age = data.get("age")
    bad_age = age is not None and (isinstance(age, bool) or not isinstance(age, int)
                                   or not 0 <= age <= 120)
    if bad_age:
        check.error(f"{where}.age", "must be a whole number from 0 to 120")
        age = None
    under_18 = check.flag(data, "under_18", where, default=None)
    if under_18 is None and age is not None:
        under_18 = age < 18
    if under_18 is None:
        # An age that is not a number already has its own error: one problem, one message.
        if not bad_age and ("under_18" not in data or data.get("under_18") is None):
            check.error(f"{where}.under_18", "Select whether the person in the image is under 18")
        under_18 = True
    elif age is not None and under_18 != (age < 18):
        check.error(f"{where}.under_18", f"does not agree with the age given ({age})")
    return Person(under_18, age, check.text(data, "name", where), check.text(data, "school", where))


def _concerns(check: _Checker, data) -> Concerns:
    where = "concerns"
    data = check.table(data, where, set(CONCERNS), required=False) or {}
    return Concerns(**{key: check.flag(data, key, where) for key in CONCERNS})


def _locations(check: _Checker, data) -> list[Location]:
    if not isinstance(data, list):
        check.error("locations", "Add at least one place where the image is" if data is None
                    else "must be a list")
        return []
    if not data:
        check.error("locations", "Add at least one place where the image is")
    if len(data) > MAX_LOCATIONS:
        check.error("locations", f"can list up to {MAX_LOCATIONS} places")
        return []
    found = []
    for index, item in enumerate(data):
        location = _location(check, item, f"locations[{index}]")
        if location:
            found.append(location)
    return found


def _location(check: _Checker, data, where: str) -> Location | None:
    data = check.table(data, where, {"url", "platform", "description", "account", "first_seen"})
    if data is None:
        return None
    before = len(check.errors)
    url = check.text(data, "url", where, limit=MAX_URL)
    if url is not None and platforms.host_of(url) is None:
        check.error(f"{where}.url", "must be a web address starting with https:// or www, "
                    "or a site name like instagram.com")
        url = None
    slug = data.get("platform")
    if slug in (None, ""):
        slug = None
    elif not isinstance(slug, str) or platforms.get(slug) is None:
        check.error(f"{where}.platform", "must be one of the platforms we list")
        slug = None
    if url is None and slug is None and len(check.errors) == before:
        check.error(f"{where}.url", "Enter a link, or choose the app or website")
    if slug is None and url is not None:
        found = platforms.identify(url)
        slug = found.slug if found else "other"
    first_seen = _date(check, data.get("first_seen"), f"{where}.first_seen")
    location = Location(
        platform=slug or "other",
        url=url,
        description=check.text(data, "description", where),
        account=check.text(data, "account", where),
        first_seen=first_seen,
    )
    return location if len(check.errors) == before else None


def _date(check: _Checker, value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        check.error(where, "must be a real date, like 2026-11-25")
        return None
    # A day's grace for people west of the server's clock.
    if parsed > date.today() + timedelta(days=1):
        check.error(where, "must be today or in the past")
        return None
    if parsed.year < 1990:
        check.error(where, "must be after 1990")
        return None
    return parsed


def _school(check: _Checker, data) -> School | None:
    where = "school"
    data = check.table(data, where, {"name", "contact_name", "address", "email"}, required=False)
    if data is None:
        return None
    school = School(
        name=check.text(data, "name", where),
        contact_name=check.text(data, "contact_name", where),
        address=check.text(data, "address", where),
        email=check.text(data, "email", where, limit=254, pattern=_EMAIL,
                         what="an email address, like dsl@school.example"),
    )
    return school if any((school.name, school.contact_name, school.address, school.email)) else None


def _without_empty(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def case_to_dict(case: Case) -> dict:
    """Return the case as JSON-ready data in schema takedown-case/1."""
    data = {
        "schema": SCHEMA,
        "reference": case.reference,
        "jurisdiction": case.jurisdiction,
        "requester": _without_empty({
            "role": case.requester.role, "name": case.requester.name,
            "email": case.requester.email, "phone": case.requester.phone,
            "organisation": case.requester.organisation, "address": case.requester.address,
        }),
        "person": {"age": case.person.age, "under_18": case.person.under_18,
                   **_without_empty({"name": case.person.name, "school": case.person.school})},
        "concerns": {key: getattr(case.concerns, key) for key in CONCERNS},
        "locations": [
            _without_empty({
                "url": loc.url, "platform": loc.platform, "description": loc.description,
                "account": loc.account,
                "first_seen": loc.first_seen.isoformat() if loc.first_seen else None,
            })
            for loc in case.locations
        ],
    }
    if case.school:
        data["school"] = _without_empty({
            "name": case.school.name, "contact_name": case.school.contact_name,
            "address": case.school.address, "email": case.school.email,
        })
    return data


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
