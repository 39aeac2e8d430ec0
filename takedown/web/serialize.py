"""The API's responses, each shape declared once: the JSON and its OpenAPI schema come from it.

Each shape is a dataclass whose fields carry their rule (``takedown.declare``'s ``Value``
and ``Written``): ``declare.to_data`` writes it as JSON, ``declare.json_schema`` describes it
(``schemas()`` gives every one, for ``openapi.py``). The functions at the end build the
shapes from the directory, the plan and the progress. Every sourced fact carries its
evidence inline, as ``"source"`` (the address it was checked against), ``"source_kind"``
(``primary`` or ``secondary``), ``"last_checked"`` (``YYYY-MM-DD``, the day it was read),
and the copy read where it was one: ``"read_in_copy"`` (its address), ``"source_date"``
(its own date) and, for a secondary source, ``"why_secondary"``. Optional values are
present as ``null`` rather than missing, so each object always has the same keys.
No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from takedown import deadlines, letterkinds, platforms
from takedown import plan as plans
from takedown.case import REFERENCE_PATTERN, Case, Location
from takedown.datafile import SOURCE_KINDS, Source
from takedown.declare import DATE_PATTERN, Nested, Value, Written, components, rule, to_data
from takedown.letters import LetterOption as Option

SECTION_IDS = ("urgent", "first", "not-to-do", "report", "stop-sharing", "school", "support")
_URL = {"type": "string", "format": "uri"}
_DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
_MOMENT = {"type": "string", "format": "date-time"}


def _value(schema, description: str | None = None, nullable: bool = False):
    if description:
        schema = {**schema, "description": description}
    return field(**rule(Value(schema, nullable)))


def _text(description: str | None = None, nullable: bool = False, **schema):
    return _value({"type": "string", **schema}, description, nullable)


def _texts(description: str | None = None):
    return _value({"type": "array", "items": {"type": "string"}}, description)


def _one_of(options, description: str | None = None, nullable: bool = False):
    return _value({"type": "string", "enum": list(options)}, description, nullable)


def _shape(of, **options):
    return field(**rule(Written(of, **options)))


def _shapes(of, **options):
    return field(**rule(Written(of, many=True, **options)))


# --- the directory ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sourced:
    """A fact from the directory, with the address it was checked against and when."""

    source: str = _value(_URL, "The https address the fact was checked against.")
    source_kind: str = _one_of(SOURCE_KINDS, "primary: the platform's, regulator's or law's "
                               "own page; secondary: someone else describing it.")
    last_checked: str = _value(_DATE, "When it was last checked.")
    read_in_copy: str | None = _value(_URL, "The copy actually read, when the page at source "
                                      "itself was not.", nullable=True)
    source_date: str | None = _value(_DATE, "The date of the copy read (an archived or dated "
                                     "copy).", nullable=True)
    why_secondary: str | None = _text("For a secondary source: why no primary page was read.",
                                      nullable=True)

    @staticmethod
    def of(source: Source) -> dict:
        """The evidence fields of a fact, to build a shape with."""
        return {"source": source.url, "source_kind": source.kind,
                "last_checked": source.last_checked.isoformat(), "read_in_copy": source.via,
                "source_date": source.source_date.isoformat() if source.source_date else None,
                "why_secondary": source.why_secondary}


@dataclass(frozen=True, slots=True)
class Steps(Sourced):
    """Steps to follow in order, as the platform's own help gives them."""

    title: str = _text()
    steps: tuple[str, ...] = _texts()


@dataclass(frozen=True, slots=True)
class Domains(Sourced):
    """The hosts a link to the platform can have."""

    domains: tuple[str, ...] = _texts("Hosts recognised with all their subdomains.")
    hosts: tuple[str, ...] = _texts("Hosts recognised only exactly.")


