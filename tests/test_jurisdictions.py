"""The declaration of each jurisdiction: read once, checked field by field, and used everywhere."""

import json
from datetime import date

import pytest

from takedown import jurisdictions, services
from takedown.case import SCHEMA, CaseInvalid, case_to_dict, parse_case
from takedown.datafile import DataFileError
from takedown.plan import make_plan

TODAY = date(2026, 12, 7)

GOOD = """
[[group]]
slug = "atlantis"
name = "Atlantis"
the_name = "Atlantis"
adjective = "Atlantean"

[[jurisdiction]]
slug = "atlantis"
name = "Atlantis"
the_name = "Atlantis"
group = "atlantis"
emergency = "police-999"
police = "police-101"
platform_serves = ["worldwide"]

[jurisdiction.school]
convention = true
lead = "safeguarding lead"
head = "head"
learner = "pupil"
learners = "pupils"
social_care = "social care"
ask = "Ask for the safeguarding lead."
does = "Schools have procedures."
tells_parents = "They may tell your parents."
no_guidance = "None is confirmed."

[jurisdiction.escalation]
route = "uk"
title = "A record"

[jurisdiction.time_zones]
convention = true
zones = ["Europe/London"]

[jurisdiction.letters]
convention = true
lang = "en-GB"
paper = "a4"
date_style = "day-month-year"
authorised = "authorised"
parent = "parent or carer"
parents = "Parents or carers"
sign_off = "Yours faithfully,"
sign_off_named = "Yours sincerely,"
"""


def test_a_declaration_is_read_with_its_services_resolved():
    found = jurisdictions.parse_jurisdictions(GOOD, TODAY)["atlantis"]
    assert found.emergency.phone == "999" and found.time_zone == "Europe/London"
    assert found.school.guidance is None and found.escalation.regulator is None
    assert found.letters.sign_off == "Yours faithfully," and found.letters.parent == "parent or carer"
    assert found.police.service.phone == "101" and found.group.the_name == "Atlantis"
    assert found.letters.long_date(date(2026, 12, 2)) == "2 December 2026"


@pytest.mark.parametrize(("old", "new", "message"), [
    ('emergency = "police-999"', 'emergency = "nobody"',
     "jurisdiction 'atlantis': field 'emergency' names service 'nobody', which is not in"),
    ('emergency = "police-999"', 'emergency = "iwf"',
     "field 'emergency' names service 'iwf', which has no phone number"),
    ('zones = ["Europe/London"]', 'zones = ["Europe/Atlantis"]',
     r"time_zones\[0\]: field 'zones' names 'Europe/Atlantis', which is not a time zone"),
    ('date_style = "day-month-year"', 'date_style = "year-first"',
     "field 'date_style' must be one of day-month-year, month-day-year"),
    ('[jurisdiction.letters]\nconvention = true', '[jurisdiction.letters]\nconvention = false',
     "field 'convention' must be true: these are choices, not sourced facts"),
    ('[jurisdiction.escalation]\nroute = "uk"\ntitle = "A record"\n', '',
     "jurisdiction 'atlantis': field 'escalation' is missing"),
])
def test_a_declaration_that_names_what_does_not_exist_is_refused_by_field(old, new, message):
    assert old in GOOD
    with pytest.raises(DataFileError, match=message):
        jurisdictions.parse_jurisdictions(GOOD.replace(old, new), TODAY)


def test_school_guidance_must_be_a_service():
    text = GOOD.replace('no_guidance = "None is confirmed."', 'guidance = "no-such-guidance"')
    with pytest.raises(DataFileError, match=r"school\[0\]: field 'guidance' names service"):
        jurisdictions.parse_jurisdictions(text, TODAY)


def test_the_real_declaration_loads_in_the_question_s_order():
    found = jurisdictions.all_jurisdictions()
    assert list(found) == list(jurisdictions.JURISDICTIONS) == list(jurisdictions.names())
    for item in found.values():
        assert item.emergency.phone and item.time_zones and item.platform_serves
        assert item.group.slug in jurisdictions.groups()


def test_a_service_s_regions_are_the_declared_groups_or_anywhere():
    assert services.regions() == (*jurisdictions.groups(), "worldwide")
    for service in services.all_services().values():
        assert set(service.regions) <= set(services.regions())


# --- a member of a jurisdiction: the case's area ------------------------------------------


def eu_case(area=None, jurisdiction="eu"):
    return parse_case({"schema": SCHEMA, "jurisdiction": jurisdiction, "area": area,
                       "requester": {"role": "parent"}, "person": {"age": 15},
                       "locations": [{"url": "https://www.instagram.com/p/ABC/"}]})


def test_a_member_state_s_own_hotline_and_time_zone_replace_the_group_s():
    where = jurisdictions.for_case(eu_case("IE"))
    assert where.member.name == "Ireland" and where.time_zone == "Europe/Dublin"
    text = json.dumps([[s.title, s.body, [link.url for link in s.links]]
                       for section in make_plan(eu_case("IE")).sections for s in section.steps])
    assert "Hotline.ie" in text and "https://hotline.ie/report" in text
    assert "INHOPE" not in text


def test_a_member_state_with_no_confirmed_hotline_says_so_plainly():
    member = jurisdictions.get("eu").member_named("SK")
    assert member.hotline is None and member.hotline_none
    text = json.dumps([s.body for section in make_plan(eu_case("SK")).sections
                       for s in section.steps])
    assert member.hotline_none in text and "INHOPE" in text


@pytest.mark.parametrize(("area", "jurisdiction", "message"), [
    ("XX", "eu", "must be one of AT, BE"),
    ("IE", "england", "England has none: leave it out"),
])
def test_an_area_not_declared_for_the_jurisdiction_is_refused_naming_the_field(
        area, jurisdiction, message):
    with pytest.raises(CaseInvalid) as refused:
        eu_case(area, jurisdiction)
    [error] = refused.value.errors
    assert error.field == "area" and message in error.message


def test_older_case_files_open_without_an_area():
    case = parse_case({"schema": "takedown-case/2", "jurisdiction": "eu",
                       "requester": {"role": "parent"}, "person": {"age": 15},
                       "locations": [{"url": "https://www.instagram.com/p/ABC/"}]})
    assert case.area is None and case_to_dict(case)["schema"] == SCHEMA
