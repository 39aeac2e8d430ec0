"""The case flow, used like a browser without JavaScript: questions, check, plan."""

import json

import pytest

from takedown import platforms
from takedown.case import JURISDICTIONS, MAX_LOCATIONS, NO_PLACES, ROLES
from takedown.web.forms import TIMED_OUT
from tests.helpers import ANSWERS, Browser, answer, normalize_spaces, page_checks

DONT_PAY = "Do not pay, even if you have paid before, and do not send anything more"


def to_plan(browser, **changes):
    answer(browser, **changes)
    assert browser.heading == "Check your answers", browser.error_links()
    return browser.press("#continue")


def step_titles(browser) -> list[str]:
    return [normalize_spaces(h.text) for h in browser.page.select(".plan-step h3")]


def section_ids(browser) -> list[str]:
    return [s["id"] for s in browser.page.select("main section")]


@pytest.fixture
def browser(client):
    return Browser(client)


# --- The whole flow, for everyone, everywhere ---------------------------------------------------


@pytest.mark.parametrize("jurisdiction", list(JURISDICTIONS))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_and_jurisdiction_reaches_a_plan(browser, role, jurisdiction):
    browser.get("/case/start")
    assert browser.heading == "Tell us what has happened"
    answer(browser, requester_role=role, jurisdiction=jurisdiction)
    assert browser.heading == "Check your answers"
    assert ROLES[role] in browser.text and JURISDICTIONS[jurisdiction] in browser.text
    assert browser.case["requester"]["role"] == role
    browser.press("#continue")
    assert browser.heading == "Your plan"
    assert browser.response.headers["Cache-Control"] == "no-store"
    sections = section_ids(browser)
    assert "section-urgent" not in sections  # nothing urgent was ticked
    assert "section-report" in sections and sections[-2:] == ["section-letters", "section-keep"]
    assert "Report it on Instagram" in step_titles(browser)
    guide = browser.page.select_one("#step-platform-instagram a[href='/platforms/instagram']")
    assert guide is not None
    # One form carries the case once; each letter's buttons say which letter ("kind/platform").
    form = browser.page.select_one("#section-letters form#letters-form")
    assert form["action"] == "/letters/download" and form["method"] == "post"
    names = {tag["name"] for tag in form.select("input[type=hidden]")}
    assert names == {"csrf_token", "case"}
    assert json.loads(form.select_one("input[name=case]")["value"]) == browser.case
    kinds = [tuple(b["value"].split("/")) for b in letter_choices(browser.page)]
    assert ("platform", "instagram") in kinds and kinds[-1] == ("pack", "")
    assert [b.get("formaction") for b in letter_choices(browser.page)][-1] == "/letters/pack"
    # No name or contact given: the plan says what the letters still need.
    missing = browser.page.select_one("#letters-missing")
    assert "Enter your name" in missing.text
    assert missing.select_one("form")["action"].startswith("/case/change")


def letter_choices(page):
    """The plan's Download buttons, one per letter, in order (the pack's has its own address)."""
    return [b for b in page.select(".letter-list button[name=letter]")
            if b.get("formaction") in (None, "/letters/pack")]


def test_start_page_links_to_the_questions(client):
    html = page_checks(client.get("/"))
    assert html.select_one("a#start")["href"] == "/case/start"


def test_question_page_has_no_image_upload_and_needs_no_script(client):
    response = client.get("/case/start")
    html = page_checks(response)
    assert not html.select("input[type=file]")
    assert not html.select("script:not([src])") and not html.select("[style]")
    assert not html.select("[onclick], [onchange], [onsubmit]")
    form = html.select_one("main form")
    assert form["method"] == "post" and form.has_attr("novalidate")
    assert form.select_one("input[name=csrf_token]")["value"]
    # Pressing Enter sends "Continue", not "Remove place".
    assert form.select_one("button")["value"] == "continue"
    assert response.headers["Cache-Control"] == "no-store"


# --- What the plan says for particular cases --------------------------------------------------


