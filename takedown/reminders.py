"""Reminders you keep: a calendar file (RFC 5545) with one event and alarm per chase-by time.

Calendars sync to shared family and school devices, so the text is neutral: the case
reference and "check on report", never a name, a platform, a link or a word about images.
Made from the case and ``now`` alone (pure); the file is sent once and never kept. No Flask.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from takedown.case import Case
from takedown.deadlines import next_steps

PRODID = "-//Takedown//Reminders//EN"
SUMMARY = "Check on report"


def reminder_times(case: Case, now: datetime) -> list[tuple[int, datetime]]:
    """(place number from 1, when) for each chase-by time still to come, soonest first."""
    found = [(step.index + 1, step.due_at) for step in next_steps(case, now)
             if step.due_at is not None and step.due_at > now]
    return sorted(found, key=lambda item: item[1])


def calendar_file(case: Case, now: datetime) -> bytes:
    """The calendar file: one event, with an alarm at its start, per chase-by time."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for number, due in reminder_times(case, now):
        start = due.astimezone(UTC).replace(microsecond=0)
        event = Event()
        event.add("uid", f"{case.reference}-{number}-{start:%Y%m%dT%H%M%SZ}@takedown")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        event.add("summary", f"{SUMMARY} ({case.reference})")
        event.add("description", f"Case {case.reference}: {SUMMARY.lower()} {number}.")
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{SUMMARY} ({case.reference})")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
