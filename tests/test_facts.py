"""Every sourced fact says what kind of source it is and is checked again within a year."""

from datetime import date, timedelta

import pytest

from takedown import facts

TODAY = date.today()
ALL = facts.all_facts()


def test_every_data_file_has_facts():
    assert {fact.file for fact in ALL} == set(facts.FILES)
    assert len(ALL) > 150


@pytest.mark.parametrize("fact", ALL, ids=lambda f: f"{f.file}:{f.entry}>{f.field}")
def test_every_fact_has_a_source_kind_and_was_checked_within_a_year(fact):
    assert fact.kind in ("primary", "secondary"), "say source_kind = primary or secondary"
    assert fact.source.startswith("https://")
    assert fact.last_checked is not None
    assert fact.age(TODAY) <= facts.MAX_DAYS, f"last checked {fact.last_checked}: check it again"


SAMPLE = """
[[platform]]
slug = "a"
source = "https://a.example/"
source_kind = "primary"
last_checked = 2026-01-01

[platform.in_app]
source = "https://a.example/steps"
last_checked = 2026-11-01

[[platform.note]]
source = "https://news.example/a"
source_kind = "secondary"
last_checked = 2025-01-01
"""


def test_facts_are_found_in_every_sub_table_and_sorted_oldest_first():
    found = facts.oldest_first(facts.facts_in(SAMPLE, "platforms.toml", "platform"))
    assert [(f.entry, f.field, f.kind) for f in found] == [
        ("platform 'a'", "note[0]", "secondary"), ("platform 'a'", "domains", "primary"),
        ("platform 'a'", "in_app", None)]


def test_the_report_gives_ages_and_warns_past_180_days():
    found = facts.facts_in(SAMPLE, "platforms.toml", "platform")
    lines = facts.report(found, date(2026, 12, 1))
    assert lines[1].split()[:3] == ["699", "2025-01-01", "secondary"]
    assert lines[1].endswith("older than 180 days")
    assert "MISSING" in lines[3] and not lines[3].endswith("days")
    assert lines[-1].startswith("WARNING: 2 facts were last checked more than 180 days ago")
    fresh = facts.report(found, date(2025, 1, 2))
    assert not any(line.startswith("WARNING") for line in fresh)


def test_a_fact_older_than_a_year_is_over_the_limit():
    stale = facts.Fact("law.toml", "law 'x'", "(the entry)", "https://x.example/", "primary",
                       TODAY - timedelta(days=facts.MAX_DAYS + 1))
    assert stale.age(TODAY) > facts.MAX_DAYS
