"""The one reader behind platforms.toml, services.toml and law.toml: exact values, sourced facts."""

from datetime import date

import pytest

from takedown import case, datafile, jurisdictions, law, platforms, services
from takedown.datafile import DataFileError
from tests.test_platforms import GOOD

TODAY = date(2026, 12, 1)

LAW = """
[[law]]
slug = "pca-1978-s1"
jurisdictions = ["england", "wales"]
applies_to = "under-18"
topic = "child-offence"
citation = "Protection of Children Act 1978, section 1"
summary = "Offence to make or distribute indecent photographs of a child."
source = "https://www.legislation.gov.uk/ukpga/1978/37/section/1"
source_kind = "primary"
last_checked = 2026-11-25
"""

SERVICE = """
[[service]]
slug = "helpline"
name = "A helpline"
audience = "everyone"
regions = ["uk"]
what = "Help."
url = "https://help.example/"
source = "https://help.example/about"
source_kind = "primary"
last_checked = 2026-11-25
"""

# The directory of test_platforms, with a web form on its last entry.
PLATFORM = GOOD + """
[[platform.web_form]]
title = "Report"
url = "https://example.com/report"
audiences = ["under-18"]
source = "https://example.com/help/report"
source_kind = "primary"
last_checked = 2026-11-25
"""


def law_error(text: str) -> str:
    with pytest.raises(DataFileError) as error:
        law.parse_laws(text, TODAY)
    return str(error.value)


def test_a_good_entry_of_each_file_parses():
    (item,) = law.parse_laws(LAW, TODAY)
    assert item.jurisdictions == ("england", "wales") and item.topic == "child-offence"
    assert item.audiences == {"child"} and item.last_checked == date(2026, 11, 25)
    assert services.parse_services(SERVICE, TODAY)["helpline"].regions == ("uk",)
    assert platforms.parse_directory(PLATFORM, TODAY)["other"].web_forms[0].audiences == (
        "under-18",)


def test_an_error_names_the_entry_and_the_field():
    assert law_error(LAW.replace('"Protection of Children Act 1978, section 1"', '"  "')) == (
        "law 'pca-1978-s1': field 'citation' must be a non-empty string")
    with pytest.raises(DataFileError, match=r"^platform 'other' > web_form\[0\]: field 'url' "
                                            r"must be an https:// address, not 'http://e.com'$"):
        platforms.parse_directory(PLATFORM.replace("https://example.com/report", "http://e.com"),
                                  TODAY)
    regions = ", ".join(services.regions())  # the declaration's groups, then worldwide
    with pytest.raises(DataFileError, match=rf"^service 'helpline': field 'regions' must list only "
                                            rf"{regions}, not 'england'$"):
        services.parse_services(SERVICE.replace('["uk"]', '["england"]'), TODAY)


def test_an_entry_without_a_slug_is_named_by_its_place_in_the_file():
    assert law_error(LAW + LAW.replace('slug = "pca-1978-s1"\n', "")).startswith(
        "law #2: field 'slug'")


@pytest.mark.parametrize("source", ["http://www.legislation.gov.uk/ukpga/1978/37",
                                    "www.legislation.gov.uk/ukpga/1978/37", "https://", ""])
def test_a_source_that_is_not_an_https_address_is_refused(source):
    text = LAW.replace("https://www.legislation.gov.uk/ukpga/1978/37/section/1", source)
    assert law_error(text).startswith("law 'pca-1978-s1': field 'source'")
    with pytest.raises(DataFileError, match="service 'helpline': field 'source'"):
        services.parse_services(SERVICE.replace("https://help.example/about", source), TODAY)


@pytest.mark.parametrize("kind, problem", [
    ("", "is missing: say primary or secondary"),
    ('source_kind = "official"', "must be one of primary, secondary, not 'official'"),
    ('source_kind = "Primary"', "must be one of primary, secondary, not 'Primary'"),
    ("source_kind = true", "must be a non-empty string"),
])
def test_every_source_must_say_whether_it_is_primary_or_secondary(kind, problem):
    def without(text):
        return text.replace('source_kind = "primary"', kind)
    assert law_error(without(LAW)) == f"law 'pca-1978-s1': field 'source_kind' {problem}"
    with pytest.raises(DataFileError, match=f"^service 'helpline': field 'source_kind' {problem}$"):
        services.parse_services(without(SERVICE), TODAY)
    broken = PLATFORM.rsplit('source_kind = "primary"', 1)
    with pytest.raises(DataFileError, match=r"^platform 'other' > web_form\[0\]: field "
                                            f"'source_kind' {problem}$"):
        platforms.parse_directory(kind.join(broken), TODAY)


