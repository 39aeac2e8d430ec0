"""Letters: which a case gets, what each says (read back from the PDF), and the law cited."""

import io

import pytest
from pypdf import PdfReader

from takedown import law, letters, platforms, services
from takedown.case import parse_case
from tests.helpers import LETTER_DATE as TODAY
from tests.helpers import a_letter_case as case_data
from tests.helpers import pdf_pages, pdf_text

REFERENCE = "TD-7KQ2-M9XP"

# The small directory and law file in tests/data, not what the researcher has filled in.
pytestmark = pytest.mark.usefixtures("small_directory")


def make_case(**changes):
    return parse_case(case_data(**changes))


# --- which letters ---------------------------------------------------------------


def test_available_letters_child_case_has_platform_school_iwf_and_pack():
    specs = letters.available_letters(make_case())
    assert [(s.kind, s.platform) for s in specs] == [
        ("platform", "instagram"), ("school", None), ("iwf", None), ("pack", None)]
    assert specs[0].title == "Letter to Instagram"
    assert specs[0].filename == f"takedown-{REFERENCE}-instagram.pdf"
    assert len({s.filename for s in specs}) == len(specs)


def test_available_letters_adult_case_writes_to_other_sites_and_skips_school_and_iwf():
    case = make_case(person={"under_18": False, "age": 24})
    kinds = [(s.kind, s.platform) for s in letters.available_letters(case)]
    assert kinds == [("platform", "instagram"), ("platform", "other"), ("pack", None)]


def test_available_letters_school_staff_get_a_record_for_the_safeguarding_file():
    case = make_case(requester={"role": "school", "organisation": "Leeds High School"})
    school = [s for s in letters.available_letters(case) if s.kind == "school"]
    assert [s.title for s in school] == ["Record for the school's safeguarding file"]


def test_missing_fields_by_kind():
    case = make_case(requester={"role": "parent", "name": None, "email": None, "phone": None,
                                "address": None})
    assert {e.field for e in letters.missing_fields(case, "platform")} == {
        "requester.name", "requester.email"}
    assert [e.field for e in letters.missing_fields(case, "school")] == ["requester.name"]
    assert letters.missing_fields(case, "iwf") == []
    with pytest.raises(letters.LetterUnavailable) as raised:
        letters.render_html("platform", case, "instagram", TODAY)
    assert {e.field for e in raised.value.errors} == {"requester.name", "requester.email"}


def test_school_letter_needs_only_a_name():
    case = make_case(requester={"role": "parent", "name": "Sam Taylor", "email": None,
                                "phone": None, "address": None})
    assert "Sam Taylor" in letters.render_html("school", case, today=TODAY)


@pytest.mark.parametrize("platform", ["chatapp", "nonsense", None])
def test_platform_letter_for_a_platform_not_in_the_case_is_refused(platform):
    with pytest.raises(letters.LetterUnavailable) as raised:
        letters.render_html("platform", make_case(), platform, TODAY)
    assert [e.field for e in raised.value.errors] == ["platform"]


def test_child_images_on_other_sites_go_to_the_iwf_not_a_platform_letter():
    with pytest.raises(letters.LetterUnavailable, match="Internet Watch Foundation"):
        letters.render_html("platform", make_case(), "other", TODAY)
    iwf = pdf_text(letters.render_pdf("iwf", make_case(), today=TODAY))
    assert "https://forum.example.org/thread/9" in iwf


def test_school_and_iwf_letters_are_only_for_under_18s():
    adult = make_case(person={"under_18": False, "age": 30})
    for kind in ("school", "iwf"):
        with pytest.raises(letters.LetterUnavailable):
            letters.render_html(kind, adult, today=TODAY)


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown letter kind"):
        letters.missing_fields(make_case(), "fax")


# --- what a platform letter says --------------------------------------------------


def platform_pdf(**changes) -> bytes:
    return letters.render_pdf("platform", make_case(**changes), "instagram", TODAY)


def test_platform_letter_has_date_subject_places_and_under_18_statement():
    text = pdf_text(platform_pdf())
    assert "25 November 2026" in text
    assert "Request to remove a sexual image of a person under 18" in text
    assert "https://www.instagram.com/p/ABC123/" in text
    assert "https://www.instagram.com/p/DEF456/" in text
    assert "@sharer_account" in text
    assert "A post in a group chat" in text
    assert "First seen 20 November 2026" in text
    assert "15 years old: under 18" in text
    # Places on other platforms are not in this platform's letter.
    assert "forum.example.org" not in text


def test_every_page_has_the_reference_and_page_x_of_y():
    many = [{"url": f"https://www.instagram.com/p/POST{i}/", "platform": "instagram",
             "description": "A repost " * 20} for i in range(12)]
    pages = pdf_pages(platform_pdf(locations=many))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Case reference {REFERENCE}" in text
        assert f"Page {number} of {len(pages)}" in text


