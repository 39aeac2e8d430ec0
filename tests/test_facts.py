"""Every sourced fact says what kind of source it is and when it was checked; make facts fails
past a year (its age is not tested here: the suite must not turn red on a date alone)."""

from datetime import date, timedelta

import pytest

from takedown import facts

ALL = facts.all_facts()


def test_every_data_file_has_facts():
    assert {fact.file for fact in ALL} == set(facts.FILES)
    assert len(ALL) > 150


@pytest.mark.parametrize("fact", ALL, ids=lambda f: f"{f.file}:{f.entry}>{f.field}")
def test_every_fact_has_a_source_kind_and_the_date_it_was_checked(fact):
    assert fact.kind in ("primary", "secondary"), "say source_kind = primary or secondary"
    assert fact.source.startswith("https://")
    assert fact.last_checked is not None


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


def test_the_report_gives_ages_warns_past_180_days_and_fails_past_365():
    found = facts.facts_in(SAMPLE, "platforms.toml", "platform")
    lines = facts.report(found, date(2026, 12, 1))
    assert lines[1].split()[:3] == ["699", "2025-01-01", "secondary"]
    assert lines[1].endswith("older than 180 days")
    assert "MISSING" in lines[3] and not lines[3].endswith("days")
    assert lines[-2].startswith("WARNING: 2 facts were last checked more than 180 days ago")
    assert lines[-1].startswith("FAILED: 1 facts were last checked more than 365 days ago")
    fresh = facts.report(found, date(2025, 1, 2))
    assert not any(line.startswith(("WARNING", "FAILED")) for line in fresh)


def test_a_fact_older_than_a_year_is_over_the_limit():
    today = date(2026, 12, 1)
    stale, fresh = (facts.Fact("law.toml", "law 'x'", "(the entry)", "https://x.example/",
                               "primary", today - timedelta(days=days))
                    for days in (facts.MAX_DAYS + 1, facts.MAX_DAYS))
    assert facts.over_the_limit([stale, fresh], today) == [stale]


def test_make_facts_fails_past_a_year_and_says_so(tmp_path, capsys):
    (tmp_path / "platforms.toml").write_text(SAMPLE)
    assert facts.main(date(2025, 12, 31), tmp_path) == 0
    assert "FAILED" not in capsys.readouterr().out
    assert facts.main(date(2026, 1, 2), tmp_path) == 1  # the note was checked on 2025-01-01
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "FAILED: 1 facts were last checked more than 365 days ago")