@dataclass(frozen=True, slots=True)
class WebForm(Sourced):
    """A web page where a report can be made."""

    title: str = _text()
    url: str = _value(_URL)
    account_needed: bool | None = _value({"type": "boolean"}, nullable=True)
    audiences: tuple[str, ...] = _value({"type": "array", "items": {
        "type": "string", "enum": list(platforms.AUDIENCES)}})


@dataclass(frozen=True, slots=True)
class Entity(Sourced):
    """A company that runs the service for some users."""

    name: str = _text()
    address: str | None = _text(nullable=True)
    serves: tuple[str, ...] = _value(lambda: {
        "type": "array", "minItems": 1, "items": {"type": "string", "enum": list(
            platforms.serves_values(platforms.DATA_FILE.read_text(encoding="utf-8")))},
        "description": "Whom the terms name it for: regions (uk, eu, us, australia, canada), "
                       "uk-eu, rest-of-world, or worldwide (everyone not named elsewhere)."})


@dataclass(frozen=True, slots=True)
class HashList(Sourced):
    """Whether the platform takes part in a hash-matching list."""

    name: str = _one_of(platforms.HASH_LISTS)
    title: str = _text()
    participates: bool = _value({"type": "boolean"})


@dataclass(frozen=True, slots=True)
class Note(Sourced):
    """A sourced sentence a reader needs, such as a warning about the report flow."""

    text: str = _text()


@dataclass(frozen=True, slots=True)
class PlatformSummary:
    """A platform in the list of platforms."""

    slug: str = _text()
    name: str = _text()
    kind: str = _one_of(platforms.KINDS)
    summary: str = _text()
    last_checked: str | None = _value(_DATE, "The latest date any fact about this platform "
                                      "was checked.", nullable=True)


@dataclass(frozen=True, slots=True)
class Platform(PlatformSummary):
    """A directory entry. A fact that could not be confirmed is null or absent from its list,
    never guessed."""

    domains: Domains | None = _shape(Domains, nullable=True, inline=True)
    in_app: Steps | None = _shape(Steps, nullable=True)
    web_forms: tuple[WebForm, ...] = _shapes(WebForm, inline=True)
    after_report: Steps | None = _shape(Steps, nullable=True)
    entities: tuple[Entity, ...] = _shapes(Entity, inline=True)
    hash_lists: tuple[HashList, ...] = _shapes(HashList, inline=True)
    notes: tuple[Note, ...] = _shapes(Note, inline=True)


@dataclass(frozen=True, slots=True)
class PlatformList:
    """The platform directory, in the order the site lists it."""

    platforms: tuple[PlatformSummary, ...] = _shapes(PlatformSummary)


