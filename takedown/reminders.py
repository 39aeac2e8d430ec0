"""Reminders you keep: a calendar file (RFC 5545) with one event and alarm per reminder time.

What is reminded: each place's chase-by time still to come; and, the next morning at 09:00 in
the case's time zone, every place where something is to be done now (overdue, refused, or not
reported yet). No reminder falls at night there: one due between 21:00 and 08:00 moves to 09:00.
Places reminded at the same time share one event. So a case with anything due or overdue never
gives an empty calendar.

Calendars sync to shared family and school devices, so the file's text is neutral: the case
reference and "check on report", never a name, a platform, a link or a word about images. The
page that offers the file may say more (``Reminder.why``), as it is not synced. Made from the
case and ``now`` alone (pure); the file is sent once and never kept. No Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from takedown.case import Case
from takedown.deadlines import next_morning, next_steps, out_of_night, zone_of

PRODID = "-//Takedown//Reminders//EN"
SUMMARY = "Check on report"
# What each state asks for at the reminder, for the page that offers the file.
_WHY = {
    "not-reported": "not reported yet",
    "overdue": "overdue: time for the next step",
    "refused": "refused: ask it to look again, or take the next step",
    "waiting": "the time to chase it",
    "removed": "check that it has not come back",
}
_ACT_NOW = ("not-reported", "overdue", "refused")


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder: when (UTC), the places it is for (numbers from 1), and why, for the page."""

    at: datetime
    places: tuple[int, ...]
    why: tuple[str, ...]


def reminders(case: Case, now: datetime) -> list[Reminder]:
    """Every reminder the calendar file holds, soonest first."""
    zone = zone_of(case)
    found: dict[datetime, list[tuple[int, str]]] = {}
    for step in next_steps(case, now):
        number = step.index + 1
        times = []
        if step.state in _ACT_NOW:
            times.append((next_morning(now, zone), _WHY[step.state]))
        if step.due_at is not None and step.due_at > now and step.state not in (
                "not-reported", "overdue"):
            why = "the last day for its next step" if step.state == "refused" else _WHY[step.state]
            times.append((out_of_night(step.due_at, zone), why))
        for at, why in times:
            found.setdefault(at.replace(microsecond=0), []).append((number, why))
    return [Reminder(at, tuple(n for n, _ in items), tuple(w for _, w in items))
            for at, items in sorted(found.items())]


def reminder_times(case: Case, now: datetime) -> list[tuple[int, datetime]]:
    """(place number from 1, when) for each place's reminder, soonest first."""
    return [(number, item.at) for item in reminders(case, now) for number in item.places]


def calendar_file(case: Case, now: datetime) -> bytes:
    """The calendar file: one event, with an alarm at its start, per reminder time."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for item in reminders(case, now):
        start = item.at.astimezone(UTC)
        numbers = ", ".join(str(n) for n in item.places)
        event = Event()
        event.add("uid", f"{case.reference}-{start:%Y%m%dT%H%M%SZ}@takedown")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        event.add("summary", f"{SUMMARY} ({case.reference})")
        event.add("description", f"Case {case.reference}: {SUMMARY.lower()} {numbers}.")
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{SUMMARY} ({case.reference})")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
