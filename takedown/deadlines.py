"""After a report: each place's state, what is due next and when, from sourced rules only.

The rules are the ``[[deadline]]`` tables of ``data/law.toml``: each says how long after a
report (or after a refusal) the next step is due, whether the law, a service's own practice
or we ourselves set that time, and where to go next. ``next_steps(case, now)`` is pure: the
caller passes ``now`` (an aware datetime). Times are counted in real hours (UTC), so a
daylight-saving change never makes 48 hours into 47 or 49, then shown in the case's time
zone. No Flask here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from takedown import datafile, jurisdictions, platforms, services
from takedown.case import CHANNELS, Case, Location, Report
from takedown.datafile import Entry, Source
from takedown.law import APPLIES_TO

DATA_FILE = Path(__file__).parent / "data" / "law.toml"
AFTER = ("report", "refusal")
BASES = ("law", "practice", "ours")
ROLES = ("parent", "school", "caseworker", "young-person")
# Our own default, not a law's: when to look again at a place after it was removed.
CHECK_AGAIN_DAYS = 7
STATES = {
    "not-reported": "Not reported yet",
    "waiting": "Waiting for an answer",
    "overdue": "Overdue: time for the next step",
    "removed": "Removed",
    "refused": "Refused",
}
PLATFORM_CHANNELS = ("in-app", "web-form", "take-it-down-form", "dsa-form", "email", "post")


@dataclass(frozen=True, slots=True)
class Deadline:
    """One rule: when the next step after a report or refusal is due, and on what basis."""

    slug: str
    jurisdictions: tuple[str, ...]
    audiences: frozenset[str]
    after: str
    channels: tuple[str, ...]
    hours: int | None
    months: int | None
    basis: str
    says: str
    then: str
    letter_says: str | None
    routes: tuple[str, ...]
    roles: tuple[str, ...]
    letter: str | None  # the letter to offer next: one of letterkinds.deadline_letters()
    source: Source
    in_force: date | None
    online_platforms_only: bool = False  # only where the directory says the service is one (DSA)

    @property
    def ours(self) -> bool:
        """True when no law or service sets the time: it is our own default."""
        return self.basis == "ours"


def _whole(reader: Entry, field: str) -> int | None:
    value = reader.table.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        reader.fail(field, "must be a whole number above 0")
    return value


def _deadline(reader: Entry, slug: str) -> Deadline:
    after = reader.choice("after", AFTER)
    hours, months = _whole(reader, "hours"), _whole(reader, "months")
    if after == "report" and hours is None:
        reader.fail("hours", "is needed when after = report")
    letter = reader.table.get("letter")
    return Deadline(
        slug=slug,
        jurisdictions=reader.choices("jurisdictions", tuple(jurisdictions.names())),
        audiences=APPLIES_TO[reader.choice("applies_to", tuple(APPLIES_TO))],
        after=after,
        channels=reader.choices("channels", tuple(CHANNELS)) if after == "report" else (),
        hours=hours,
        months=months,
        basis=reader.choice("basis", BASES),
        says=reader.text("says"),
        then=reader.text("then"),
        letter_says=reader.text("letter_says", required=False),
        routes=reader.texts("routes", required=False),
        roles=reader.choices("roles", ROLES) if "roles" in reader.table else (),
        letter=reader.text("letter") if letter is not None else None,
        source=reader.source(),
        in_force=reader.date("in_force", required=False),
        online_platforms_only=bool(reader.flag("online_platforms_only", required=False)),
    )


def parse_deadlines(text: str, today: date | None = None) -> tuple[Deadline, ...]:
    """Parse the [[deadline]] tables of law TOML; raise DataFileError naming what is wrong."""
    found = datafile.entries(text, "deadline", "the law file", today)
    rules = tuple(datafile.by_slug(found, "deadline", _deadline).values())
    for rule in rules:
        for slug in rule.routes:
            if services.get(slug) is None:
                raise datafile.DataFileError(
                    f"deadline '{rule.slug}': route '{slug}' is not in services.toml")
    return rules


@cache
def all_deadlines() -> tuple[Deadline, ...]:
    """Every rule in the file, in file order; none if the file is absent."""
    if not DATA_FILE.exists():
        return ()
    return parse_deadlines(DATA_FILE.read_text(encoding="utf-8"))


# --- time ------------------------------------------------------------------------------


def zone_of(case: Case) -> ZoneInfo:
    """The time zone a case's times are shown in: the one chosen, or its jurisdiction's first."""
    return ZoneInfo(case.zone_name)


def add_months(moment: datetime, months: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time ``months`` later in ``zone`` (the month's last day if short)."""
    local = moment.astimezone(zone)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    wall = local.replace(tzinfo=None, year=year, month=month, day=day)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def after_hours(moment: datetime, hours: int) -> datetime:
    """``hours`` real hours after ``moment``, in UTC: daylight saving never changes the count."""
    return moment.astimezone(UTC) + timedelta(hours=hours)


