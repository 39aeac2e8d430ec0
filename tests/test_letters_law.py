"""Each letter in the family's own law, exactly as strong as the law, to the right company.

Read from the real directory and law file: each test reads the letter's text (as the API and
the send page give it) and would fail on the wording the audit of December 2026 found
(shared/research/law-and-facts-2026-12.md, table (a)); one PDF of each kind is read back.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from takedown import deadlines, jurisdictions, law, letters, platforms
from takedown.case import parse_case
from takedown.jurisdictions import JURISDICTIONS
from tests.helpers import a_letter_case, pdf_pages, pdf_text

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def text(kind: str, platform: str | None = None, **changes) -> str:
    """The letter as plain text, for a case in England (a parent, a 15-year-old) unless changed."""
    case = parse_case(a_letter_case(**changes))
    return letters.make_text(kind, case, platform, TODAY, NOW).text


def on(slug: str, **changes) -> dict:
    """Case changes putting one place on this platform."""
    return {"locations": [{"platform": slug, "account": "@sharer",
                           "url": f"https://{slug}.example/p/1" if slug == "other" else None}],
            **changes}


def recipient_block(letter: str) -> str:
    """The letter's "To:" block: from "To:" to the date line."""
    return letter.split("\nTo:\n", 1)[1].split("\n\n", 1)[0]


ADULT = {"person": {"under_18": False, "age": 24}}


# --- the right company, in the family's region ------------------------------------------------


def expected_company(platform: platforms.Platform, region: str) -> platforms.Entity | None:
    """The company the directory names for the region, else for everyone: never another region's."""
    for serves in (region, "uk-eu" if region in ("uk", "eu") else None, "worldwide"):
        found = [e for e in platform.entities if serves in e.serves]
        if found:
            return found[0]
    return None


SERVED = [(platform.slug, jurisdiction) for platform in platforms.all_platforms()
          if platform.slug != "other" for jurisdiction in JURISDICTIONS]


@pytest.mark.parametrize("slug, jurisdiction", SERVED)
def test_every_platform_letter_goes_to_the_company_named_for_the_family_s_region(slug, jurisdiction):
    platform = platforms.get(slug)
    region = platforms.region_of(jurisdiction)
    letter = text("platform", slug, **on(slug, jurisdiction=jurisdiction))
    to = recipient_block(letter)
    company = expected_company(platform, region)
    if company is None:
        assert to == f"{platform.name} — trust and safety team"
        place = jurisdictions.get(jurisdiction).the_name
        assert (f"The name and address of the company that runs {platform.name} for people in "
                f"{place} could not be confirmed, so this letter is addressed to its trust and "
                "safety team") in letter
    else:
        assert to.splitlines()[0] == company.name
        if company.address:
            assert to.splitlines()[1] == company.address
        assert "could not be confirmed" not in letter
    # Never another region's company.
    others = {e.name for e in platform.entities} - ({company.name} if company else set())
    assert to.splitlines()[0] not in others, (to, others)


@pytest.mark.parametrize("slug, jurisdiction, company", [
    ("tiktok", "us", "TikTok USDS Joint Venture LLC"),
    ("tiktok", "england", "TikTok Information Technologies UK Limited"),
    ("facebook", "us", "Meta Platforms, Inc."),
    ("facebook", "scotland", "Meta Platforms, Inc."),
    ("whatsapp", "us", "WhatsApp LLC"),
    ("whatsapp", "wales", "WhatsApp LLC"),
    ("whatsapp", "eu", "WhatsApp Ireland Limited"),
    ("google-drive", "england", "Google LLC"),
    ("google-photos", "us", "Google LLC"),
    ("snapchat", "australia", "Snap Group Limited Singapore Branch"),
    ("x", "australia", "X Corp."),
    # Canada: the companies the terms name for Canada, or for everyone they name no other for.
    ("apple", "canada", "Apple Canada Inc."),
    ("dropbox", "canada", "Dropbox, Inc."),
    ("pinterest", "canada", "Pinterest Europe Ltd."),
    ("snapchat", "canada", "Snap Group Limited"),
    ("whatsapp", "canada", "WhatsApp LLC"),
    ("x", "canada", "X Corp."),
])
def test_the_companies_the_audit_found_wrong_are_right(slug, jurisdiction, company):
    assert recipient_block(text("platform", slug, **on(slug, jurisdiction=jurisdiction))) \
        .splitlines()[0] == company