def test_platform_letter_asks_for_removal_hashing_preservation_reporting_and_confirmation():
    text = pdf_text(platform_pdf())
    assert "Remove the image at every place" in text
    assert "hash-matching" in text
    assert "Preserve the evidence" in text
    assert "logs" in text and "police" in text
    assert "Report it as the law requires: to the NCMEC CyberTipline" in text
    assert "to the National Crime Agency under Online Safety Act 2023, section 66" in text
    assert f"Confirm in writing what you have done, quoting our reference {REFERENCE}" in text


def test_platform_letter_says_the_image_is_not_attached_and_why():
    text = pdf_text(platform_pdf())
    assert "The image is not attached to this letter." in text
    assert "not copied" in text
    assert "can itself be a criminal offence" in text


def test_platform_letter_has_good_faith_statement_sender_and_signature():
    text = pdf_text(platform_pdf())
    assert "I believe in good faith that the information in this letter is accurate" in text
    assert "Sam Taylor" in text
    assert "Parent or carer" in text
    assert "sam@example.com" in text and "01632 960 001" in text
    assert "1 High Street, Leeds" in text
    assert "Typing my name here is my electronic signature" in text


def test_platform_letter_is_addressed_to_the_entity_for_the_family_s_region():
    assert "Example Ireland Limited" in pdf_text(platform_pdf())
    assert "Example US Inc." in pdf_text(platform_pdf(jurisdiction="us"))


def test_platform_with_no_known_entity_goes_to_its_trust_and_safety_team():
    case = make_case(locations=[{"url": "https://chatapp.example/m/1", "platform": "chatapp"}])
    text = pdf_text(letters.render_pdf("platform", case, "chatapp", TODAY))
    assert "ChatApp — trust and safety team" in text
    assert "could not confirm the name and address" in text


def test_adult_letter_is_about_an_intimate_image_shared_without_consent():
    text = pdf_text(platform_pdf(person={"under_18": False, "age": 24}))
    assert "Request to remove an intimate image shared without consent" in text
    assert "did not consent" in text
    assert "under 18" not in text
    assert "Protection of Children Act" not in text
    assert "Sexual Offences Act 2003, section 66B" in text


def test_adult_letter_to_another_website_is_addressed_to_its_owner():
    case = make_case(person={"under_18": False, "age": 24})
    text = pdf_text(letters.render_pdf("platform", case, "other", TODAY))
    assert "The owner or host of the website" in text
    assert "https://forum.example.org/thread/9" in text


def test_page_size_is_a4_by_default_and_us_letter_for_us_cases():
    def size(pdf):
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    assert size(platform_pdf()) == (595, 842)
    assert size(platform_pdf(jurisdiction="us")) == (612, 792)
    assert "November 25, 2026" in pdf_text(platform_pdf(jurisdiction="us"))


# --- the law cited ----------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction, expected", [
    ("england", ["Protection of Children Act 1978, section 1", "Criminal Justice Act 1988, section 160",
                 "Online Safety Act 2023, section 10(3) requires you to take it down swiftly",
                 "priority illegal content under Online Safety Act 2023, Schedule 6"]),
    ("wales", ["Protection of Children Act 1978, section 1", "Online Safety Act 2023, section 10(3)"]),
    ("scotland", ["Civic Government (Scotland) Act 1982, section 52",
                  "Online Safety Act 2023, section 10(3)"]),
    ("northern-ireland", ["Protection of Children (Northern Ireland) Order 1978, Article 3"]),
    ("eu", ["notice under Regulation (EU) 2022/2065 (Digital Services Act), Article 16",
            "Article 16(2)(c) does not require us to give a name or email address",
            "(b) the exact electronic location"]),
    ("us", ["removal request under the TAKE IT DOWN Act (Pub. L. 119-12), section 3",
            "no later than 48 hours", "18 U.S.C. § 2258A requires you to report it to the National "
            "Center for Missing & Exploited Children (NCMEC) CyberTipline",
            "(i) a physical or electronic signature; The signature at the end of this letter",
            "(iv) information sufficient to contact the individual (or an authorized person acting "
            "on behalf of such individual). Section 6, the sender's details"]),
    ("australia", ["eSafety Commissioner", "within 24 hours",
                   "Online Safety Act 2021 (Cth), section 77"]),
])
def test_letter_cites_the_law_of_the_jurisdiction(jurisdiction, expected):
    text = pdf_text(platform_pdf(jurisdiction=jurisdiction))
    for phrase in expected:
        assert phrase in text, phrase
    # Each law cited is listed with its source.
    for item in law.laws_for(jurisdiction, True, "us", TODAY):
        assert item.citation in text


def test_letter_cites_no_law_of_another_jurisdiction():
    text = pdf_text(platform_pdf(jurisdiction="scotland"))
    assert "Protection of Children Act 1978" not in text
    assert "Digital Services Act" not in text
    assert "eSafety" not in text


def test_us_based_platform_gets_take_it_down_elements_in_a_uk_letter():
    text = pdf_text(platform_pdf())
    assert "the TAKE IT DOWN Act (Pub. L. 119-12), section 3" in text
    assert "to the NCMEC CyberTipline under 18 U.S.C. § 2258A" in text


