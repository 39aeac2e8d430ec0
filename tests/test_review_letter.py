"""The letter asking a platform to look again after it refused: one entry in letterkinds.py,
offered beside a refused place, the same on the web, the API and the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import API, Browser, a_letter_case, pdf_text

from takedown import jurisdictions, letters, platforms
from takedown.case import parse_case

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
URLS = {"instagram": "https://www.instagram.com/p/ABC123/", "whatsapp": None, "snapchat": None,
        "x": "https://x.com/someone/status/1", "tiktok": "https://www.tiktok.com/@a/video/1"}


def refused_case(jurisdiction="england", slug="instagram", channel="web-form", age=15,
                 reference="IG-2026-4471", now=NOW, **changes) -> dict:
    at, answered = now - timedelta(hours=30), now - timedelta(hours=20)
    place = {"platform": slug, "account": "@sharer", "reports": [{
        "channel": channel, "at": at.isoformat(), "reference": reference,
        "outcome": "refused", "outcome_at": answered.isoformat()}]}
    if URLS[slug]:
        place["url"] = URLS[slug]
    return a_letter_case(jurisdiction=jurisdiction, person={"age": age, "under_18": age < 18},
                         locations=[place], **changes)


def texts(data, slug="instagram") -> tuple[str, str]:
    """The letter's PDF text and its text version."""
    case = parse_case(data)
    pdf = pdf_text(letters.make("review", case, slug, today=NOW.date(), now=NOW).pdf)
    text = letters.make_text("review", case, slug, today=NOW.date(), now=NOW).text
    return pdf, " ".join(text.split())


@pytest.mark.parametrize("jurisdiction", jurisdictions.names())
def test_every_jurisdiction_s_review_letter_quotes_the_refused_report_in_pdf_and_text(
        jurisdiction):
    pdf, text = texts(refused_case(jurisdiction))
    zone = jurisdictions.get(jurisdiction).time_zone
    style = jurisdictions.get(jurisdiction).letters
    answered = (NOW - timedelta(hours=20)).astimezone(ZoneInfo(zone))
    for words in ("IG-2026-4471", style.long_date(answered), "look at it again",
                  "with a person reviewing it", "Reply in writing", "TD-7KQ2-M9XP",
                  "the platform's web form"):
        assert words in pdf, (jurisdiction, words)
        assert words in text, (jurisdiction, words)
    for letter in (pdf, text):
        assert "Internet Watch Foundation (IWF) hotline:" not in letter  # never described
        assert "Revenge Porn" not in letter  # a child's case


def test_in_the_eu_an_online_platform_gets_an_article_20_complaint_and_its_bodies():
    pdf, text = texts(refused_case("eu"))
    for letter in (pdf, text):
        assert "This letter is our complaint, under Article 20 of the Digital Services Act" in (
            letter)
        assert "Appeals Centre Europe" in letter
        assert "complain to the Digital Services Coordinator of the Member State where we are" \
            " (Article 53)" in letter
    # A private messaging service is not an online platform: no Article 20, no Article 21.
    assert not platforms.get("whatsapp").online_platform
    pdf, text = texts(refused_case("eu", "whatsapp"), "whatsapp")
    for letter in (pdf, text):
        assert "Article 20" not in letter and "Article 21" not in letter
    # Nor outside the EU.
    pdf, _ = texts(refused_case("england"))
    assert "Article 20" not in pdf


def _eu_letters(slug="instagram", area="IE", age=15, **changes) -> tuple[str, str]:
    """An EU case's review letter and next-step record after a refusal, as text on one line."""
    data = refused_case("eu", slug, age=age, **changes)
    if area:
        data["area"] = area
    case = parse_case(data)
    return tuple(" ".join(letters.make_text(kind, case, slug, NOW.date(), NOW).text.split())
                 for kind in ("review", "escalation"))