@pytest.mark.parametrize("slug, jurisdiction", [
    ("youtube", "england"), ("messenger", "england"), ("tiktok", "australia"),
    ("instagram", "australia"), ("instagram", "canada"), ("facebook", "canada"),
    ("tiktok", "canada"), ("youtube", "canada"), ("google-drive", "canada")])
def test_no_company_is_borrowed_from_another_region(slug, jurisdiction):
    """The terms read name no company for these families: the team, and no Irish or UK company."""
    letter = text("platform", slug, **on(slug, jurisdiction=jurisdiction))
    assert recipient_block(letter) == f"{platforms.get(slug).name} — trust and safety team"
    assert "Ireland" not in recipient_block(letter)


# --- the family's own law first; another country's only as an addition ------------------------


def test_a_us_family_makes_a_take_it_down_request():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="us"))
    assert "This is a removal request under the TAKE IT DOWN Act" in letter
    assert "You may also treat this letter" not in letter


@pytest.mark.parametrize("jurisdiction", ["england", "scotland", "eu", "australia"])
def test_elsewhere_the_take_it_down_act_is_an_addition_after_the_family_s_own_law(jurisdiction):
    letter = text("platform", "instagram", **on("instagram", jurisdiction=jurisdiction))
    assert "This is a removal request under the TAKE IT DOWN Act" not in letter
    addition = letter.index("You may also treat this letter as a request under the TAKE IT "
                            "DOWN Act")
    own = {"england": "Protection of Children Act 1978", "scotland": "Civic Government "
           "(Scotland) Act 1982", "eu": "Directive 2011/93/EU",
           "australia": "Online Safety Act 2021 (Cth), section 33"}[jurisdiction]
    assert letter.index(own) < addition


def test_a_platform_run_outside_the_us_gets_no_us_law():
    letter = text("platform", "telegram", **on("telegram"))
    assert "TAKE IT DOWN" not in letter and "2258A" not in letter


@pytest.mark.parametrize("jurisdiction", ["england", "us", "eu", "australia"])
def test_the_cybertipline_report_is_asked_for_only_as_2258a_requires_it(jurisdiction):
    letter = text("platform", "instagram", **on("instagram", jurisdiction=jurisdiction))
    assert "Report it as the law requires: to the NCMEC CyberTipline under" not in letter
    assert ("to the NCMEC CyberTipline, if the image is an apparent violation of the federal "
            "child sexual exploitation laws that 18 U.S.C. § 2258A(a)(2) lists, as that section "
            "requires") in letter


@pytest.mark.parametrize("jurisdiction", ["england", "wales", "scotland", "northern-ireland"])
def test_uk_letters_ask_for_a_report_to_the_nca_only_if_section_66_applies(jurisdiction):
    letter = text("platform", "instagram", **on("instagram", jurisdiction=jurisdiction))
    report = letter.split("Report it where the law requires: ", 1)[1]
    assert report.startswith(
        "to the National Crime Agency under Online Safety Act 2023, section 66, if that section "
        "applies to you (it requires a UK provider to report the child sexual exploitation and "
        "abuse content it detects, and a provider outside the UK to report such content that is "
        "UK-linked); and to the NCMEC CyberTipline")
    assert "Online Safety Act 2023, section 66:" in letter  # in the sources, with its address


def test_no_letter_asks_for_a_nca_report_outside_the_uk():
    for jurisdiction in ("us", "eu", "australia"):
        assert "National Crime Agency" not in text("platform", "instagram",
                                                   **on("instagram", jurisdiction=jurisdiction))


