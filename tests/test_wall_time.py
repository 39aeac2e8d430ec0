"""Dates and times typed where there is no picker, in the family's own date style."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from takedown.wall_time import asked_as, example, read_wall_time

UK, US = "day-month-year", "month-day-year"


@pytest.mark.parametrize("text, style, expected", [
    ("31/12/2026 14:00", UK, datetime(2026, 12, 31, 14, 0)),
    ("31/12/2026, 14:00", UK, datetime(2026, 12, 31, 14, 0)),
    ("31.12.2026 14.00", UK, datetime(2026, 12, 31, 14, 0)),
    ("1/2/2026 9:05", UK, datetime(2026, 2, 1, 9, 5)),
    ("31/12/2026 2:00 pm", UK, datetime(2026, 12, 31, 14, 0)),
    ("31/12/2026", UK, datetime(2026, 12, 31, 0, 0)),
    ("12/31/2026 2:00 PM", US, datetime(2026, 12, 31, 14, 0)),
    ("12/31/2026 at 2 p.m.", US, datetime(2026, 12, 31, 14, 0)),
    ("12/31/2026 12:30 AM", US, datetime(2026, 12, 31, 0, 30)),
    ("12/31/2026 12:30 PM", US, datetime(2026, 12, 31, 12, 30)),
    ("1/2/2026 14:00", US, datetime(2026, 1, 2, 14, 0)),
    ("2026-12-31T14:00", UK, datetime(2026, 12, 31, 14, 0)),
    ("2026-12-31 14:00", US, datetime(2026, 12, 31, 14, 0)),
    ("  2026-12-31  ", US, datetime(2026, 12, 31, 0, 0)),
])
def test_what_people_type_is_read_in_their_style(text, style, expected):
    assert read_wall_time(text, style) == expected


@pytest.mark.parametrize("text, style", [
    ("12/31/2026 14:00", UK),   # no 31st month
    ("31/12/2026 14:00", US),
    ("31/11/2026 10:00", UK),   # 31 November
    ("31/12/2026 25:00", UK),
    ("31/12/2026 14:75", UK),
    ("12/31/2026 13:00 PM", US),
    ("31/12/2026 14", UK),      # an hour alone is not a time
    ("31/12/26 14:00", UK),     # a two-digit year is not guessed
    ("yesterday", UK),
    ("", UK),
])
def test_what_is_not_a_date_and_time_is_refused(text, style):
    assert read_wall_time(text, style) is None


def test_the_hint_says_the_order_and_gives_an_example():
    assert asked_as(UK) == "day/month/year, like 31/12/2026 14:00"
    assert asked_as(US) == "month/day/year, like 12/31/2026 2:00 PM"
    assert read_wall_time(example(UK), UK) == read_wall_time(example(US), US)


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)))
def test_a_moment_written_in_either_style_reads_back(moment):
    moment = moment.replace(second=0, microsecond=0)
    hour12 = moment.hour % 12 or 12
    uk = f"{moment.day}/{moment.month}/{moment.year} {moment:%H:%M}"
    us = f"{moment.month}/{moment.day}/{moment.year} {hour12}:{moment:%M} {moment:%p}"
    assert read_wall_time(uk, UK) == moment
    assert read_wall_time(us, US) == moment
    assert read_wall_time(moment.strftime("%Y-%m-%dT%H:%M"), US) == moment


@pytest.mark.parametrize("text", ["３１/１２/２０２６ 14:00", "31/12/2026 １４:00", "31/12/2026 2² pm"])
def test_only_ascii_digits_are_read(text):
    assert read_wall_time(text, UK) is None