def test_a_source_keeps_its_kind_and_domain():
    text = SERVICE.replace('source_kind = "primary"',
                           'source_kind = "secondary"\nwhy_secondary = "a charity\'s copy"')
    source = services.parse_services(text, TODAY)["helpline"].source
    assert source.secondary and source.domain == "help.example"
    assert source.why_secondary == "a charity's copy"
    assert law.parse_laws(LAW, TODAY)[0].source_kind == "primary"


def test_a_secondary_source_must_say_why_and_a_primary_one_must_not():
    secondary = SERVICE.replace('source_kind = "primary"', 'source_kind = "secondary"')
    with pytest.raises(DataFileError, match="^service 'helpline': field 'why_secondary' is "
                                            "missing: say why no primary page was read"):
        services.parse_services(secondary, TODAY)
    why = 'why_secondary = "a copy"'
    assert law_error(LAW.replace('source_kind = "primary"', f'source_kind = "primary"\n{why}')) \
        == "law 'pca-1978-s1': field 'why_secondary' is only for a secondary source"


def test_the_copy_read_and_its_date_are_kept_and_never_newer_than_the_day_read():
    copied = LAW.replace("last_checked = 2026-11-25", "last_checked = 2026-11-25\n"
                         'via = "https://copy.example/s1"\nsource_date = 2016-05-01')
    read = law.parse_laws(copied, TODAY)[0].read
    assert (read.via, read.source_date, read.read_at) == (
        "https://copy.example/s1", date(2016, 5, 1), "https://copy.example/s1")
    assert law_error(copied.replace("2016-05-01", "2026-11-26")).startswith(
        "law 'pca-1978-s1': field 'source_date' is 2026-11-26, after last_checked (2026-11-25)")
    assert law_error(copied.replace("https://copy.example/s1", "http://copy.example/s1")) \
        .startswith("law 'pca-1978-s1': field 'via' must be an https:// address")


@pytest.mark.parametrize("checked", ["", 'last_checked = "2026-11-25"',
                                     "last_checked = 2026-11-25T10:00:00",
                                     "last_checked = 2026-12-02"])
def test_last_checked_must_be_a_toml_date_not_after_today(checked):
    text = LAW.replace("last_checked = 2026-11-25", checked)
    assert law_error(text).startswith("law 'pca-1978-s1': field 'last_checked'")
    with pytest.raises(DataFileError, match="service 'helpline': field 'last_checked'"):
        services.parse_services(SERVICE.replace("last_checked = 2026-11-25", checked), TODAY)
    with pytest.raises(DataFileError, match=r"web_form\[0\]: field 'last_checked'"):
        platforms.parse_directory(PLATFORM.rsplit("last_checked", 1)[0] + checked, TODAY)


def test_last_checked_today_is_fine_and_today_is_the_day_the_file_is_read():
    assert law.parse_laws(LAW.replace("2026-11-25", "2026-12-01"), TODAY)
    with pytest.raises(DataFileError, match="after today"):
        law.parse_laws(LAW.replace("2026-11-25", "2999-01-01"))


@pytest.mark.parametrize("spelling", ["uk", "gb", "e&w", "england-wales", "england-and-wales",
                                      "England", "northern ireland", "usa"])
def test_a_loose_jurisdiction_spelling_is_refused(spelling):
    text = LAW.replace('["england", "wales"]', f'["{spelling}"]')
    places = ", ".join(jurisdictions.JURISDICTIONS)  # the declaration's, in its order
    assert law_error(text).startswith("law 'pca-1978-s1': field 'jurisdictions' must list only "
                                      f"{places}, not {spelling!r}")


def test_jurisdictions_must_be_a_list():
    assert "field 'jurisdictions'" in law_error(LAW.replace('["england", "wales"]', '"england"'))


@pytest.mark.parametrize("spelling", ["child", "children", "minors", "csam", "adults", "18+",
                                      "ncii", "anyone"])
def test_a_loose_audience_spelling_is_refused(spelling):
    text = LAW.replace('applies_to = "under-18"', f'applies_to = "{spelling}"')
    assert law_error(text).startswith("law 'pca-1978-s1': field 'applies_to' must be one of "
                                      "under-18, adult, both")


def test_a_law_without_applies_to_is_refused_not_read_as_anyone():
    assert "field 'applies_to'" in law_error(LAW.replace('applies_to = "under-18"\n', ""))