def test_the_48_hour_uk_duty_stays_out_until_it_is_in_force():
    letter = text("platform", "instagram", **on("instagram"))
    assert "intimate image content report" not in letter
    assert "10(3A)" not in letter and "within 48 hours of receiving this letter" not in letter
    assert not [item for item in law.all_laws() if item.topic == "uk-48-hours"]
    rule = next(r for r in deadlines.all_deadlines() if r.slug == "uk-our-48-hours")
    assert "sets no number of hours" in rule.says
    notes = law.DATA_FILE.read_text(encoding="utf-8")
    assert "As of 2026-12-07: Royal Assent 29 April 2026" in notes
    assert "COMMENCEMENT NOT CONFIRMED" in notes


# --- Australia ----------------------------------------------------------------------------------


@pytest.mark.parametrize("under_18, sections", [(True, "section 77; for class 1 material, "
                                                       "section 109)"),
                                                (False, "section 77).")])
def test_australian_letters_never_cite_the_notice_to_the_poster(under_18, sections):
    changes = {} if under_18 else ADULT
    letter = text("platform", "tiktok", **on("tiktok", jurisdiction="australia", **changes))
    assert "section 78" not in letter and "sections 77, 78" not in letter
    assert ("who can give you a removal notice requiring you to take all reasonable steps to "
            f"remove it within 24 hours (Online Safety Act 2021 (Cth), {sections}") in letter


def test_australian_law_comes_before_any_us_law():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="australia"))
    assert letter.index("eSafety Commissioner") < letter.index("TAKE IT DOWN")


# --- the EU -----------------------------------------------------------------------------------


def test_an_eu_child_letter_cites_the_directive_behind_the_member_states_offences():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="eu"))
    assert ("Directive 2011/93/EU requires each Member State to make offences concerning child "
            "pornography punishable as criminal offences (Article 5)") in letter
    assert "It contains every element that Article 16(2) lists" not in letter
    assert "why it is illegal" not in letter
    assert "why we consider it illegal" in letter


def test_an_eu_adult_letter_says_why_it_is_illegal_content_without_claiming_an_offence():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="eu", **ADULT))
    assert ("We consider this image illegal content: it is an intimate image of the person "
            "shown, shared without their consent. Please assess it under the law of the Member "
            "State where they live.") in letter
    assert "Directive 2011/93/EU requires" not in letter


@pytest.mark.parametrize("slug, notice", [
    ("instagram", "This is a notice under Regulation (EU) 2022/2065 (Digital Services Act), "
                  "Article 16."),
    ("mega", "If your service is a hosting service under the Digital Services Act, please treat "
             "this letter as a notice under Regulation (EU) 2022/2065"),
    ("google-drive", "If your service is a hosting service under the Digital Services Act"),
    ("whatsapp", "If your service is a hosting service under the Digital Services Act"),
    ("signal", None),
    ("messenger", None),
])
def test_a_dsa_notice_only_where_the_service_hosts_what_it_is_sent(slug, notice):
    letter = text("platform", slug, **on(slug, jurisdiction="eu"))
    if notice is None:
        assert "Digital Services Act" not in letter and "Article 16" not in letter
    else:
        assert notice in letter
        assert ("we are also sending it through your electronic notice mechanism" in letter) is \
            notice.startswith("This is a notice")


def refused_on(slug: str, **changes) -> dict:
    refused = {"channel": "in-app", "at": (NOW - timedelta(days=3)).isoformat(),
               "reference": "R-42", "outcome": "refused",
               "outcome_at": (NOW - timedelta(days=1)).isoformat()}
    return {"schema": "takedown-case/2",
            "locations": [{"platform": slug, "account": "@sharer", "reports": [refused]}],
            **changes}


@pytest.mark.parametrize("slug", ["whatsapp", "signal", "mega", "google-drive", "messenger"])
def test_no_article_20_complaint_to_a_service_that_is_not_an_online_platform(slug):
    letter = text("escalation", slug, **refused_on(slug, jurisdiction="eu"))
    # Articles 20 and 21 are named only to say that they bind online platforms only.
    assert "Articles 20 and 21 of the Digital Services Act apply to providers of online " \
        "platforms only" in letter
    assert "no out-of-court dispute settlement body is named here" in letter
    assert "complaint against your decision" not in letter and "I complain against" not in letter
    assert "Record for a complaint to a Digital Services Coordinator" in letter
    assert "Article 53" in letter


