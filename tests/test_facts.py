"""Every sourced fact says what kind of source it is and when it was checked; make facts fails
past a year (its age is not tested here: the suite must not turn red on a date alone)."""

from datetime import date, timedelta

import pytest

from takedown import facts

TODAY = date.today()
ALL = facts.all_facts()


def test_every_data_file_has_facts():
    present = {file for file in facts.FILES if (facts.DATA / file).exists()}
    assert present >= {fact.file for fact in ALL} >= {"platforms.toml", "services.toml",
                                                       "law.toml"}
    assert len(ALL) > 150
    assert any(fact.entry.startswith("deadline ") for fact in ALL)


def test_the_jurisdictions_conventions_are_listed_apart_from_facts():
    found = facts.all_conventions()
    assert {c.file for c in found} == {"jurisdictions.toml"}
    assert {(c.entry, c.field) for c in found} >= {("jurisdiction 'us'", "letters"),
                                                   ("jurisdiction 'england'", "time_zones")}


@pytest.mark.parametrize("fact", [f for f in ALL if f.kind == "secondary"],
                         ids=lambda f: f"{f.file}:{f.entry}>{f.field}")
def test_every_secondary_fact_says_why(fact):
    assert fact.why_secondary, "say why_secondary: why no primary page was read"


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
why_secondary = "a news report; the platform's page was not read"
last_checked = 2025-01-01

[[platform.note]]
source = "https://a.example/old"
via = "https://web.archive.example/2016/a.example/old"
source_date = 2016-03-01
source_kind = "primary"
last_checked = 2026-11-01

[platform.letter]
sign_off = "Yours faithfully"
convention = true
"""


def test_facts_are_found_in_every_sub_table_and_sorted_oldest_first():
    found = facts.oldest_first(facts.facts_in(SAMPLE, "platforms.toml", "platform"))
    assert [(f.entry, f.field, f.kind) for f in found] == [
        ("platform 'a'", "note[0]", "secondary"), ("platform 'a'", "domains", "primary"),
        ("platform 'a'", "in_app", None), ("platform 'a'", "note[1]", "primary")]


def test_the_report_gives_ages_kinds_copies_and_why_and_warns_past_180_days():
    found = facts.facts_in(SAMPLE, "platforms.toml", "platform")
    lines = facts.report(found, date(2026, 12, 1),
                         facts.conventions_in(SAMPLE, "platforms.toml", "platform"))
    assert lines[1].split()[:4] == ["699", "2025-01-01", "-", "secondary"]
    assert lines[1].endswith("<- OVER A YEAR: read it again (limit 365 days)")
    assert lines[2].split() == ["secondary:", "a", "news", "report;", "the", "platform's",
                                "page", "was", "not", "read"]
    assert "MISSING" in lines[4] and not lines[4].endswith("days")
    assert lines[5].split()[:4] == ["30", "2026-11-01", "2016-03-01", "primary"]
    assert lines[6].split() == ["read", "in", "a", "copy:",
                                "https://web.archive.example/2016/a.example/old"]
    assert lines[7].split()[:5] == ["old", "copy:", "dated", "2016-03-01,", "3897"]
    assert "platform 'a' > letter" in lines[9]
    assert lines[10] == ("4 facts, 1 from a secondary source, 1 read in a copy dated more "
                         "than a year before it was read; 1 conventions.")
    assert lines[11].startswith("WARNING: 2 facts were last checked more than 180 days ago")
    assert lines[-1].startswith("FAILED: 2 facts were read more than 365 days ago, or have no "
                                "date or kind")
    assert facts.report(found, date(2025, 9, 1))[1].endswith("older than 180 days")
    fresh = facts.report([f for f in found if f.kind and f.last_checked.month == 11],
                         date(2026, 11, 2))
    assert not any(line.startswith(("WARNING", "FAILED")) for line in fresh)


def test_make_facts_fails_past_a_year_and_passes_within_it(capsys):
    assert facts.main(max(f.last_checked for f in ALL)) == 0
    oldest = min(f.last_checked for f in ALL)
    assert facts.main(oldest + timedelta(days=facts.MAX_DAYS + 1)) == 1
    assert capsys.readouterr().out.rstrip().splitlines()[-1].startswith("FAILED: ")


def test_a_fact_older_than_a_year_is_over_the_limit():
    stale = facts.Fact("law.toml", "law 'x'", "(the entry)", "https://x.example/", "primary",
                       TODAY - timedelta(days=facts.MAX_DAYS + 1))
    assert stale.age(TODAY) > facts.MAX_DAYS