def test_a_law_without_a_topic_is_refused():
    assert law_error(LAW.replace('topic = "child-offence"\n', "")) == (
        "law 'pca-1978-s1': field 'topic' must be a non-empty string")


def test_a_topic_not_on_the_list_is_refused():
    assert law_error(LAW.replace('"child-offence"', '"child offence"')).startswith(
        "law 'pca-1978-s1': field 'topic' must be one of child-offence, ")


def test_a_law_slug_used_twice_is_refused():
    assert law_error(LAW + LAW) == "law 'pca-1978-s1': field 'slug' is used twice"


def test_not_valid_toml_names_the_file():
    for parse, label in ((law.parse_laws, "the law file"), (services.parse_services,
                         "services.toml"), (platforms.parse_directory, "the directory")):
        with pytest.raises(DataFileError, match=f"^{label} is not valid TOML"):
            parse("[[x]", TODAY)


def test_the_old_error_names_still_catch_the_reader_errors():
    assert platforms.DirectoryError is DataFileError and law.LawFileError is DataFileError


# Each law's topic, as the slug and citation patterns in law.py gave it before the
# topic was written into law.toml.
# Each law's topic, which decides what a letter says with it: a change here is a change of wording.
TOPICS = {
    "pca-1978-s1": "child-offence",
    "cja-1988-s160": "child-possession",
    "soa-2003-s66b": "intimate-offence",
    "osa-2023-s10": "uk-take-down",
    "osa-2023-sch6": "uk-priority",
    "osa-2023-s66": "uk-nca-report",
    "osa-csea-reporting-regs-2026": "plain",
    "cgsa-1982-s52": "child-offence",
    "cgsa-1982-s52a": "child-possession",
    "cjeni-1988-art15": "child-possession",
    "absh-2016-s2": "intimate-offence",
    "pcnio-1978-art3": "child-offence",
    "jani-2016-s51": "intimate-offence",
    "dsa-art-16": "dsa-art-16",
    "dir-2011-93": "eu-child-offence",
    "dsa-art-21": "eu-out-of-court",
    "take-it-down-act-s3": "take-it-down",
    "usc-18-2258a": "ncmec-report",
    "usc-18-2256": "minor-defined",
    "au-osa-2021-s77": "au-removal-notice",
    "au-osa-2021-s78": "au-end-user-notice",
    "au-osa-2021-s33": "au-objection",
    "au-osa-2021-s109": "au-class-1-notice",
    # The law on images made or altered to look real: cited only for a fake image.
    "pca-1978-s7-pseudo-photograph": "fake-image",
    "soa-2003-s66b-appears-to-show": "fake-image",
    "cgsa-1982-s52-pseudo-photograph": "fake-image",
    "absh-2016-s2-appears-to-show": "fake-image",
    "pcnio-1978-art2-pseudo-photograph": "fake-image",
    "cja-2009-s62": "fake-image",
    "dir-2011-93-art2c-realistic": "fake-image",
    "usc-18-2256-8c": "fake-image",
    "usc-47-223h-digital-forgery": "fake-image",
    "au-cc-473-1-representation": "fake-image",
    "au-cc-474-17a": "fake-image",
    "ca-cc-163-1-depicted": "fake-image",
    "ca-cc-163-1": "plain",
    "ca-cc-162-1": "intimate-offence",
}


def test_every_law_in_the_real_file_keeps_its_topic():
    law.all_laws.cache_clear()
    assert {item.slug: item.topic for item in law.all_laws()} == TOPICS


def test_every_real_data_file_loads_through_the_reader():
    for cached in (law.all_laws, services.all_services, platforms.directory):
        cached.cache_clear()
    assert law.all_laws() and services.all_services() and platforms.directory()


def test_the_places_have_one_home():
    assert case.JURISDICTIONS is jurisdictions.JURISDICTIONS
    assert not hasattr(jurisdictions, "UK") and not hasattr(case.Case, "in_uk")
    assert not hasattr(law, "UK") and not hasattr(law, "PROVIDER_TOPICS")


def test_the_reader_checks_one_entry_field_by_field():
    entry = datafile.Entry({"slug": "x", "when": "2026-11-25", "kind": "blog"}, "thing #1", TODAY)
    assert entry.slug("thing") == "x" and entry.where == "thing 'x'"
    with pytest.raises(DataFileError, match="^thing 'x': field 'when' must be a date"):
        entry.date("when")
    with pytest.raises(DataFileError, match="^thing 'x': field 'kind' must be one of a, b, not "):
        entry.choice("kind", ("a", "b"))
    assert entry.date("missing", required=False) is None
