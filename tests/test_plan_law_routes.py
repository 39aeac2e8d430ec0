"""The plan's routes that depend on the law and the family's country (real data files)."""

import pytest

from takedown import plan, services
from takedown.case import parse_case
from tests.helpers import a_case, normalize_spaces, page_checks


def make_case(jurisdiction: str, platform: str = "other", url: str = "https://unknown.example/x"):
    return parse_case({
        "schema": "takedown-case/1", "reference": "TD-7KQ2-M9XP", "jurisdiction": jurisdiction,
        "requester": {"role": "parent", "name": "Sam Taylor", "email": "sam@example.com"},
        "person": {"under_18": True, "age": 15},
        "locations": [{"url": url, "platform": platform}],
    })


def step(case, step_id: str):
    return next(s for section in plan.make_plan(case).sections for s in section.steps
                if s.id == step_id)


@pytest.mark.parametrize("jurisdiction, service, title", [
    ("australia", "esafety-illegal-content", "Report other websites to eSafety"),
    ("eu", "inhope", "Report other websites to your country's hotline (INHOPE)"),
    ("us", "ncmec-cybertipline", "Report other websites to the NCMEC CyberTipline"),
])
def test_a_child_s_image_on_another_website_goes_to_the_body_for_the_family_s_country(
        jurisdiction, service, title):
    found = step(make_case(jurisdiction), "platform-other")
    assert found.title == title
    assert [link.url for link in found.links] == [services.get(service).url]


def test_the_new_routes_have_primary_sources():
    assert services.get("esafety-illegal-content").source.url.startswith("https://esafety.gov.au/")
    assert services.get("inhope").url.startswith("https://www.inhope.org/")


def test_us_plan_says_to_file_through_the_platform_s_take_it_down_process_first():
    found = step(make_case("us", "x", "https://x.com/someone/status/1"), "platform-x")
    note = " ".join(found.body)
    assert "make the request first through the platform's own TAKE IT DOWN Act process" in note
    assert "the Act's 48 hours run from a valid request made through that process" in note
    assert "as the written record of your request and a back-up" in note
    assert "https://help.x.com/forms/safety-and-sensitive-content/take-it-down" in [
        link.url for link in found.links]


def test_eu_plan_says_to_use_the_platform_s_dsa_notice_form_first():
    found = step(make_case("eu", "x", "https://x.com/someone/status/1"), "platform-x")
    note = " ".join(found.body)
    assert "report it first with the platform's own notice form for illegal content" in note
    assert "as the same notice in writing" in note
    assert "TAKE IT DOWN" not in note


def test_uk_plan_has_no_us_or_eu_filing_advice():
    note = " ".join(step(make_case("england", "x", "https://x.com/a/status/1"), "platform-x").body)
    assert "TAKE IT DOWN" not in note and "notice form" not in note


def test_platform_guide_sends_us_users_to_the_take_it_down_form_with_the_letter_as_back_up(client):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/platforms/x").get_data(as_text=True), "html.parser")
    paragraph = page.select_one("#take-it-down-act")
    text = " ".join(paragraph.text.split())
    assert paragraph.select_one(
        "a[href='https://help.x.com/forms/safety-and-sensitive-content/take-it-down']")
    assert ("the Act's 48 hours run from a valid request made through the platform's own "
            "process") in text
    assert "as the written record of your request and a back-up" in text


def case_by(role: str, jurisdiction: str = "england", under_18: bool = True):
    data = {
        "schema": "takedown-case/1", "reference": "TD-7KQ2-M9XP", "jurisdiction": jurisdiction,
        "requester": {"role": role, "name": "Sam Taylor", "email": "sam@example.com"},
        "person": {"under_18": under_18, "age": 15 if under_18 else 19},
        "locations": [{"url": "https://unknown.example/x", "platform": "other"}],
    }
    return parse_case(data)


def support_ids(case) -> list[str]:
    section = plan.make_plan(case).section("support")
    return [s.id for s in section.steps] if section else []


@pytest.mark.parametrize("role", ["school", "caseworker"])
def test_school_staff_and_caseworkers_in_the_uk_are_sent_to_posh(role):
    assert "talk-posh" in support_ids(case_by(role))
    found = next(s for s in plan.make_plan(case_by(role)).section("support").steps
                 if s.id == "talk-posh")
    posh = services.get("posh")
    assert [link.url for link in found.links] == [posh.url]
    assert posh.source.kind == "primary" and found.phone is None  # no number was confirmed


@pytest.mark.parametrize("role, jurisdiction, under_18", [
    ("parent", "england", True), ("young-person", "england", True),
    ("school", "us", True), ("caseworker", "australia", True), ("caseworker", "england", False),
])
def test_posh_is_only_for_uk_professionals_helping_a_child(role, jurisdiction, under_18):
    assert "talk-posh" not in support_ids(case_by(role, jurisdiction, under_18))


def test_an_app_with_no_content_report_is_not_called_a_report():
    case = parse_case(a_case(locations=[{"platform": "signal"}, {"platform": "instagram"}]))
    titles = [step.title for section in plan.make_plan(case).sections for step in section.steps
              if step.platform]
    assert "What you can do on Signal" in titles and "Report it on Signal" not in titles
    assert "Report it on Instagram" in titles


def test_the_signal_guide_is_not_headed_as_a_report(client):
    html = page_checks(client.get("/platforms/signal"))
    assert normalize_spaces(html.h1.text) == "What you can do on Signal"
    assert normalize_spaces(page_checks(client.get("/platforms/instagram")).h1.text) == (
        "Report it on Instagram")