@pytest.mark.parametrize("slug, bodies", [
    ("instagram", ["Appeals Centre Europe", "User Rights"]),
    ("tiktok", ["Appeals Centre Europe", "User Rights"]),
    ("facebook", ["Appeals Centre Europe"]),
    ("youtube", ["Appeals Centre Europe"]),
    ("x", []),
])
def test_after_the_article_20_complaint_an_online_platform_s_next_step_is_article_21_and_53(
        slug, bodies):
    """The letter asking the platform to look again is the Article 20 complaint; the next step
    is the record for the coordinator with the platform's Article 21 bodies, never a second
    complaint to the platform."""
    case = refused_on(slug, jurisdiction="eu")
    review = text("review", slug, **case)
    assert "complaint, under Article 20 of the Digital Services Act" in review
    letter = text("escalation", slug, **case)
    assert "Article 20" not in letter and "complaint against your decision" not in letter
    assert "complain under Article 53 of the Digital Services Act" in letter
    assert "out-of-court dispute settlement body certified under Article 21" in letter
    for body in platforms.get(slug).out_of_court:
        assert f"{body.name}: {body.url}" in letter
    assert [body.name for body in platforms.get(slug).out_of_court] == bodies
    if not bodies:
        assert "found no certified body that says it takes disputes about" in " ".join(
            letter.split())


def test_the_progress_rule_for_a_refusal_follows_what_the_service_is():
    for slug, rule in (("instagram", "eu-art-20-complaint"), ("whatsapp", "eu-refusal")):
        case = parse_case(a_letter_case(**refused_on(slug, jurisdiction="eu")))
        [step] = deadlines.next_steps(case, NOW)
        assert step.rule.slug == rule


# --- smaller fixes ----------------------------------------------------------------------------


def test_the_letters_say_only_what_the_sender_ticked_about_who_asked():
    asked = {"concerns": {"asked_online": True}}
    letter = text("platform", "instagram", **on("instagram", **asked))
    assert "Someone they met online asked them for the image." in letter
    assert "adult is involved" not in letter
    school = text("school", **asked)
    assert "Someone they met online asked them for the image." in school
    assert "adult is involved" not in school and "An adult is involved:" not in school
    adult = text("platform", "instagram", **on("instagram", concerns={"adult_involved": True}))
    assert "We believe an adult is involved." in adult and "met online" not in adult


def test_follow_up_letters_name_the_acts_as_they_are_written():
    report = {"channel": "take-it-down-form", "at": (NOW - timedelta(hours=60)).isoformat(),
              "reference": "T-1"}
    case = {"schema": "takedown-case/2", "jurisdiction": "us",
            "locations": [{"platform": "x", "account": "@sharer", "reports": [report]}]}
    letter = text("follow-up", "x", **case)
    assert "(how: the platform's TAKE IT DOWN Act request form)" in letter
    assert "take it down act" not in letter
    report["channel"] = "dsa-form"
    case["jurisdiction"] = "eu"
    assert "(how: the platform's Digital Services Act notice form)" in text("follow-up", "x",
                                                                             **case)
    assert letters.in_sentence("NCMEC CyberTipline") == "NCMEC CyberTipline"


def test_the_sources_annex_names_the_copy_actually_read():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="us"))
    tida = law.all_laws()[[i.slug for i in law.all_laws()].index("take-it-down-act-s3")]
    assert (f"{tida.citation}: {tida.source}, read in a copy at {tida.read.via} (checked "
            f"December 1, 2026)") in letter
    au = text("platform", "tiktok", **on("tiktok", jurisdiction="australia"))
    assert ("Online Safety Act 2021 (Cth), section 77: https://www.austlii.edu.au/au/legis/cth/"
            "consol_act/osa2021154/s77.html (a secondary source, checked 25 November 2026)") in au


def test_facebook_has_no_after_report_steps_from_a_2016_copy():
    assert platforms.get("facebook").after_report is None


