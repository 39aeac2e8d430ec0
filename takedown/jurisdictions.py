"""Where a family can be: each jurisdiction's declaration, from ``data/jurisdictions.toml``.

One table per jurisdiction holds everything its being there implies: its names, its
emergency number and police, where to report threats, who supports whom, where links go,
its schools' words and guidance, the platforms' regions meant for it, the next step after a
refusal, the time zones offered and the conventions of its letters; members that differ (an
EU member state's hotline, a province's own route) are declared under it. Every service it
names must be in ``data/services.toml``; the reader refuses a slug that is not, a time zone
Python does not know, and a fact without its source, naming the entry and field. This is
the one module that knows which places there are: the rest of the code asks it. No Flask.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from takedown import datafile, services
from takedown.datafile import Entry, Source

DATA_FILE = Path(__file__).parent / "data" / "jurisdictions.toml"
PAPERS = ("a4", "letter")
DATE_STYLES = ("day-month-year", "month-day-year")
# The words a letter writes as its jurisdiction does (conventions in [jurisdiction.letters]).
LETTER_WORDS = ("authorised", "parent", "parents", "sign_off", "sign_off_named")
AUDIENCES = ("child", "adult", "both")  # whose image a route is for
READERS = ("you", "others", "all")      # who a route is offered to: the young person, the rest


@dataclass(frozen=True, slots=True)
class Group:
    """What jurisdictions share: laws, services' regions and platforms' regions."""

    slug: str
    name: str
    the_name: str
    adjective: str  # before "users": "UK", "Australian"


@dataclass(frozen=True, slots=True)
class Route:
    """Somewhere to report: a service, or (with no service) a step in the declaration's words."""

    service: services.Service | None
    audience: str
    title: str | None
    body: str | None
    readers: str = "all"
    police: bool = False

    def fits(self, under_18: bool, reader: str) -> bool:
        """True when the route is for this person's age and offered to this reader."""
        whose = "child" if under_18 else "adult"
        offered = self.readers == "all" or (self.readers == "you") == (reader == "you")
        return self.audience in (whose, "both") and offered


@dataclass(frozen=True, slots=True)
class Support:
    """Who supports whom there (each a service, or None where none is declared)."""

    young_person: services.Service | None
    parent: services.Service | None
    professional: services.Service | None
    crisis: services.Service | None
    adult_image: services.Service | None


@dataclass(frozen=True, slots=True)
class Remove:
    """Where links go, the young person's own tool, and the tools that stop copies spreading."""

    hotline: services.Service | None
    young_person_tool: services.Service | None
    hash_child: services.Service | None
    hash_adult: services.Service | None
    record: str | None = None  # the letter kind recording the places for the hotline, if any


@dataclass(frozen=True, slots=True)
class School:
    """A school's words there, what schools do, and the guidance they follow (if confirmed)."""

    lead: str
    lead_short: str | None
    head: str
    learner: str
    learners: str
    social_care: str
    ask: str
    does: str
    tells_parents: str
    guidance: services.Service | None
    no_guidance: str | None
    no_nudes_advice: str | None
    adult_involved: str | None
    source: Source | None
    # Guidance for schools there on sexual images of children made with AI or edited: named
    # by the school letter and record only where the image is fake.
    fake_guidance: tuple[services.Service, ...] = ()

    @property
    def lead_named(self) -> str:
        """The role with its short form once: "designated safeguarding lead (DSL)"."""
        return f"{self.lead} ({self.lead_short})" if self.lead_short else self.lead

    @property
    def lead_called(self) -> str:
        """The role as said again: "DSL", or the role itself where it has no short form."""
        return self.lead_short or self.lead