def test_platform_not_based_in_the_us_gets_no_us_law():
    case = make_case(locations=[{"url": "https://chatapp.example/m/1", "platform": "chatapp"}])
    text = pdf_text(letters.render_pdf("platform", case, "chatapp", TODAY))
    assert "TAKE IT DOWN" not in text
    assert "2258A" not in text


def test_law_not_yet_in_force_is_not_cited():
    assert "Future Act 2099" not in pdf_text(platform_pdf())


def test_letter_reads_correctly_with_no_law_file(small_directory):
    (small_directory / "law.toml").unlink()
    law.all_laws.cache_clear()
    text = pdf_text(platform_pdf())
    assert "Act" not in text.replace("TAKE IT DOWN", "")
    assert "Sources for the law cited" not in text
    assert "Please act on this letter under your own rules" in text
    assert "Report it as the law requires: to the authorities wherever the law requires" in text


def test_real_law_file_parses_and_is_recognised(monkeypatch):
    monkeypatch.setattr(law, "DATA_FILE", letters.ROOT / "takedown" / "data" / "law.toml")
    law.all_laws.cache_clear()
    assert law.DATA_FILE.exists(), f"{law.DATA_FILE} is missing"
    laws = law.all_laws()
    assert laws
    topics = {item.topic for item in laws}
    assert {"child-offence", "take-it-down", "dsa-art-16"} <= topics


# --- school, IWF and pack ----------------------------------------------------------------


def test_school_letter_asks_the_dsl_to_follow_ukcis_advice():
    case = make_case(concerns={"shared_at_school": True},
                     school={"name": "Leeds High School", "contact_name": "Ms Patel"})
    text = pdf_text(letters.render_pdf("school", case, today=TODAY))
    assert "Ms Patel" in text and "Leeds High School" in text
    assert ("“Sharing nudes and semi-nudes: advice for education settings working with "
            "children and young people”") in text
    for ask in ("Do not view, copy, print, share or save the image", "Support the young person",
                "Deal with onward sharing among pupils", "Record the incident"):
        assert ask in text
    assert "shared among pupils at the school" in text
    assert REFERENCE in text
    # Links are left out so no one at school opens them.
    assert "instagram.com/p/" not in text
    assert "@sharer_account" in text


@pytest.mark.parametrize("jurisdiction, slug, note", [
    ("wales", "ukcis-guidance-wales", False), ("england", "ukcis-guidance", False),
    ("scotland", "ukcis-guidance", True)])
def test_school_letter_names_the_guidance_from_services_toml(jurisdiction, slug, note):
    guidance = services.get(slug)
    text = pdf_text(letters.render_pdf("school", make_case(jurisdiction=jurisdiction), today=TODAY))
    assert f"the {guidance.publisher} advice “{guidance.title}”" in text
    assert ("written for England, alongside your own child protection procedures" in text) == note


def test_school_letter_outside_the_uk_names_no_uk_advice():
    text = pdf_text(letters.render_pdf("school", make_case(jurisdiction="us"), today=TODAY))
    assert "UKCIS" not in text
    assert "safeguarding and child protection procedures" in text


def test_iwf_record_lists_every_place_and_what_has_been_tried_without_the_name():
    case = make_case(person={"under_18": True, "age": 15, "name": "Alex Taylor"})
    text = pdf_text(letters.render_pdf("iwf", case, today=TODAY))
    assert "Record of a sexual image of a person under 18, for the IWF" in text
    for url in ("https://www.instagram.com/p/ABC123/", "https://forum.example.org/thread/9"):
        assert url in text
    assert "Letters asking for removal were prepared on 25 November 2026" in text
    assert "Instagram" in text
    assert "Alex Taylor" not in text
    assert "Reported on (date)" in text


def test_pack_has_cover_plan_every_letter_and_a_blank_incident_log():
    from takedown import plan

    case = make_case(concerns={"threats": True})
    pages = pdf_pages(letters.render_pdf("pack", case, today=TODAY))
    text = " ".join(pages)
    assert pages[0].count("Takedown pack") >= 1 and "Inside" in pages[0]
    for section in plan.make_plan(case).sections:
        assert section.title in text
        for step in section.steps:
            assert step.title in text
    for heading in ("Request to remove a sexual image of a person under 18",
                    "please act to safeguard them", "for the IWF"):
        assert heading in text
    assert "Incident log" in pages[-1]
    assert "Date Who was contacted Reference number Outcome" in pages[-1]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert REFERENCE in page


def test_render_html_is_a_document_with_title_and_language():
    html = letters.render_html("platform", make_case(), "instagram", TODAY)
    assert html.lstrip().startswith("<!doctype html>")
    assert '<html lang="en-GB"' in html
    assert f"<title>Letter to Instagram – {REFERENCE}</title>" in html


def test_an_act_cited_twice_in_one_phrase_is_named_once():
    from takedown.letters import _merge_sections
    assert _merge_sections(["Online Safety Act 2023, section 20", "Online Safety Act 2023, section 21",
                            "18 U.S.C. § 2258A"]) == [
        "Online Safety Act 2023, sections 20 and 21", "18 U.S.C. § 2258A"]

