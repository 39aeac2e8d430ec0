"""Dates and times as people type them where a browser gives no picker, in their country's style.

Day first (31/12/2026 14:00) or month first (12/31/2026 2:00 PM), from the jurisdiction's
declared ``date_style``; the picker's own 2026-12-31T14:00 always; a date alone is midnight.
Digits are ASCII only (０１ and ² are not numbers here). Read to a wall-clock time (no zone):
the caller puts it in the case's time zone. No Flask.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+|,\s*)(.+))?$", re.ASCII)
_TYPED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:(?:\s+|,\s*)(?:at\s+)?(.+))?$",
                    re.IGNORECASE | re.ASCII)
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?\s*([ap])?\.?\s*(?:m\.?)?$",
                    re.IGNORECASE | re.ASCII)
_EXAMPLES = {"day-month-year": "31/12/2026 14:00", "month-day-year": "12/31/2026 2:00 PM"}
_ORDER_WORDS = {"day-month-year": "day/month/year", "month-day-year": "month/day/year"}


def example(date_style: str) -> str:
    """A date and time written in ``date_style``: "31/12/2026 14:00" or "12/31/2026 2:00 PM"."""
    return _EXAMPLES[date_style]


def asked_as(date_style: str) -> str:
    """How to type a date and time in ``date_style``, for a hint or an error message."""
    return f"{_ORDER_WORDS[date_style]}, like {example(date_style)}"


def _clock(text: str | None) -> time | None:
    if text is None:
        return time(0, 0)
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif match[2] is None:
        return None  # "14" alone is not a time; "2 pm" is
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_wall_time(text: str, date_style: str) -> datetime | None:
    """The wall-clock date and time in ``text`` (ISO, or ``date_style``), or None if it is
    not one: a day that does not exist, a month past 12, an hour past 23 are not."""
    text = " ".join(text.split())
    iso, typed = _ISO.match(text), _TYPED.match(text)
    if iso:
        year, month, day, rest = int(iso[1]), int(iso[2]), int(iso[3]), iso[4]
    elif typed:
        first, second, year, rest = int(typed[1]), int(typed[2]), int(typed[3]), typed[4]
        day, month = (second, first) if date_style == "month-day-year" else (first, second)
    else:
        return None
    clock = _clock(rest)
    if clock is None:
        return None
    try:
        return datetime.combine(date(year, month, day), clock)
    except ValueError:
        return None