# No reminder at night in the case's zone: from 21:00 to 08:00 it moves to 09:00.
NIGHT_STARTS, NIGHT_ENDS, MORNING = time(21), time(8), time(9)


def out_of_night(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` (UTC) kept if it falls between 08:00 and 21:00 in ``zone``; otherwise the next
    09:00 there (the same morning before 08:00, the next morning from 21:00). Never earlier."""
    local = moment.astimezone(zone)
    if NIGHT_ENDS <= local.time() < NIGHT_STARTS:
        return moment.astimezone(UTC)
    day = local.date() + timedelta(days=1 if local.time() >= NIGHT_STARTS else 0)
    return datetime.combine(day, MORNING, tzinfo=zone).astimezone(UTC)


def next_morning(now: datetime, zone: ZoneInfo) -> datetime:
    """09:00 in ``zone`` the next morning after ``now``: today's before 08:00, else tomorrow's."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=0 if local.time() < NIGHT_ENDS else 1)
    return datetime.combine(day, MORNING, tzinfo=zone).astimezone(UTC)


def hours_between(start: datetime, end: datetime) -> int:
    """Whole hours from ``start`` to ``end`` (0 when end is earlier)."""
    return max(0, int((end - start).total_seconds() // 3600))


# --- the rules for a place ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """One place's state after its reports, and the next step with when it is due."""

    index: int
    location: Location
    state: str
    report: Report | None          # the latest report
    first: Report | None           # the first report made to the platform itself
    rule: Deadline | None
    due_at: datetime | None        # UTC; None: nothing timed is due
    next_step: str
    routes: tuple[services.Service, ...]
    letter: str | None
    hours_passed: int | None       # since the first report to the platform (or the latest)
    hours_left: int | None

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def _fits(rule: Deadline, case: Case, report: Report | None, platform: str | None) -> bool:
    if case.jurisdiction not in rule.jurisdictions:
        return False
    if rule.online_platforms_only and not (platform and platforms.get(platform)
                                           and platforms.get(platform).online_platform):
        return False
    if ("child" if case.person.under_18 else "adult") not in rule.audiences:
        return False
    if rule.roles and case.requester.role not in rule.roles:
        return False
    if report is not None:
        if report.channel not in rule.channels:
            return False
        if rule.in_force and report.at.astimezone(UTC).date() < rule.in_force:
            return False
    return True


def rule_for(case: Case, report: Report, after: str, to_platform: bool = False,
             platform: str | None = None) -> Deadline | None:
    """The first rule in the file that fits this report (after = report) or a refusal.

    ``to_platform``: for a letter to the platform, which quotes the law or our own default,
    never a helpline's advice to the family. ``platform``: the slug of the place's platform,
    for a rule that applies only to online platforms.
    """
    for rule in all_deadlines():
        if to_platform and rule.basis == "practice":
            continue
        if rule.after == after and _fits(rule, case, report if after == "report" else None,
                                         platform):
            return rule
    return None


def routes_for(rule: Deadline | None, case: Case) -> tuple[services.Service, ...]:
    """The services a rule sends this case to: those for its audience, the member's own where
    the case names one (its national hotline, its Digital Services Coordinator)."""
    if rule is None:
        return ()
    audience = "under-18" if case.person.under_18 else "adult"
    where = jurisdictions.for_case(case)
    chosen = []
    for slug in rule.routes:
        service = services.get(slug)
        if service.audience not in (audience, "everyone"):
            continue
        if slug == "posh" and case.requester.role not in ("school", "caseworker"):
            continue
        chosen.append(where.own(service))
    return tuple(chosen)


def _first_to_platform(reports: tuple[Report, ...]) -> Report | None:
    to_platform = [r for r in reports if r.channel in PLATFORM_CHANNELS]
    return min(to_platform, key=lambda r: r.at) if to_platform else None


def place_progress(case: Case, index: int, now: datetime) -> Progress:
    """The state and next step of one place at ``now`` (an aware datetime)."""
    location = case.locations[index]
    name = location.platform_entry.name if location.platform != "other" else "the website"
    if not location.reports:
        return Progress(index, location, "not-reported", None, None, None, None,
                        f"Report it on {name}, then log the report here.", (), None, None, None)
    latest = max(location.reports, key=lambda r: r.at)
    first = _first_to_platform(location.reports)
    since = first or latest
    passed = hours_between(since.at, now)
    outcome = latest.outcome
    if outcome == "removed":
        known = latest.outcome_at or latest.at
        due = known.astimezone(UTC) + timedelta(days=CHECK_AGAIN_DAYS)
        return Progress(index, location, "removed", latest, first, None, due, (
            f"Check again in a few days (we suggest {CHECK_AGAIN_DAYS} days): copies "
            "come back. Search for it where it was without opening anything you "
            "find, and report any new copy."), (), None, passed, hours_between(now, due))
    if outcome == "refused":
        rule = rule_for(case, latest, "refusal", platform=location.platform)
        due = None
        if rule is not None and rule.months:
            due = add_months(latest.outcome_at or latest.at, rule.months, zone_of(case))
        step = rule.then if rule else "Ask for help from the services in your plan."
        return Progress(index, location, "refused", latest, first, rule, due, step,
                        routes_for(rule, case), rule.letter if rule else None, passed,
                        hours_between(now, due) if due else None)
    rule = rule_for(case, latest, "report", platform=location.platform)
    due = after_hours(latest.at, rule.hours) if rule else None
    late = outcome == "no-reply" or (due is not None and now >= due)
    if late:
        step = rule.then if rule else "Chase the report, quoting its reference."
        letter = (rule.letter if rule else None) or ("follow-up" if first else None)
        return Progress(index, location, "overdue", latest, first, rule, due, step,
                        routes_for(rule, case), letter, passed, 0)
    step = (f"Wait for {name} to answer. If it has not removed the image by then, "
            f"{rule.then[:1].lower()}{rule.then[1:]}" if rule else "Wait for an answer.")
    return Progress(index, location, "waiting", latest, first, rule, due, step,
                    routes_for(rule, case), None, passed, hours_between(now, due) if due else None)


def next_steps(case: Case, now: datetime) -> tuple[Progress, ...]:
    """Every place's state and next step at ``now`` (aware), in the case's order."""
    if now.tzinfo is None:
        raise ValueError("next_steps() needs an aware now, with its time zone")
    return tuple(place_progress(case, index, now) for index in range(len(case.locations)))


def due_follow_ups(case: Case, now: datetime) -> list[str]:
    """The platforms (slugs, once each) with a place whose follow-up letter is due."""
    return list(dict.fromkeys(
        step.location.platform for step in next_steps(case, now)
        if step.overdue and step.letter == "follow-up" and step.first is not None))


def hash_help(case: Case, location: Location) -> dict:
    """After removal: the hash services that can help this person, and who in the case joins."""
    remove = jurisdictions.for_case(case).remove
    if case.person.under_18:
        found = [remove.hash_child, remove.young_person_tool]
        list_name = "take-it-down"
    else:
        found, list_name = [remove.hash_adult], "stopncii"
    taking_part = [platforms.get(slug).name for slug in case.platform_slugs
                   if slug != "other" and any(h.name == list_name and h.participates
                                              for h in platforms.get(slug).hash_lists)]
    return {"services": [service for service in found if service is not None],
            "taking_part": taking_part, "list": platforms.HASH_LISTS[list_name]}


def zone_label(zone_name: str) -> str:
    """A time zone as people say it: "London time"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ") + " time"


def moment_words(case: Case):
    """A function writing a moment in the case's zone: "Wednesday 2 December 2026, 10:00
    (London time)" (US: "Wednesday December 2, 2026")."""
    zone = zone_of(case)
    style = jurisdictions.get(case.jurisdiction).letters

    def words(moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone)
        return f"{local:%A} {style.long_date(local)}, {local:%H:%M} ({zone_label(zone.key)})"

    return words