@dataclass(frozen=True, slots=True)
class IdentifyResult:
    """The platform a link belongs to."""

    platform: str | None = _value(
        lambda: {"type": "string", "enum": [p.slug for p in platforms.all_platforms()]},
        nullable=True)


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A link to follow."""

    label: str = _text()
    url: str = _value(_URL)


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do."""

    id: str = _text()
    title: str = _text()
    body: tuple[str, ...] = _texts()
    items_title: str | None = _text(nullable=True)
    items: tuple[str, ...] = _texts("Steps to follow in order, such as a platform's in-app "
                                    "reporting steps, headed by items_title.")
    links: tuple[Link, ...] = _shapes(Link)
    places: tuple[Location, ...] = _shapes(
        Location, name="PlanLocation", description="The places in the case this step is about.")
    platform: str | None = _text(nullable=True)
    phone: str | None = _text(nullable=True)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the plan, with its steps in order."""

    id: str = _one_of(SECTION_IDS)
    title: str = _text()
    steps: tuple[Step, ...] = _shapes(Step, fewest=1)


@dataclass(frozen=True, slots=True)
class LetterOption:
    """A letter the case can have."""

    kind: str = _one_of(letterkinds.SLUGS)
    platform: str | None = _text(nullable=True)
    title: str = _text()


@dataclass(frozen=True, slots=True)
class Plan:
    """The action plan for a case."""

    reference: str = _text(pattern=REFERENCE_PATTERN)
    urgent: bool = _value({"type": "boolean"}, "Someone is in danger, there are threats, or "
                          "an adult is involved: do the 'urgent' section first.")
    sections: tuple[Section, ...] = _shapes(
        Section, description="In the order to do them; empty sections are left out.")
    letters: tuple[LetterOption, ...] = _shapes(LetterOption)


@dataclass(frozen=True, slots=True)
class PlanResult:
    """The normalised case and its plan."""

    case: Case = field(**rule(Nested(Case)))
    plan: Plan = _shape(Plan)


# --- progress -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """The rule that sets when the next step is due, with its source."""

    slug: str = _text()
    basis: str = _one_of(deadlines.BASES, "law: the law sets the time; practice: a service's "
                         "own advice; ours: no law sets a time, the time is our own suggestion.")
    says: str = _text()
    source: str = _value(_URL)
    last_checked: str = _value(_DATE)


@dataclass(frozen=True, slots=True)
class Route:
    """A service to go to next."""

    slug: str = _text()
    name: str = _text()
    url: str = _value(_URL)


@dataclass(frozen=True, slots=True)
class PlaceProgress:
    """One place's state after its logged reports, and what is due next."""

    place: int = _value({"type": "integer", "minimum": 0}, "Index in locations.")
    platform: str = _text()
    state: str = _one_of(deadlines.STATES)
    due_at: str | None = _value(_MOMENT, "When the next step is due (UTC).", nullable=True)
    hours_passed: int | None = _value({"type": "integer", "minimum": 0}, "Hours since the "
                                      "first report to the platform.", nullable=True)
    hours_left: int | None = _value({"type": "integer", "minimum": 0}, nullable=True)
    next_step: str = _text()
    rule: Rule | None = _shape(Rule, nullable=True, inline=True)
    letter: str | None = _value(lambda: {"type": "string",
                                         "enum": list(letterkinds.deadline_letters())},
                                nullable=True)
    routes: tuple[Route, ...] = _shapes(Route, inline=True)


@dataclass(frozen=True, slots=True)
class ProgressResult:
    """The normalised case, the moment it was read at, and each place's progress."""

    case: Case = field(**rule(Nested(Case)))
    now: str = _value(_MOMENT)
    progress: tuple[PlaceProgress, ...] = _shapes(PlaceProgress)


