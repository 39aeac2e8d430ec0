"""What happened is part of the case: real, fake or not sure; a threat with nothing posted."""

import json
from datetime import UTC, date, datetime

import pytest

from takedown import law, letters, platforms
from takedown.case import JURISDICTIONS, NO_PLACES, CaseInvalid, case_to_dict, loads, parse_case
from takedown.plan import make_plan
from tests.helpers import ABSENT, Browser, a_case, answer

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


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


# --- the plan --------------------------------------------------------------------------------


def _plan(**changes):
    return make_plan(parse_case(a_case(**changes)))


def _steps(plan) -> dict:
    return {step.id: step for section in plan.sections for step in section.steps}


def _said(plan) -> str:
    return " ".join(" ".join((step.title, *step.body, *step.items))
                    for section in plan.sections for step in section.steps)


THREAT = {"locations": [], "concerns": {"threats": True, "threat_account": "@blackmailer",
                                        "threat_platform": "instagram"}}


@pytest.mark.parametrize("place", list(JURISDICTIONS))
def test_a_threat_says_do_not_pay_even_if_paid_and_that_it_may_be_fake(place):
    said = _said(_plan(jurisdiction=place, **THREAT))
    assert "If you have already paid, do not pay any more." in said
    assert "The picture they have may not even be real" in said


def test_a_threat_reports_the_account_with_the_directorys_account_steps_not_a_posts():
    plan = _plan(**THREAT)
    urgent = plan.section("urgent")
    ids = [step.id for step in urgent.steps]
    assert ids[:2] == ["sextortion-dont-pay", "report-threat-account"]
    account = _steps(plan)["report-threat-account"]
    assert account.title == "Report the account on Instagram"
    assert account.items == platforms.get("instagram").report_account.steps
    assert "The account: @blackmailer." in account.body
    assert "above the post" not in _said(plan)
    assert plan.section("report") is None  # nothing posted: no place to report


def test_the_messages_are_reported_where_the_directory_says_how():
    plan = _plan(locations=[], concerns={"threats": True, "threat_platform": "snapchat"})
    messages = _steps(plan)["report-threat-messages"]
    assert messages.items == platforms.get("snapchat").report_conversation.steps
    assert platforms.get("snapchat").report_conversation.content_note in messages.body


def test_a_threat_with_no_platform_still_says_to_report_the_account():
    plan = _plan(locations=[], concerns={"threats": True, "threat_account": "@x"})
    assert _steps(plan)["report-threat-account"].title == (
        "Report the account in the app it messaged from")


def test_nothing_posted_has_no_sharer_to_avoid_no_links_and_nothing_shared_again():
    plan = _plan(**THREAT)
    steps = _steps(plan)
    assert "dont-confront-sharer" not in steps and "report-iwf" not in steps
    assert plan.section("stop-sharing").title == "Stop it being shared"
    assert "Only use it if the image is already on your own device or your child's" in " ".join(
        steps["hash-take-it-down"].body)


@pytest.mark.parametrize("place", list(JURISDICTIONS))
@pytest.mark.parametrize("under_18", [True, False])
def test_a_fake_is_said_plainly_to_be_dealt_with_like_a_real_one(place, under_18):
    person = {"age": 14} if under_18 else {"age": 30, "under_18": False}
    plan = _plan(jurisdiction=place, person=person, concerns={"image": "fake"})
    step = _steps(plan)["fake-like-real"]
    said = " ".join(step.body)
    assert said.startswith("It does not matter that it is fake.")
    has_law = any(item.topic == "fake-image" for item in law.laws_for(place, under_18, fake=True))
    assert ("against the law" in said or "can be a crime" in said) == has_law
    for image in ("real", "not-sure"):
        assert "fake-like-real" not in _steps(_plan(jurisdiction=place, person=person,
                                                    concerns={"image": image}))


def test_take_it_down_for_a_fake_only_with_the_file_already_on_the_device():
    steps = _steps(_plan(concerns={"image": "fake"}))
    assert "Never download, save or ask for a copy to use it" in " ".join(
        steps["hash-take-it-down"].body)
    real = _steps(_plan(concerns={"image": "real"}))
    assert not any("Never download" in line for line in real["hash-take-it-down"].body)


# --- the school letter -----------------------------------------------------------------------


def _school(**changes) -> str:
    case = parse_case(a_case(requester={"role": "parent", "name": "Sam Taylor",
                                        "email": "sam@example.com"}, **changes))
    return letters.make_text("school", case, None, TODAY, NOW).text


def test_the_school_letter_says_what_is_true_when_someone_is_threatening():
    text = " ".join(_school(**THREAT).split())
    assert "someone is threatening to share a nude or sexual image of" in text
    assert "As far as we know, it has not been posted anywhere." in text
    assert "The threats come from the account @blackmailer on Instagram." in text
    assert "has been seen" not in text and "has been shared" not in text
    assert "onward sharing" not in text


def test_the_school_letter_says_a_fake_is_made_to_look_like_them():
    text = " ".join(_school(concerns={"image": "fake", "made_by": "Two pupils",
                                      "made_with": "A nudify app"}).split())
    assert "A sexual image made to look like" in text
    assert "Who made it, as far as we know: Two pupils." in text
    assert "A nude or sexual image of" not in text
    for image in ("real", "not-sure"):
        assert "made to look like" not in _school(concerns={"image": image})


# --- the platform letter ---------------------------------------------------------------------


def _fake_sentences(place: str, under_18: bool) -> list[str]:
    return [item.letter_says for item in law.laws_for(place, under_18, fake=True)
            if item.topic == "fake-image"]