def test_sextortion_puts_urgent_steps_first_and_do_not_pay_before_reporting(browser):
    to_plan(browser, concerns_threats="y")
    assert section_ids(browser)[:2] == ["urgent-now", "section-urgent"]
    urgent = browser.page.select_one("section.urgent")
    assert urgent is not None and "Do this now" in urgent.h2.text
    titles = step_titles(browser)
    assert titles[0] == DONT_PAY
    assert titles.index(DONT_PAY) < titles.index("Report it on Instagram")
    assert any("CEOP" in t for t in titles[:3])


def test_adult_involvement_in_the_uk_goes_to_ceop(browser):
    to_plan(browser, concerns_adult_involved="y", jurisdiction="scotland")
    urgent = browser.page.select_one("section.urgent")
    assert "Report it to CEOP" in normalize_spaces(urgent.text)
    assert "Do not pay" not in urgent.text


def test_immediate_danger_outside_the_uk_uses_the_local_number(browser):
    to_plan(browser, concerns_immediate_danger="y", jurisdiction="australia")
    assert step_titles(browser)[0] == "Call 000 now"
    assert browser.page.select_one("section.urgent a[href='tel:000']")


def test_spread_at_school_tells_the_school_and_offers_its_letter(browser):
    to_plan(browser, concerns_shared_at_school="y")
    assert "section-school" in section_ids(browser)
    assert "Tell the school" in step_titles(browser)
    assert "Ask to speak to the designated safeguarding lead (DSL)" in browser.text
    titles = [normalize_spaces(t.text) for t in browser.page.select(".letter-title")]
    assert "Letter to the school" in titles


@pytest.mark.parametrize("jurisdiction, expected", [
    ("england", "Report other websites to the Internet Watch Foundation (IWF)"),
    ("northern-ireland", "Report other websites to the Internet Watch Foundation (IWF)"),
    ("us", "Report other websites to the NCMEC CyberTipline"),
    ("eu", "Report other websites to your country's hotline (INHOPE)"),
    ("australia", "Report other websites to eSafety"),
])
def test_an_unknown_website_goes_to_the_iwf_in_the_uk_and_a_local_body_elsewhere(
        browser, jurisdiction, expected):
    to_plan(browser, jurisdiction=jurisdiction, **{"places__0__url": "https://unknown-site.example/x"})
    step = browser.page.select_one("#step-platform-other")
    assert normalize_spaces(step.h3.text) == expected
    assert "https://unknown-site.example/x" in step.text
    assert not step.select("a[href='https://unknown-site.example/x']")  # never made a link


def test_an_adult_in_the_image_gets_stopncii_and_no_school_or_iwf_letters(browser):
    to_plan(browser, person_age_group="adult", person_age=None, concerns_shared_at_school="y")
    titles = step_titles(browser)
    assert "Use StopNCII to stop it being shared again" in titles
    assert "section-school" not in section_ids(browser)
    kinds = [b["value"].split("/")[0] for b in letter_choices(browser.page)]
    assert "school" not in kinds and "iwf" not in kinds


def test_a_young_person_is_told_it_is_not_their_fault(browser):
    to_plan(browser, requester_role="young-person")
    assert step_titles(browser)[0] == "This is not your fault"


def _directory_slugs():
    return [p.slug for p in platforms.all_platforms() if p.slug != "other"]