@dataclass(frozen=True, slots=True)
class Escalation:
    """The next step after a refusal or no answer: its letter's route and title, and the
    regulator it goes to (a member's own stands in for it where the case names the member)."""

    route: str
    title: str
    regulator: services.Service | None = None


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
class Fact:
    """A named thing a member has (a hotline, a regulator, a route), with its source."""

    name: str
    url: str | None
    phone: str | None
    anonymous: bool | None
    says: str | None
    source: Source
    limit: str | None = None  # what it says it does not do (a regulator that judges no content)


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a jurisdiction that differs from the rest: an EU member state, a province."""

    code: str
    name: str
    time_zone: str
    hotline: Fact | None
    dsc: Fact | None
    route: Fact | None
    hotline_none: str | None  # said plainly where no hotline of the member's is confirmed
    route_none: str | None    # said plainly where no route of the member's own is confirmed


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """One place a family can be, with everything that being there implies."""

    slug: str
    name: str
    the_name: str
    group: Group
    emergency: services.Service
    police: Route
    platform_serves: tuple[str, ...]
    provider_law_topics: tuple[str, ...]
    urgent: tuple[Route, ...]
    report_first: tuple[Route, ...]
    support: Support
    remove: Remove
    school: School
    escalation: Escalation
    time_zones: tuple[str, ...]
    letters: LetterStyle
    members: tuple[Member, ...] = ()
    members_label: str | None = None
    member: Member | None = None  # the member the case names, applied by for_case
    # (group-wide service slug, the member's own service standing in for it), by with_member
    own_services: tuple[tuple[str, services.Service], ...] = ()

    @property
    def time_zone(self) -> str:
        """The zone a case's times are shown in unless another is chosen: the first offered."""
        return self.time_zones[0]

    @property
    def child_route(self) -> services.Service | None:
        """The first service to report threats against a child to (CEOP, say), or None."""
        return next((route.service for route in self.urgent
                     if route.service and route.fits(True, "others")), None)

    def member_named(self, code: str | None) -> Member | None:
        """The member with this code, or None."""
        return next((m for m in self.members if m.code == code), None)

    def with_member(self, code: str | None) -> Jurisdiction:
        """This jurisdiction with a member applied: its hotline and its time zone first."""
        member = self.member_named(code)
        if member is None:
            return self
        zones = (member.time_zone, *(z for z in self.time_zones if z != member.time_zone))
        remove, escalation, own = self.remove, self.escalation, []
        if member.hotline is not None:
            remove = replace(remove, hotline=_hotline_service(member, self.group.slug))
            if self.remove.hotline is not None:
                own.append((self.remove.hotline.slug, remove.hotline))
        if member.dsc is not None and escalation.regulator is not None:
            escalation = replace(escalation, regulator=_dsc_service(member, escalation.regulator))
            own.append((self.escalation.regulator.slug, escalation.regulator))
        return replace(self, member=member, time_zones=zones, remove=remove,
                       escalation=escalation, own_services=tuple(own))

    def own(self, service: services.Service) -> services.Service:
        """The member's own service where one stands in for this group-wide one (its national
        hotline for the hotlines' network, its coordinator for the list of them), else it."""
        return dict(self.own_services).get(service.slug, service)


# --- reading ---------------------------------------------------------------------------


def _service(reader: Entry, field: str, required: bool = False) -> services.Service | None:
    slug = reader.text(field, required)
    if slug is None:
        return None
    found = services.get(slug)
    if found is None:
        reader.fail(field, f"names service {slug!r}, which is not in services.toml")
    return found


def _sourced(reader: Entry) -> Source | None:
    """The table's source, or None where it says ``convention = true`` (a choice, not a fact)."""
    if reader.flag("convention", required=False):
        if "source" in reader.table:
            reader.fail("source", "is given for a convention: say one or the other")
        return None
    if "source" not in reader.table:
        reader.fail("source", "is missing: give the source, or say convention = true")
    return reader.source()


def _convention(reader: Entry, field: str) -> Entry:
    """A sub-table of choices, not facts: it says ``convention = true``."""
    table = reader.optional_table(field)
    if table is None:
        reader.fail(field, "is missing")
    if table.flag("convention") is not True:
        table.fail("convention", "must be true: these are choices, not sourced facts")
    return table