def test_in_the_eu_the_review_letter_is_the_one_article_20_complaint_and_then_the_coordinator():
    review, record = _eu_letters()
    assert review.count("under Article 20 of the Digital Services Act") == 1
    assert "complain to Coimisiún na Meán, the Digital Services Coordinator in Ireland " \
        "(Article 53), and report each link to Hotline.ie, the national hotline in Ireland." in review
    # The next step is the record for the family's own coordinator, never a second complaint to
    # the platform: not addressed to it, no Article 20, and Article 21's bodies for the platform.
    assert "Record for a complaint to a Digital Services Coordinator ====" in record
    assert "For: Coimisiún na Meán, the Digital Services Coordinator in Ireland, and " \
        "Hotline.ie, the national hotline in Ireland" in record
    assert "We complain under Article 53 of the Digital Services Act" in record
    assert "Article 20" not in record and "Meta Platforms Ireland Limited" not in record
    assert "complaints team" not in record and "complaint against your decision" not in record
    assert "Appeals Centre Europe: https://www.appealscentre.eu/" in record
    assert "User Rights: https://user-rights.org/en" in record
    # Neither recipient is described to itself.
    assert "Each EU Member State has a Digital Services Coordinator" not in record
    assert "The national hotline in Ireland for reporting" not in record


def test_the_eu_record_says_plainly_where_no_out_of_court_body_is_named():
    _, record = _eu_letters("whatsapp", area="BE")
    assert "BIPT (Belgian Institute for Postal Services and Telecommunications), the Digital " \
        "Services Coordinator in Belgium" in record
    assert "only some parts of WhatsApp are online platforms (a private chat is not one), so " \
        "no out-of-court dispute settlement body is named here" in record
    assert "Appeals Centre Europe" not in record
    assert not platforms.get("snapchat").out_of_court  # an online platform with none known
    _, record = _eu_letters("x", area=None, age=30)
    assert "For: The Digital Services Coordinator of the Member State where we are " in record
    assert "X (Twitter) is an online platform, so we can also take the dispute to an " \
        "out-of-court dispute settlement body certified under Article 21, but we found no " \
        "certified body that says it takes disputes about X (Twitter)." in record
    assert "hotline" not in record.lower()  # an adult's case: no children's hotline


def test_the_eu_next_step_goes_to_the_family_s_own_coordinator_on_the_send_page(make_app):
    data = refused_case("eu", requester={"role": "parent", "name": "Sam Taylor"})
    data["area"] = "IE"
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/letters/text", data={"case": json.dumps(data),
                                                  "letter": "escalation/instagram"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="next-services"' in page and "Coimisiún na Meán" in page
    assert "https://cnam.ie/general-public/report-complain/" in page
    assert "does not have the powers to immediately remove" in page
    assert "Hotline.ie" in page


def test_the_take_it_down_act_s_48_hours_only_for_a_request_through_the_platform_s_process():
    pdf, text = texts(refused_case("us", "x", channel="take-it-down-form"), "x")
    for letter in (pdf, text):
        assert "not later than 48 hours after it receives a valid removal request" in letter
        assert "Federal Trade Commission" in letter
    pdf, text = texts(refused_case("us", "x", channel="web-form"), "x")
    for letter in (pdf, text):
        assert "48 hours" not in letter and "Federal Trade Commission" not in letter
        assert "as soon as possible" in letter


def test_the_platform_s_own_complaint_route_for_the_region_is_named():
    _, text = texts(refused_case("england", "x"), "x")
    assert "X's internal complaints process for the UK" in text
    assert "https://help.x.com/rules-and-policies/uk-resources" in text
    _, text = texts(refused_case("us", "x"), "x")
    assert "internal complaints process for the UK" not in text
    assert "could not find a route of your own" in text


def test_it_needs_a_refusal_logged_first():
    data = refused_case()
    data["locations"][0]["reports"][0]["outcome"] = "waiting"
    data["locations"][0]["reports"][0].pop("outcome_at")
    with pytest.raises(letters.LetterUnavailable) as unavailable:
        letters.make_text("review", parse_case(data), "instagram", NOW.date(), NOW)
    assert "Log the platform's refusal first" in unavailable.value.errors[0].message


def test_an_adult_in_the_uk_gets_no_iwf_record_but_can_ask_the_platform_to_look_again():
    case = parse_case(refused_case(age=30))
    with pytest.raises(letters.LetterUnavailable):
        letters.make_text("escalation", case, "instagram", NOW.date(), NOW)
    assert "Revenge Porn Helpline" in letters.make_text("review", case, "instagram",
                                                        NOW.date(), NOW).text


def test_the_uk_next_step_letter_never_describes_the_iwf_to_the_iwf():
    case = parse_case(refused_case(requester={"role": "caseworker"}))
    text = letters.make_text("escalation", case, "instagram", NOW.date(), NOW).text
    assert "Internet Watch Foundation (IWF)" in text  # it is addressed to it
    assert "Internet Watch Foundation (IWF) hotline" not in text
    assert "Report it to the IWF" not in text and "Revenge Porn" not in text
    assert "Professionals Online Safety Helpline: please take this up with Instagram" in text