def test_twenty_places_on_eight_platforms_added_without_javascript(browser):
    slugs = _directory_slugs()[:8]
    browser.get("/case/start?all=1")
    for _ in range(MAX_LOCATIONS - 1):
        browser.press("#add-place")
    assert len(browser.page.select("fieldset.place")) == MAX_LOCATIONS
    assert not browser.page.select("button#add-place")  # the 21st cannot be added
    fill = {"requester_role": "caseworker", "jurisdiction": "wales", "person_age_group": "under-18"}
    for index in range(MAX_LOCATIONS):
        fill[f"places-{index}-platform"] = slugs[index % len(slugs)]
        fill[f"places-{index}-account"] = f"account {index + 1}"
    browser.press("#continue", fill)
    assert browser.heading == "Check your answers", browser.error_links()
    assert len(browser.case["locations"]) == MAX_LOCATIONS
    browser.press("#continue")
    for slug in slugs:
        step = browser.page.select_one(f"#step-platform-{slug}")
        assert step is not None, slug
        expected = [f"account {i + 1}" for i in range(MAX_LOCATIONS) if slugs[i % len(slugs)] == slug]
        shown = [normalize_spaces(li.text) for li in step.select(".place-list li")]
        assert len(shown) == len(expected)
        for account, text in zip(expected, shown, strict=True):
            assert f"Account or group: {account}" in text
        assert step.select_one(f"a[href='/platforms/{slug}']")
    letters = [b["value"].split("/")[1] for b in letter_choices(browser.page)]
    assert [s for s in letters if s] == slugs


def test_a_21st_place_is_refused_with_a_clear_message(browser):
    browser.get("/case/start")
    fill = {**ANSWERS}
    for index in range(MAX_LOCATIONS + 1):
        fill[f"places-{index}-url"] = f"https://www.tiktok.com/@someone/video/{index}"
    browser.press("#continue", fill)
    assert browser.heading == "Tell us what has happened"
    assert browser.page.title.text.startswith("Error: ")
    assert ("#places-20-url", "You can list up to 20 places. Remove a place to carry on: you can "
            "save the case file and start a second one for the rest") in browser.error_links()
    assert len(browser.page.select("fieldset.place")) == MAX_LOCATIONS + 1  # nothing lost
    assert browser.value("places-20-url") == "https://www.tiktok.com/@someone/video/20"


def test_add_place_at_the_limit_says_why(client):
    browser = Browser(client).get("/case/start")
    data = {"action": "add-place", **{f"places-{i}-platform": "other" for i in range(20)},
            "csrf_token": browser.page.select_one("input[name=csrf_token]")["value"]}
    browser._load(client.post("/case/start", data=data))
    assert ("#add-place", "You can list up to 20 places in one case. Save this case file, then "
            "start a second case for the other places") in browser.error_links()
    assert browser.page.select_one("#add-place")


# --- Errors -----------------------------------------------------------------------------------


def test_empty_answers_show_an_error_summary_linking_to_each_field(browser):
    browser.get("/case/start?all=1")
    browser.press("#continue", {"places-0-url": None})
    assert browser.page.title.text.startswith("Error: Tell us what has happened")
    summary = browser.page.select_one(".error-summary")
    assert normalize_spaces(summary.h2.text) == "There is a problem"
    links = browser.error_links()
    assert links == [
        ("#requester_role-0", "Select who you are"),
        ("#jurisdiction-0", "Select where you are"),
        ("#person_age_group-0", "Select how old the person in the image is"),
        ("#places-0-url", NO_PLACES),
    ]
    for href, message in links:
        target = browser.page.select_one(href)
        assert target is not None and target.name in ("input", "select", "textarea")
        block = target.find_parent(class_="field-error")
        assert message in normalize_spaces(block.select_one(".error-message").text)


def test_errors_in_later_places_link_to_those_places(browser):
    browser.get("/case/start?all=1")
    browser.press("#add-place")
    browser.press("#add-place")
    browser.press("#continue", {**ANSWERS, "places-1-description": "seen in a group chat",
                                "places-2-url": "ftp://nope", "places-2-first_seen": "31/02/2026"})
    links = browser.error_links()
    assert ("#places-1-url", "Place 2: enter a link, or choose the app or website") in links
    assert ("#places-2-url", "Place 3: link must be a web address starting with https:// or "
            "www, or a site name like instagram.com") in links
    assert ("#places-2-first_seen",
            "Place 3: date first seen must be a real date, like 2026-11-25") in links
    for href, _ in links:
        assert browser.page.select_one(href) is not None
    # What was typed is still there, even the wrong parts.
    assert browser.value("places-0-url") == ANSWERS["places-0-url"]
    assert browser.value("places-2-first_seen") == "31/02/2026"
    assert browser.checked("requester_role") == "parent"