def _known_zone(reader: Entry, field: str, zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        reader.fail(field, f"names {zone!r}, which is not a time zone")
    return zone


def _zones(reader: Entry) -> tuple[str, ...]:
    return tuple(_known_zone(reader, "zones", zone) for zone in reader.texts("zones"))


def _route(reader: Entry) -> Route:
    service = _service(reader, "service")
    police = bool(reader.flag("police", required=False))
    title, body = reader.text("title", False), reader.text("body", False)
    if (service is None) == (not police):
        reader.fail("service", "is needed, or police = true (not both)")
    return Route(service, reader.choice("for", AUDIENCES), title, body,
                 reader.choice("readers", READERS) if "readers" in reader.table else "all",
                 police)


def _police(reader: Entry) -> Route:
    """The police when nobody is in danger: a service, or how to reach them where none is."""
    service = _service(reader, "police")
    none = reader.optional_table("police_none")
    if (service is None) == (none is None):
        reader.fail("police", "is needed, or [police_none] saying how to reach the police "
                    "(not both)")
    if service is not None:
        return Route(service, "both", None, None, police=True)
    _sourced(none)
    return Route(None, "both", none.text("title"), none.text("says"), police=True)


def _school(reader: Entry) -> School:
    table = reader.optional_table("school")
    if table is None:
        reader.fail("school", "is missing")
    guidance = _service(table, "guidance")
    no_guidance = table.text("no_guidance", False)
    if (guidance is None) == (no_guidance is None):
        table.fail("guidance", "is needed, or no_guidance saying plainly none is confirmed "
                   "(not both)")
    return School(
        lead=table.text("lead"), lead_short=table.text("lead_short", False),
        head=table.text("head"), learner=table.text("learner"),
        learners=table.text("learners"), social_care=table.text("social_care"),
        ask=table.text("ask"), does=table.text("does"),
        tells_parents=table.text("tells_parents"), guidance=guidance,
        no_guidance=no_guidance, no_nudes_advice=table.text("no_nudes_advice", False),
        adult_involved=table.text("adult_involved", False), source=_sourced(table),
        fake_guidance=tuple(_service_list(table, "fake_guidance")),
    )


def _service_list(reader: Entry, field: str) -> list[services.Service]:
    found = []
    for slug in reader.texts(field, required=False):
        service = services.get(slug)
        if service is None:
            reader.fail(field, f"names service {slug!r}, which is not in services.toml")
        found.append(service)
    return found


def _fact(reader: Entry | None) -> Fact | None:
    if reader is None:
        return None
    return Fact(reader.text("name"), reader.url("url") if "url" in reader.table else None,
                reader.text("phone", False), reader.flag("anonymous", False),
                reader.text("says", False), reader.source(), reader.text("limit", False))


def _member(reader: Entry) -> Member:
    member = Member(
        code=reader.text("code"), name=reader.text("name"),
        time_zone=_known_zone(reader, "time_zone", reader.text("time_zone")),
        hotline=_fact(reader.optional_table("hotline")),
        dsc=_fact(reader.optional_table("dsc")),
        route=_fact(reader.optional_table("route")),
        hotline_none=reader.text("hotline_none", False),
        route_none=reader.text("route_none", False),
    )
    if not (member.hotline or member.hotline_none or member.route or member.route_none):
        reader.fail("hotline", "or a route is needed, or hotline_none / route_none saying "
                    "plainly that none is confirmed")
    return member


def _hotline_service(member: Member, group: str) -> services.Service:
    """A member's own hotline, as the service the plan points to."""
    hotline = member.hotline
    return services.Service(
        slug=f"hotline-{member.code.lower()}", name=hotline.name, audience="under-18",
        regions=(group,), what=f"The national hotline in {member.name} for reporting sexual "
        "images of children online.", url=hotline.url, phone=hotline.phone, phone_note=None,
        anonymous=hotline.anonymous, source=hotline.source, short_name=hotline.name,
        offer=f"The national hotline in {member.name} takes reports of links to sexual images "
        "of children" + (", anonymously if you wish" if hotline.anonymous else "") + ", and "
        "works with the police and the hosting company to have them removed.")


def _dsc_service(member: Member, regulator: services.Service) -> services.Service:
    """A member's own Digital Services Coordinator, standing in for the list of them: the
    list's address where the member's own page for complaints is not sourced."""
    dsc = member.dsc
    limit = f" It says: {dsc.limit}" if dsc.limit else ""
    return replace(
        regulator, slug=f"dsc-{member.code.lower()}", name=dsc.name, short_name=dsc.name,
        what=f"The Digital Services Coordinator in {member.name}. You can complain to it about "
        "a platform that you think has not met its duties under the Digital Services Act, for "
        "example in how it dealt with your notice or your complaint (Article 53); it can pass "
        f"the complaint to the coordinator where the platform is established.{limit}",
        url=dsc.url or regulator.url, source=dsc.source, offer=None)


def _jurisdiction(reader: Entry, slug: str, groups: dict[str, Group]) -> Jurisdiction:
    emergency = _service(reader, "emergency", required=True)
    if not emergency.phone:
        reader.fail("emergency", f"names service {emergency.slug!r}, which has no phone number")
    group = reader.text("group")
    if group not in groups:
        reader.fail("group", f"names {group!r}, which is not a [[group]]")
    escalation = reader.optional_table("escalation")
    if escalation is None:
        reader.fail("escalation", "is missing")
    support = reader.optional_table("support") or Entry({}, f"{reader.where} > support",
                                                        reader.today)
    remove = reader.optional_table("remove") or Entry({}, f"{reader.where} > remove",
                                                      reader.today)
    letters = _convention(reader, "letters")
    members = tuple(_member(item) for item in reader.tables("member"))
    if members and reader.text("members_label", False) is None:
        reader.fail("members_label", "is needed where there are members")
    return Jurisdiction(
        slug=slug,
        name=reader.text("name"),
        the_name=reader.text("the_name"),
        group=groups[group],
        emergency=emergency,
        police=_police(reader),
        platform_serves=reader.texts("platform_serves"),
        provider_law_topics=reader.texts("provider_law_topics", required=False),
        urgent=tuple(_route(item) for item in reader.tables("urgent")),
        report_first=tuple(_route(item) for item in reader.tables("report_first")),
        support=Support(*(_service(support, field) for field in (
            "young_person", "parent", "professional", "crisis", "adult_image"))),
        remove=Remove(*(_service(remove, field) for field in (
            "hotline", "young_person_tool", "hash_child", "hash_adult")),
            record=remove.text("record", False)),
        school=_school(reader),
        escalation=Escalation(escalation.text("route"), escalation.text("title"),
                              _service(escalation, "regulator")),
        time_zones=_zones(_convention(reader, "time_zones")),
        letters=LetterStyle(letters.text("lang"), letters.choice("paper", PAPERS),
                            letters.choice("date_style", DATE_STYLES),
                            *(letters.text(word) for word in LETTER_WORDS)),
        members=members,
        members_label=reader.text("members_label", False),
    )


def _group(reader: Entry, slug: str) -> Group:
    return Group(slug, reader.text("name"), reader.text("the_name"), reader.text("adjective"))


def parse_jurisdictions(text: str, today: date | None = None) -> dict[str, Jurisdiction]:
    """Parse and check jurisdictions TOML; raise DataFileError naming the entry and field."""
    groups = datafile.by_slug(datafile.entries(text, "group", "jurisdictions.toml", today),
                              "group", _group)
    found = datafile.entries(text, "jurisdiction", "jurisdictions.toml", today)
    parsed = datafile.by_slug(found, "jurisdiction",
                              lambda reader, slug: _jurisdiction(reader, slug, groups))
    if not parsed:
        raise datafile.DataFileError("jurisdictions.toml declares no [[jurisdiction]]")
    return parsed


@cache
def _data() -> dict:
    """The file as plain TOML, for what is needed before the services it names are loaded."""
    return tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def all_jurisdictions() -> dict[str, Jurisdiction]:
    """Every jurisdiction, keyed by slug, in the order the question lists them."""
    return parse_jurisdictions(DATA_FILE.read_text(encoding="utf-8"))


def get(slug: str) -> Jurisdiction:
    """The jurisdiction with this slug (a case's, already checked); KeyError if unknown."""
    return all_jurisdictions()[slug]


def for_case(case) -> Jurisdiction:
    """The case's jurisdiction, with the member it names (its ``area``) applied."""
    return get(case.jurisdiction).with_member(getattr(case, "area", None))


def names() -> dict[str, str]:
    """Slug to name, in the order the question lists them."""
    return {table["slug"]: table["name"] for table in _data().get("jurisdiction", [])}


def groups() -> tuple[str, ...]:
    """Every group's slug, in file order: a service's regions name these."""
    return tuple(table["slug"] for table in _data().get("group", []))


def all_groups() -> tuple[Group, ...]:
    """Every group a jurisdiction is in, once each, in the question's order."""
    return tuple(dict.fromkeys(item.group for item in all_jurisdictions().values()))


def serves_values() -> tuple[str, ...]:
    """Every ``serves`` value a platform's company or address may carry (platforms.toml)."""
    found: list[str] = []
    for table in _data().get("jurisdiction", []):
        found += table.get("platform_serves", [])
    return tuple(dict.fromkeys(found))


def provider_home(entity_serves) -> Jurisdiction | None:
    """The jurisdiction whose laws on providers reach a platform with companies serving these
    regions: one that declares such laws and whose nearest region one of them serves."""
    regions = set(entity_serves)
    return next((item for item in all_jurisdictions().values()
                 if item.provider_law_topics and item.platform_serves[0] in regions), None)


def emergency_numbers() -> list[tuple[str, list[Group]]]:
    """Each emergency number with the groups it serves, in the question's order:
    [("999", [the UK]), ("911", [the US]), ...]."""
    found: dict[str, list[Group]] = {}
    for item in all_jurisdictions().values():
        groups_for = found.setdefault(item.emergency.phone, [])
        if item.group not in groups_for:
            groups_for.append(item.group)
    return list(found.items())


# Slug to name, in the order the question lists them (the case's choice of where you are).
JURISDICTIONS = names()