# --- errors -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Error:
    """What went wrong, in words."""

    error: str = _text("The HTTP status, in words.")
    message: str = _text("What went wrong.")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with one field."""

    field: str = _text(
        "Where the problem is: a dotted path into the body such as 'requester.email' or "
        "'locations[0].url', or 'platform' for the ?platform query parameter of a letter.",
        minLength=1)
    message: str = _text(minLength=1)


@dataclass(frozen=True, slots=True)
class FieldErrors:
    """Every problem with the body, each naming its field."""

    errors: tuple[Problem, ...] = _shapes(Problem, name="FieldError", fewest=1)


RESPONSES = (Error, FieldErrors, PlatformList, Platform, IdentifyResult, PlanResult,
             ProgressResult)


def schemas() -> dict[str, dict]:
    """The JSON Schema of every response and of everything in them (the case too), by name."""
    return components(*RESPONSES)


# --- building the shapes ------------------------------------------------------------------


def _steps(steps: platforms.Steps | None) -> Steps | None:
    if steps is None:
        return None
    return Steps(title=steps.title, steps=steps.steps, **Sourced.of(steps.source))


def _summary(platform: platforms.Platform) -> dict:
    checked = platform.last_checked
    return {"slug": platform.slug, "name": platform.name, "kind": platform.kind,
            "summary": platform.summary, "last_checked": checked.isoformat() if checked else None}


def platform_summary(platform: platforms.Platform) -> dict:
    """The short form used in the list of platforms."""
    return to_data(PlatformSummary(**_summary(platform)))


def platform_list(entries) -> dict:
    """The whole list of platforms, each in short."""
    return to_data(PlatformList(tuple(PlatformSummary(**_summary(p)) for p in entries)))


def platform_to_dict(platform: platforms.Platform) -> dict:
    """The whole directory entry, every fact with its source and date."""
    domains = None
    if platform.domains_source is not None:
        domains = Domains(domains=platform.domains, hosts=platform.hosts,
                          **Sourced.of(platform.domains_source))
    return to_data(Platform(
        **_summary(platform),
        domains=domains,
        in_app=_steps(platform.in_app),
        web_forms=tuple(WebForm(title=f.title, url=f.url, account_needed=f.account_needed,
                                audiences=f.audiences, **Sourced.of(f.source))
                        for f in platform.web_forms),
        after_report=_steps(platform.after_report),
        entities=tuple(Entity(name=e.name, address=e.address, serves=e.serves,
                              **Sourced.of(e.source)) for e in platform.entities),
        hash_lists=tuple(HashList(name=h.name, title=h.title, participates=h.participates,
                                  **Sourced.of(h.source)) for h in platform.hash_lists),
        notes=tuple(Note(text=n.text, **Sourced.of(n.source)) for n in platform.notes),
    ))


def identified(platform: platforms.Platform | None) -> dict:
    """The platform a link belongs to, or null."""
    return to_data(IdentifyResult(platform.slug if platform else None))


def _step(step: plans.Step) -> Step:
    return Step(id=step.id, title=step.title, body=step.body, items_title=step.items_title,
                items=step.items, links=tuple(Link(link.label, link.url) for link in step.links),
                places=step.places, platform=step.platform, phone=step.phone)


def _plan(plan: plans.Plan, letters: list[Option]) -> Plan:
    return Plan(
        reference=plan.reference, urgent=plan.urgent,
        sections=tuple(Section(s.id, s.title, tuple(_step(step) for step in s.steps))
                       for s in plan.sections),
        letters=tuple(LetterOption(o.kind, o.platform, o.title) for o in letters))


def plan_to_dict(plan: plans.Plan, letters: list[Option]) -> dict:
    """The action plan: sections and steps in the order to do them, and its letters."""
    return to_data(_plan(plan, letters))


def plan_result(case: Case, plan: plans.Plan, letters: list[Option]) -> dict:
    """The normalised case and its plan."""
    return to_data(PlanResult(case, _plan(plan, letters)))


def _progress(step: deadlines.Progress) -> PlaceProgress:
    rule_ = step.rule
    return PlaceProgress(
        place=step.index,
        platform=step.location.platform,
        state=step.state,
        due_at=step.due_at.isoformat() if step.due_at else None,
        hours_passed=step.hours_passed,
        hours_left=step.hours_left,
        next_step=step.next_step,
        rule=None if rule_ is None else Rule(
            rule_.slug, rule_.basis, rule_.says, rule_.source.url,
            rule_.source.last_checked.isoformat()),
        letter=step.letter,
        routes=tuple(Route(s.slug, s.name, s.url) for s in step.routes),
    )


def progress_to_dict(step: deadlines.Progress) -> dict:
    """One place's progress as JSON-ready data, times ISO 8601."""
    return to_data(_progress(step))


def progress_result(case: Case, now, steps) -> dict:
    """The normalised case, the moment, and each place's progress."""
    return to_data(ProgressResult(case, now.isoformat(), tuple(_progress(s) for s in steps)))


def error(name: str, message: str) -> dict:
    """An error's JSON: the status in words and what went wrong."""
    return to_data(Error(name, message))


def field_errors(errors) -> dict:
    """A 422's JSON: every problem, each naming its field."""
    return to_data(FieldErrors(tuple(Problem(e.field, e.message) for e in errors)))