def test_canadian_letters_cite_the_criminal_code_in_its_current_words_before_any_us_law():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="canada"))
    law_part = letter.split("Sources for the law cited")[0]
    assert ("Making, distributing, transmitting or making available, or possessing child sexual "
            "abuse and exploitation material is a criminal offence under the Criminal Code "
            "(R.S.C. 1985, c. C-46), section 163.1.") in law_part
    assert "child pornography" not in law_part.lower()
    assert ("Sharing an intimate image of a person without their consent can also be a criminal "
            "offence under Criminal Code (R.S.C. 1985, c. C-46), section 162.1.") in law_part
    assert law_part.index("section 163.1") < law_part.index("section 162.1") < law_part.index(
        "You may also treat this letter as a request under the TAKE IT DOWN Act")
    assert "This is a removal request under" not in letter


def test_a_canadian_adult_s_letter_cites_only_the_offence_for_an_adult():
    letter = text("platform", "x", **on("x", jurisdiction="canada", **ADULT))
    assert "163.1" not in letter and "under 18" not in letter
    assert ("Sharing an intimate image of a person without their consent can be a criminal "
            "offence under Criminal Code (R.S.C. 1985, c. C-46), section 162.1.") in letter


# --- each jurisdiction's letter conventions ----------------------------------------------------


@pytest.mark.parametrize("jurisdiction", ["us", "canada"])
def test_north_american_letters_are_written_as_they_write_them_there(jurisdiction):
    letter = text("platform", "instagram", **on("instagram", jurisdiction=jurisdiction))
    assert "December 7, 2026" in letter
    assert "Sincerely," in letter and "Yours faithfully" not in letter
    assert "authorized to act for them" in letter and "authorised" not in letter
    assert "parent or guardian of the person in the image" in letter
    assert "Parent or guardian" in letter and "carer" not in letter


def test_british_letters_keep_british_conventions():
    letter = text("platform", "instagram", **on("instagram", jurisdiction="scotland"))
    assert "7 December 2026" in letter and "Yours faithfully," in letter
    assert "authorised to act for them" in letter and "parent or carer" in letter


def test_australian_letters_say_parent_or_guardian_as_esafety_does():
    letter = text("platform", "tiktok", **on("tiktok", jurisdiction="australia"))
    assert "parent or guardian" in letter and "Yours faithfully," in letter
    assert "7 December 2026" in letter


# --- one PDF of each kind, read back ----------------------------------------------------------


def test_each_kind_says_the_same_in_its_pdf():
    us = parse_case(a_letter_case(**on("tiktok", jurisdiction="us")))
    pages = pdf_pages(letters.render_pdf("platform", us, "tiktok", TODAY, NOW))
    assert "To: TikTok USDS Joint Venture LLC" in pages[0]
    assert "December 7, 2026" in pages[0]
    whole = " ".join(pages)
    assert "Sincerely," in whole and "authorized" in whole
    assert "if the image is an apparent violation" in whole
    eu = parse_case(a_letter_case(**refused_on("whatsapp", jurisdiction="eu")))
    escalation = pdf_text(letters.render_pdf("escalation", eu, "whatsapp", TODAY, NOW))
    assert "Record for a complaint to a Digital Services Coordinator" in escalation
    assert "I complain against" not in escalation
    report = {"channel": "take-it-down-form", "at": (NOW - timedelta(hours=60)).isoformat()}
    follow = parse_case(a_letter_case(schema="takedown-case/2", jurisdiction="us", locations=[
        {"platform": "x", "account": "@sharer", "reports": [report]}]))
    follow_up = pdf_text(letters.render_pdf("follow-up", follow, "x", TODAY, NOW))
    assert re.search(r"the platform's TAKE IT DOWN Act request form", follow_up)
    assert "Sincerely," in follow_up
    school = pdf_text(letters.render_pdf("school", parse_case(a_letter_case(
        jurisdiction="us", concerns={"adult_involved": True})), None, TODAY, NOW))
    assert "I am the parent or guardian of" in school
    assert "We believe an adult is involved." in school