def test_age_must_be_a_number_and_given_when_chosen(browser):
    answer(browser, person_age="fourteen")
    assert ("#person_age", "Their age must be a whole number from 0 to 120") in browser.error_links()
    assert browser.value("person_age") == "fourteen"
    answer(browser, person_age=None)
    assert ("#person_age", "Enter their age, or choose “Under 18, age not known”") in browser.error_links()


def test_blank_places_are_ignored(browser):
    browser.get("/case/start?all=1")
    browser.press("#add-place")
    browser.press("#add-place")
    browser.press("#continue", {**ANSWERS, "places-0-url": None,
                                "places-1-platform": "snapchat"})
    assert browser.heading == "Check your answers"
    assert [loc["platform"] for loc in browser.case["locations"]] == ["snapchat"]


def test_bad_email_and_phone_are_named(browser):
    answer(browser, requester_email="not an email", requester_phone="call me")
    links = dict(browser.error_links())
    assert links["#requester_email"].startswith("Your email address must be an email address")
    assert links["#requester_phone"].startswith("Your phone number must be a phone number")


# --- Adding and removing places without JavaScript --------------------------------------------


def test_adding_and_removing_places_keeps_everything_typed(browser):
    browser.get("/case/start?all=1")
    browser.press("#add-place", {"requester_role": "school", "jurisdiction": "england",
                                 "requester_name": "A. Teacher", "concerns_threats": "y",
                                 "places-0-url": "https://www.tiktok.com/@one"})
    assert browser.value("places-0-url") == "https://www.tiktok.com/@one"
    browser.press("#add-place", {"places-1-platform": "snapchat",
                                 "places-1-description": "sent in a group"})
    browser.press("button[value=remove-place-1]", {"places-2-url": "https://www.reddit.com/r/x"})
    assert len(browser.page.select("fieldset.place")) == 2
    assert browser.value("places-0-url") == "https://www.tiktok.com/@one"
    assert browser.value("places-1-url") == "https://www.reddit.com/r/x"
    assert browser.checked("requester_role") == "school"
    assert browser.checked("concerns_threats") == "y"
    assert browser.value("requester_name") == "A. Teacher"
    assert not browser.page.select(".error-summary")  # adding and removing is not sending
    browser.press("button[value=remove-place-0]")
    assert [legend.text for legend in browser.page.select("fieldset.place legend")] == ["Place 1"]
    assert not browser.page.select("button[value^=remove-place]")  # the last one stays
    assert browser.value("places-0-url") == "https://www.reddit.com/r/x"


@pytest.mark.parametrize("action", ["remove-place-99", "remove-place-x", "remove-place-", "zap"])
def test_odd_actions_do_no_harm(client, action):
    token = page_checks(client.get("/case/start")).select_one("input[name=csrf_token]")["value"]
    response = client.post("/case/start", data={"action": action, "places-0-url": "tiktok.com",
                                                "csrf_token": token})
    assert response.status_code == 200
    page_checks(response)


# --- Hostile input ----------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>'