@pytest.mark.parametrize("place", list(JURISDICTIONS))
@pytest.mark.parametrize("image", ["real", "fake", "not-sure"])
def test_a_platform_letter_cites_the_law_on_fakes_only_and_always_for_a_fake(place, image):
    case = parse_case(a_case(jurisdiction=place, concerns={"image": image}, requester={
        "role": "parent", "name": "Sam Taylor", "email": "sam@example.com"}))
    text = " ".join(letters.make_text("platform", case, "instagram", TODAY, NOW).text.split())
    for sentence in _fake_sentences(place, True):
        assert (" ".join(sentence.split()) in text) == (image == "fake"), sentence
    assert ("made to look like a person under 18" in text) == (image == "fake")


@pytest.mark.parametrize("place", list(JURISDICTIONS))
@pytest.mark.parametrize("under_18", [True, False])
def test_a_fake_s_letter_cites_a_section_once_where_its_own_sentence_says_it_all(place, under_18):
    """Where a fake's "shows, or appears to show" sentence names the same offence as sharing
    without consent, the letter says only that one; for a real image, only the plain one."""
    stands_in = {item.in_place_of for item in law.laws_for(place, under_18, fake=True)
                 if item.letter_says and item.in_place_of}
    plain = [item for item in law.laws_for(place, under_18) if item.topic in stands_in]
    for image in ("real", "fake"):
        case = parse_case(a_case(jurisdiction=place, concerns={"image": image},
                                 person={"under_18": under_18, "age": 15 if under_18 else 19},
                                 requester={"role": "parent" if under_18 else "young-person",
                                            "name": "Sam Taylor", "email": "sam@example.com"}))
        text = " ".join(letters.make_text("platform", case, "instagram", TODAY, NOW).text.split())
        for item in plain:
            assert (f"criminal offence under {item.citation}." in text) == (image == "real"), (
                item.slug, image)
    if place in ("england", "wales", "scotland"):
        assert stands_in == {"intimate-offence"}


@pytest.mark.parametrize("place", ["england", "scotland", "northern-ireland"])
def test_uk_letters_say_photograph_or_pseudo_photograph_as_the_statutes_do(place):
    case = parse_case(a_case(jurisdiction=place, requester={
        "role": "parent", "name": "Sam Taylor", "email": "sam@example.com"}))
    text = " ".join(letters.make_text("platform", case, "instagram", TODAY, NOW).text.split())
    assert "indecent photograph or pseudo-photograph of a child" in text
    assert "indecent photograph of a child" not in text


# --- a letter about the account making the threats ------------------------------------------


def _threat_case(**concerns):
    return parse_case(a_case(requester={"role": "parent", "name": "Sam Taylor",
                                        "email": "sam@example.com"},
                             locations=[], concerns={**THREAT["concerns"], **concerns}))


def test_a_threat_with_nothing_posted_gets_a_letter_about_the_account():
    case = _threat_case()
    assert [(o.kind, o.platform) for o in letters.available_letters(case)][0] == (
        "platform", "instagram")
    text = " ".join(letters.make_text("platform", case, "instagram", TODAY, NOW).text.split())
    assert "Request to act on an account threatening to share a sexual image" in text
    assert "Account: @blackmailer" in text
    assert "keep the account's data, its messages and the logs" in text
    assert "has not been posted anywhere yet" in text
    assert "Remove the image at every place" not in text and "has been seen" not in text
    assert letters.render_pdf("platform", case, "instagram", TODAY).startswith(b"%PDF")


def test_no_account_letter_without_the_account_s_name():
    case = _threat_case(threat_account=None)
    assert "platform" not in [o.kind for o in letters.available_letters(case)]
    with pytest.raises(letters.LetterUnavailable) as refused:
        letters.make_text("platform", case, "instagram", TODAY, NOW)
    assert "name of the account making the threats" in refused.value.errors[0].message


def test_the_account_letter_can_be_sent_from_the_site(make_app):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    case = case_to_dict(_threat_case())
    response = client.post("/letters/text", data={"case": json.dumps(case),
                                                  "letter": "platform/instagram"})
    assert response.status_code == 200
    assert "Request to act on an account" in response.get_data(as_text=True)


# --- every letter kind: the law on fakes only and always for a fake ---------------------------


def _every_letter(case) -> list[tuple[str, str | None]]:
    from takedown import letterkinds
    return [(kind.slug, slug) for kind in letterkinds.KINDS if not kind.pack
            for slug in (kind.platforms(case) if kind.takes_platform else [None])]


@pytest.mark.parametrize("place", list(JURISDICTIONS))
@pytest.mark.parametrize("image", ["real", "fake", "not-sure"])
@pytest.mark.parametrize("age", [15, 30])
def test_each_letter_kind_cites_the_law_on_fakes_only_and_always_for_a_fake(place, image, age):
    from tests import golden_cases
    data = {**golden_cases.cases()[f"{place}-caseworker"], "concerns": {"image": image}}
    data["person"] = {"age": age, "under_18": age < 18}
    case = parse_case(data)
    sentences = [" ".join(s.split()) for s in _fake_sentences(place, age < 18)]
    made = 0
    for kind, slug in _every_letter(case):
        try:
            text = letters.make_text(kind, case, slug, golden_cases.TODAY, golden_cases.NOW).text
        except letters.LetterUnavailable:
            continue
        made += 1
        text = " ".join(text.split())
        for sentence in sentences:  # and said once: a letter that repeats the law reads as padding
            assert text.count(sentence) == (image == "fake"), (kind, slug, sentence[:60])
    assert made >= (6 if age < 18 else 4)
    pack = " ".join(letters.make_text("pack", case, None, golden_cases.TODAY,
                                      golden_cases.NOW).text.split())
    assert all((sentence in pack) == (image == "fake") for sentence in sentences)