def test_the_api_and_the_progress_page_offer_it(client):
    now = datetime.now(UTC)
    data = refused_case(now=now)
    response = client.post(f"{API}/letters/review?platform=instagram", json=data)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "IG-2026-4471" in pdf_text(response.data)
    assert response.headers["Content-Disposition"].endswith(
        'takedown-TD-7KQ2-M9XP-instagram-review.pdf"')
    browser = Browser(client).get("/case/open")
    browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})
    place = browser.page.select_one("#place-0")
    assert "Download the letter asking Instagram to look again" in place.text
    assert "What to do next: Ask the platform to look again" in " ".join(place.text.split())
    browser.press("#review-instagram")
    assert browser.response.mimetype == "application/pdf"
    assert "IG-2026-4471" in pdf_text(browser.response.data)


def test_a_service_offered_only_after_some_reports_names_real_channels():
    from takedown import services
    from takedown.case import CHANNELS
    named = {slug: s.only_after for slug, s in services.all_services().items() if s.only_after}
    assert named, "no service is limited to some reports"
    for slug, channels in named.items():
        assert set(channels) <= set(CHANNELS), slug


def test_the_send_page_for_a_review_shows_the_platform_s_own_complaint_route_first(client):
    data = refused_case("england", "x", now=datetime.now(UTC))
    browser = Browser(client).get("/case/open")
    browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})
    browser.press("#send-review-x")
    heading_ids = [h.get("id") for h in browser.page.select("h3")]
    assert heading_ids[0] == "route-appeal"
    appeal = platforms.get("x").appeal_for("england")
    assert browser.page.select_one("#appeal-link")["href"] == appeal.url
    assert "does not say that someone whose report was turned down can use it" in browser.text
    assert "IG-2026-4471" in browser.page.select_one("#letter-text").text


def test_the_next_step_letter_s_send_page_lists_the_next_services_and_the_links(client):
    from takedown import deadlines, services
    data = refused_case(requester={"role": "caseworker"}, now=datetime.now(UTC))
    browser = Browser(client).get("/case/open")
    browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})
    browser.press("#send-escalation-instagram")
    shown = [a["href"] for a in browser.page.select("#next-services .route-link")]
    rule = deadlines.rule_for(parse_case(data), None, "refusal", platform="instagram")
    assert shown == [services.get(slug).url for slug in rule.routes]
    assert "iwf.org.uk" in shown[0]
    assert URLS["instagram"] in browser.page.select_one("#links-text").text
    assert "Revenge Porn" not in browser.text


def test_the_send_page_goes_back_to_the_progress_page_once_something_is_logged(client):
    data = refused_case(now=datetime.now(UTC))
    browser = Browser(client).get("/case/open")
    browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})
    browser.press("#send-review-instagram")
    browser.press("#back-to-progress")
    assert browser.heading == "Your progress" and "IG-2026-4471" in browser.text


@pytest.mark.parametrize("slug, listed", [("snapchat", True), ("instagram", True),
                                          ("whatsapp", False)])
def test_the_eu_next_step_offers_the_commission_s_list_of_out_of_court_bodies_only_for_an_online_platform(
        make_app, slug, listed):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    page = client.post("/letters/text", data={
        "case": json.dumps(refused_case("eu", slug)), "letter": f"escalation/{slug}"},
    ).get_data(as_text=True)
    assert 'id="next-services"' in page
    link = "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-court-dispute-settlement"
    assert (link in page) is listed


@pytest.mark.parametrize("jurisdiction", jurisdictions.names())
@pytest.mark.parametrize("age", [15, 30])
def test_no_next_step_record_describes_its_recipients_to_themselves(jurisdiction, age):
    """The record goes to the hotline, regulator or police the rule names: what each of those
    does is for the family's own pages, never repeated to them in the record."""
    from takedown import deadlines
    case = parse_case(refused_case(jurisdiction, age=age))
    rule = deadlines.rule_for(case, None, "refusal", platform="instagram")
    if rule is None or rule.letter != "escalation":
        return  # no record after a refusal here (the UK for an adult)
    text = " ".join(letters.make_text("escalation", case, "instagram", NOW.date(), NOW)
                    .text.split())
    for service in deadlines.routes_for(rule, case):
        assert " ".join(service.what.split()) not in text, (jurisdiction, service.slug)
    assert "Revenge Porn" not in text or age >= 18