@pytest.mark.parametrize("field, value, target, message", [
    ("requester_name", "x" * 600, "#requester_name", "Your name must be 500 characters or fewer"),
    ("person_name", "Sam\x07", "#person_name", "Their name contains characters that cannot be used"),
    ("person_name", "Sa\x85m", "#person_name", "Their name contains characters that cannot be used"),
    ("requester_address", "1 Road\u2028Town", "#requester_address",
     "Your postal address contains characters that cannot be used"),
    ("places-0-description", "in a\u2029chat", "#places-0-description",
     "Place 1: what you know about where it is contains characters that cannot be used"),
    ("places-0-url", "x" * 2500, "#places-0-url", "Place 1: link must be 2,000 characters or fewer"),
    ("places-0-account", "a\x00b", "#places-0-account",
     "Place 1: account or group name contains characters that cannot be used"),
    ("places-0-platform", HOSTILE, "#places-0-platform",
     "Place 1: app or website must be one of the platforms we list"),
    ("requester_role", HOSTILE, "#requester_role-0", "Select who you are"),
    ("jurisdiction", "mars", "#jurisdiction-0", "Select where you are"),
    ("person_age_group", HOSTILE, "#person_age_group-0", "Select how old the person in the image is"),
    ("person_age", "9" * 5000, "#person_age", "Their age must be a whole number from 0 to 120"),
    ("school_email", HOSTILE, "#school_email",
     "School email address must be an email address, like dsl@school.example"),
])
def test_hostile_input_is_named_escaped_and_kept(browser, field, value, target, message):
    answer(browser, **{field.replace("-", "__"): value, "requester_organisation": HOSTILE})
    assert browser.response.status_code == 200
    assert (target, message) in browser.error_links()
    body = browser.response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert browser.value("requester_organisation") == HOSTILE


def test_hostile_text_is_escaped_on_the_check_and_plan_pages(browser):
    to_plan(browser, **{"places__0__description": HOSTILE, "person_name": HOSTILE,
                        "requester_address": "1 Road\n" + HOSTILE})
    assert "<script>alert" not in browser.response.get_data(as_text=True)
    assert HOSTILE in browser.page.select_one("#step-platform-instagram").text


# --- Check your answers and changing them -----------------------------------------------------


def test_check_page_change_buttons_go_back_filled_in(browser):
    answer(browser, requester_name="Pat", **{"places__0__account": "@someone"})
    rows = browser.page.select(".summary-list > div")
    assert len(rows) >= 10
    change = browser.page.select_one("button[formaction='/case/change#places-0-url']")
    assert "Change" in change.text and "place 1" in change.text
    browser.press("button[formaction='/case/change#places-0-url']")
    assert browser.heading == "Tell us what has happened"
    assert normalize_spaces(browser.page.select_one("#step-count").text) == "Step 4 of 4"
    assert not browser.page.select(".error-summary")
    assert browser.value("places-0-account") == "@someone"
    assert browser.value("requester_name") == "Pat"
    carried = dict(json.loads(browser.value("answers")))  # the other steps' answers, kept
    assert carried["person_age_group"] == "known" and carried["person_age"] == "14"
    reference = browser.value("reference")
    browser.press("#continue", {"places-0-account": "@someone-else"})
    assert browser.case["reference"] == reference  # the same case, changed
    assert browser.case["locations"][0]["account"] == "@someone-else"


def test_a_changed_link_changes_the_platform_worked_out_from_it(browser):
    answer(browser)
    assert browser.case["locations"][0]["platform"] == "instagram"
    browser.press("button[formaction='/case/change#places-0-url']")
    assert browser.page.select_one("#places-0-platform option[selected]")["value"] == ""
    browser.press("#continue", {"places-0-url": "https://vm.tiktok.com/ZMabc/"})
    assert browser.case["locations"][0]["platform"] == "tiktok"


def test_every_change_button_opens_the_step_with_its_field(browser):
    answer(browser, concerns_threats="y", concerns_threat_account="bad.account")
    check = browser.page
    buttons = [b for b in check.select("button[formaction]") if "#" in b["formaction"]]
    assert len(buttons) >= 12
    for button in buttons:
        browser.page = check
        browser.press(f"button[formaction='{button['formaction']}']")
        target = button["formaction"].split("#")[1]
        assert browser.page.select_one(f"#{target}") is not None, target
        assert browser.value("step") == button["value"]


def test_missing_details_button_goes_back_to_your_details(browser):
    to_plan(browser)
    browser.press("#letters-missing button")
    assert browser.heading == "Tell us what has happened"
    browser.press("#continue", {"requester_name": "Pat Doe", "requester_email": "pat@example.com"})
    browser.press("#continue")
    assert browser.page.select_one("#letters-missing") is None


def test_pages_with_the_case_are_never_cached(browser):
    answer(browser)
    assert browser.response.headers["Cache-Control"] == "no-store"
    assert browser.response.headers["Pragma"] == "no-cache"


