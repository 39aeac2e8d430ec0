"""What happened is part of the case: real, fake or not sure; a threat with nothing posted."""

import json

import pytest

from takedown.case import NO_PLACES, CaseInvalid, case_to_dict, loads, parse_case
from tests.helpers import ABSENT, Browser, a_case, answer


def _problems(data) -> list[tuple[str, str]]:
    with pytest.raises(CaseInvalid) as raised:
        parse_case(data)
    return [(error.field, error.message) for error in raised.value.errors]


def test_the_image_is_not_sure_unless_the_family_says():
    case = parse_case(a_case())
    assert case.concerns.image == "not-sure" and not case.concerns.fake
    assert case_to_dict(case)["concerns"]["image"] == "not-sure"


@pytest.mark.parametrize("image", ["real", "fake", "not-sure"])
def test_each_answer_is_kept_and_written_back(image):
    case = parse_case(a_case(concerns={"image": image}))
    assert case.concerns.image == image
    assert parse_case(case_to_dict(case)) == case


@pytest.mark.parametrize("image", ["Fake", "ai", 1, True, ["fake"]])
def test_anything_else_is_refused_naming_the_field(image):
    assert _problems(a_case(concerns={"image": image})) == [
        ("concerns.image", "must be one of: not-sure, real, fake")]


def test_someone_threatening_to_share_needs_no_place():
    case = parse_case(a_case(locations=[], concerns={
        "threats": True, "threat_account": "@blackmailer", "threat_platform": "instagram"}))
    assert case.nothing_posted and case.locations == ()
    assert case.concerns.threat_platform == "instagram"
    assert case.platform_slugs == []


@pytest.mark.parametrize("locations", [[], ABSENT])
def test_without_threats_a_case_still_needs_a_place(locations):
    assert _problems(a_case(locations=locations)) == [("locations", NO_PLACES)]


def test_the_threats_platform_must_be_one_we_list():
    assert _problems(a_case(locations=[], concerns={
        "threats": True, "threat_platform": "myspace-2"})) == [
        ("concerns.threat_platform", "must be one of the platforms we list")]


def test_who_made_a_fake_and_with_what_are_kept():
    case = parse_case(a_case(concerns={"image": "fake", "made_by": "Two pupils in Year 8",
                                       "made_with": "A nudify app"}))
    assert (case.concerns.made_by, case.concerns.made_with) == (
        "Two pupils in Year 8", "A nudify app")


def test_an_older_case_file_opens_with_the_image_not_sure():
    old = a_case(schema="takedown-case/1")
    old["concerns"] = {"threats": True}
    case = loads(json.dumps(old), from_file=True)
    assert case.concerns.image == "not-sure" and case.locations


# --- on the questions page -------------------------------------------------------------------


def test_a_threat_with_nothing_posted_goes_on_from_the_questions(client):
    browser = Browser(client)
    answer(browser, **{"places-0-url": None}, concerns_threats="y",
           concerns_threat_account="@blackmailer", concerns_threat_platform="instagram")
    assert browser.heading == "Check your answers", browser.error_links()
    assert browser.case["locations"] == []
    assert browser.case["concerns"]["threat_platform"] == "instagram"
    assert "Not posted anywhere yet: someone is threatening to share it" in browser.text
    assert "Where they are messaging from Instagram" in browser.text


def test_without_threats_the_questions_still_ask_for_a_place(client):
    browser = Browser(client)
    answer(browser, **{"places-0-url": None})
    assert browser.heading == "Tell us what has happened"
    assert ("#places", NO_PLACES) in browser.error_links() or any(
        message == NO_PLACES for _, message in browser.error_links())


def test_what_the_image_is_is_asked_shown_and_kept_when_answers_change(client):
    browser = Browser(client)
    answer(browser)
    assert browser.case["concerns"]["image"] == "not-sure"
    answer(browser, concerns_image="fake", concerns_made_by="Two pupils in Year 8",
           concerns_made_with="A nudify app")
    assert (browser.case["concerns"]["image"], browser.case["concerns"]["made_by"]) == (
        "fake", "Two pupils in Year 8")
    assert "Fake: edited, made with AI" in browser.text and "A nudify app" in browser.text
    browser.press("button[formaction='/case/change#concerns_image-0']")
    assert browser.checked("concerns_image") == "fake"
    browser.press("#continue")
    assert browser.case["concerns"]["image"] == "fake"
    assert browser.case["concerns"]["made_with"] == "A nudify app"


def test_a_made_up_answer_about_the_image_is_named_on_the_form(client):
    browser = Browser(client)
    answer(browser, concerns_image="photoshopped")
    assert browser.heading == "Tell us what has happened"
    assert any(message == "Select whether the image is real, fake, or you are not sure"
               for _, message in browser.error_links())