@pytest.mark.parametrize("path", ["/case/plan", "/case/save", "/case/change"])
@pytest.mark.parametrize("case", ["", "not json", "[1, 2]", '{"schema": 1}', "{" * 5000])
def test_a_broken_hidden_case_gives_a_calm_page(client, path, case):
    response = client.post(path, data={"case": case})
    assert response.status_code in (200, 400)
    html = page_checks(response)
    assert normalize_spaces(html.h1.text) == "Tell us what has happened"


# --- CSRF: an expired token or a restarted server never loses what was typed ---------------------


def test_a_bad_token_brings_the_questions_back_filled_in(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    browser = Browser(app.test_client()).get("/case/start")
    browser.press("#continue", {**ANSWERS, "csrf_token": "expired", "requester_name": "Pat"})
    assert browser.heading == "Tell us what has happened"
    assert TIMED_OUT in browser.text
    assert browser.value("requester_name") == "Pat" and browser.checked("requester_role") == "parent"
    assert browser.value("csrf_token") not in ("", "expired")
    browser.press("#continue")
    assert browser.heading == "Check your answers"


def test_a_restarted_server_with_a_new_key_keeps_the_answers(make_app):
    before = make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="before")
    browser = Browser(before.test_client()).get("/case/start")
    page = browser.page
    after = make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="after")
    browser.client = after.test_client()
    browser.client.set_cookie("takedown_csrf", "old.cookie.from.before")
    browser.page = page
    browser.press("#continue", {**ANSWERS, "places-0-description": "in a group chat"})
    assert TIMED_OUT in browser.text
    assert browser.value("places-0-description") == "in a group chat"
    browser.press("#continue")
    assert browser.heading == "Check your answers"
    browser.press("#continue")
    assert browser.heading == "Your plan"


@pytest.mark.parametrize("button", ["#continue", "#save"])
def test_a_bad_token_on_the_check_page_shows_it_again(make_app, button):
    app = make_app(WTF_CSRF_ENABLED=True)
    browser = Browser(app.test_client())
    answer(browser)
    case = browser.case
    browser.press(button, {"csrf_token": "stale"})
    assert browser.heading == "Check your answers"
    assert TIMED_OUT in browser.text
    assert browser.case == case
    browser.press(button)
    assert browser.response.status_code == 200
    if button == "#save":
        assert browser.response.mimetype == "application/json"
    else:
        assert browser.heading == "Your plan"


def test_a_bad_token_on_the_plan_page_keeps_the_case(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    browser = Browser(app.test_client())
    to_plan(browser)
    case = browser.case
    browser.press("#save", {"csrf_token": "stale"})
    assert browser.heading == "Check your answers" and browser.case == case
    assert TIMED_OUT in browser.text


def test_a_letter_download_button_sends_what_the_letters_area_needs(browser):
    to_plan(browser, requester_name="Pat Doe", requester_email="pat@example.com")
    browser.press(".letter-list button[name=letter]")
    response = browser.response
    assert response.status_code == 200
    assert response.mimetype == "application/pdf", response.get_data(as_text=True)[:500]
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("jurisdiction, guidance", [
    ("england", "ukcis-guidance"), ("wales", "ukcis-guidance-wales"),
    ("scotland", "child-protection-guidance-scotland"),
    ("northern-ireland", "child-protection-guide-ni-schools"), ("us", None),
])
def test_school_step_links_the_guidance_for_that_nation_only(jurisdiction, guidance):
    from takedown import services
    from takedown.case import SCHEMA, parse_case
    from takedown.plan import make_plan
    case = parse_case({"schema": SCHEMA, "jurisdiction": jurisdiction,
                       "requester": {"role": "parent"}, "person": {"age": 14, "school": "Hillside"},
                       "locations": [{"platform": "snapchat"}]})
    step = make_plan(case).section("school").steps[0]
    expected = [services.get(guidance).url] if guidance else []
    assert [link.url for link in step.links] == expected
