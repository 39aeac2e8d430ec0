"""Letters: which a case gets, what each says (read back from the PDF), and the law cited."""

import io
import re
from functools import cache

import pytest
from pypdf import PdfReader

from takedown import law, lettercontent, letters, services
from takedown.case import parse_case
from tests.helpers import LETTER_DATE as TODAY
from tests.helpers import a_letter_case as case_data
from tests.helpers import pdf_pages
from tests.helpers import pdf_text as pdf_text_with_footers

REFERENCE = "TD-7KQ2-M9XP"

# The small directory and law file in tests/data, not what the researcher has filled in.
pytestmark = pytest.mark.usefixtures("small_directory")
_FOOTER = re.compile(r" Private and confidential · Case reference \S+ Page \d+ of \d+")


def pdf_text(pdf: bytes) -> str:
    """The letter's text without its running footer, which a page break can put in the middle
    of a sentence."""
    return _FOOTER.sub("", pdf_text_with_footers(pdf))


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


@cache
def letter_case_platform_pdf(jurisdiction: str = "england") -> bytes:
    """platform_pdf() of the letter case, changed only in where the family lives, made once:
    many tests read it. A test that changes the directory or the law file makes its own."""
    return platform_pdf(jurisdiction=jurisdiction)


def test_platform_letter_has_date_subject_places_and_under_18_statement():
    text = pdf_text(letter_case_platform_pdf())
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
    text = pdf_text(letter_case_platform_pdf())
    assert "Remove the image at every place" in text
    assert "hash-matching" in text
    assert "Preserve the evidence" in text
    assert "logs" in text and "police" in text
    assert ("Report it where the law requires: to the National Crime Agency under Online Safety "
            "Act 2023, section 66, if that section applies to you" in text)
    assert ("; and to the NCMEC CyberTipline, if the image is an apparent violation of the "
            "federal child sexual exploitation laws that 18 U.S.C. § 2258A(a)(2) lists" in text)
    assert f"Confirm in writing what you have done, quoting our reference {REFERENCE}" in text


def test_platform_letter_says_the_image_is_not_attached_and_why():
    text = pdf_text(letter_case_platform_pdf())
    assert "The image is not attached to this letter." in text
    assert "not copied" in text
    assert "can itself be a criminal offence" in text


def test_platform_letter_has_good_faith_statement_sender_and_signature():
    text = pdf_text(letter_case_platform_pdf())
    assert "I believe in good faith that the information in this letter is accurate" in text
    assert "Sam Taylor" in text
    assert "Parent or carer" in text
    assert "sam@example.com" in text and "01632 960 001" in text
    assert "1 High Street, Leeds" in text
    assert "Typing my name here is my electronic signature" in text


def test_platform_letter_is_addressed_to_the_entity_for_the_family_s_region():
    assert "Example Ireland Limited" in pdf_text(letter_case_platform_pdf())
    assert "Example US Inc." in pdf_text(letter_case_platform_pdf("us"))


def test_platform_with_no_known_entity_goes_to_its_trust_and_safety_team():
    case = make_case(locations=[{"url": "https://chatapp.example/m/1", "platform": "chatapp"}])
    text = pdf_text(letters.render_pdf("platform", case, "chatapp", TODAY))
    assert "ChatApp — trust and safety team" in text
    assert "The name and address of the company that runs ChatApp for people in England " \
        "could not be confirmed" in text


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

    assert size(letter_case_platform_pdf()) == (595, 842)
    assert size(letter_case_platform_pdf("us")) == (612, 792)
    assert "November 25, 2026" in pdf_text(letter_case_platform_pdf("us"))


# --- the law cited ----------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction, expected", [
    ("england", ["Protection of Children Act 1978, section 1", "Criminal Justice Act 1988, section 160",
                 "Under Online Safety Act 2023, section 10(3), you must operate your service using "
                 "proportionate systems and processes designed to take such content down swiftly",
                 "priority illegal content under Online Safety Act 2023, Schedule 6"]),
    ("wales", ["Protection of Children Act 1978, section 1", "Online Safety Act 2023, section 10(3)"]),
    ("scotland", ["Civic Government (Scotland) Act 1982, section 52",
                  "Online Safety Act 2023, section 10(3)"]),
    ("northern-ireland", ["Protection of Children (Northern Ireland) Order 1978, Article 3"]),
    ("eu", ["notice under Regulation (EU) 2022/2065 (Digital Services Act), Article 16",
            "Article 16(2)(c) does not require us to give a name or email address",
            "(b) the exact electronic location"]),
    ("us", ["removal request under the TAKE IT DOWN Act (Pub. L. 119-12), section 3",
            "no later than 48 hours", "must report them to the National "
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
    text = pdf_text(letter_case_platform_pdf())
    assert ("You may also treat this letter as a request under the TAKE IT DOWN Act (Pub. L. "
            "119-12), section 3" in text)
    assert "This is a removal request" not in text
    assert "to the NCMEC CyberTipline, if the image is an apparent violation" in text


def test_platform_not_based_in_the_us_gets_no_us_law():
    case = make_case(locations=[{"url": "https://chatapp.example/m/1", "platform": "chatapp"}])
    text = pdf_text(letters.render_pdf("platform", case, "chatapp", TODAY))
    assert "TAKE IT DOWN" not in text
    assert "2258A" not in text


def test_law_not_yet_in_force_is_not_cited():
    assert "Future Act 2099" not in pdf_text(letter_case_platform_pdf())


def test_letter_reads_correctly_with_no_law_file(small_directory):
    (small_directory / "law.toml").unlink()
    law.all_laws.cache_clear()
    text = pdf_text(platform_pdf())
    assert "Act" not in text.replace("TAKE IT DOWN", "")
    assert "Sources for the law cited" not in text
    assert "Please act on this letter under your own rules" in text
    assert "Report it where the law requires: to the authorities wherever the law requires" in text


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


@pytest.mark.parametrize("jurisdiction, slug, kind", [
    ("wales", "ukcis-guidance-wales", "advice"), ("england", "ukcis-guidance", "advice"),
    ("scotland", "child-protection-guidance-scotland", "guidance"),
    ("northern-ireland", "child-protection-guide-ni-schools", "guidance")])
def test_school_letter_names_the_guidance_schools_follow_where_the_family_lives(
        jurisdiction, slug, kind):
    guidance = services.get(slug)
    text = pdf_text(letters.render_pdf("school", make_case(jurisdiction=jurisdiction), today=TODAY))
    assert f"the {guidance.publisher} {kind} “{guidance.title}”" in text
    assert ("UKCIS" in text) == (jurisdiction == "england")
    assert "written for England" not in text


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
    # Each part (cover and plan, each letter, the log) is numbered on its own.
    numbers = [tuple(map(int, re.findall(r"Page (\d+) of (\d+)", page)[-1])) for page in pages]
    expected = []
    for _, total in [(n, t) for n, t in numbers if n == 1]:
        expected += [(n, total) for n in range(1, total + 1)]
    assert numbers == expected and len([n for n, _ in numbers if n == 1]) == 5
    for page in pages:
        assert REFERENCE in page


def test_render_html_is_a_document_with_title_and_language():
    html = letters.render_html("platform", make_case(), "instagram", TODAY)
    assert html.lstrip().startswith("<!doctype html>")
    assert '<html lang="en-GB"' in html
    assert f"<title>Letter to Instagram – {REFERENCE}</title>" in html


def test_an_act_cited_twice_in_one_phrase_is_named_once():
    from takedown.lettercontent import _merge_sections
    assert _merge_sections(["Online Safety Act 2023, section 20", "Online Safety Act 2023, section 21",
                            "18 U.S.C. § 2258A"]) == [
        "Online Safety Act 2023, sections 20 and 21", "18 U.S.C. § 2258A"]



# --- issue 11: wording a platform's legal team will check -----------------------------------

REAL_LAW_FILE = letters.ROOT / "takedown" / "data" / "law.toml"


def real_law_file(monkeypatch):
    monkeypatch.setattr(law, "DATA_FILE", REAL_LAW_FILE)
    law.all_laws.cache_clear()
    return law.all_laws()


def test_us_letter_says_the_provider_s_own_report_is_the_preservation_request():
    text = pdf_text(letter_case_platform_pdf("us"))
    assert ("A completed submission of that report is treated as a request to preserve the "
            "contents provided in it for 1 year after the submission (subsection (h)(1))") in text
    assert "once NCMEC confirms" not in text
    assert "gives you actual knowledge" not in text


def test_real_2258a_entry_follows_the_report_act(monkeypatch):
    entry = next(item for item in real_law_file(monkeypatch) if item.slug == "usc-18-2258a")
    assert "completed submission by a provider of a report to the CyberTipline" in entry.summary
    assert "for 1 year after the submission" in entry.summary
    assert "notification" not in entry.summary
    assert entry.source.startswith("https://uscode.house.gov/")


def test_northern_ireland_possession_is_article_15_of_the_1988_order_not_article_3():
    text = pdf_text(platform_pdf(jurisdiction="northern-ireland"))
    assert ("Taking, making, distributing or showing an indecent photograph or pseudo-photograph of a child is a "
            "criminal offence under Protection of Children (Northern Ireland) Order 1978, "
            "Article 3.") in text
    assert ("Possessing an indecent photograph or pseudo-photograph of a child is a criminal offence under Criminal "
            "Justice (Evidence, Etc.) (Northern Ireland) Order 1988, Article 15.") in text
    assert "possessing" not in text


def test_england_possession_is_cited_to_section_160():
    text = pdf_text(letter_case_platform_pdf())
    assert ("Possessing an indecent photograph or pseudo-photograph of a child is a criminal offence under Criminal "
            "Justice Act 1988, section 160.") in text
    assert "Taking, making, distributing or showing an indecent photograph or pseudo-photograph of a child is a " \
           "criminal offence under Protection of Children Act 1978, section 1." in text


def test_real_law_file_has_northern_ireland_possession_from_legislation_gov_uk(monkeypatch):
    real_law_file(monkeypatch)
    found = [item for item in law.laws_for("northern-ireland", True)
             if item.topic == "child-possession"]
    assert [item.source for item in found] == [
        "https://www.legislation.gov.uk/nisi/1988/1847/article/15"]
    art3 = next(item for item in law.all_laws() if item.slug == "pcnio-1978-art3")
    assert art3.topic == "child-offence"


# Every row of every element table: the element, and the section that meets it. Instagram is
# run by a US company, so an EU letter to it has the TAKE IT DOWN Act table as well.
_DSA_ROWS = [
    ("(a) an explanation of why it is illegal content;",
     "Sections 1 and 3: what the image is and the law"),
    ("(b) the exact electronic location, such as the exact URL, and information enabling the "
     "identification of the illegal content;", "Section 2, where the image is"),
    ("(c) the name and email address of the notifier, except for CSAM;",
     "Section 6, the sender's details"),
    ("(d) a statement confirming the bona fide belief that it is accurate and complete.",
     "Section 6, the statement of good faith"),
]
_TIDA_ROWS = [
    ("(i) a physical or electronic signature;", "The signature at the end of this letter"),
    ("(ii) information reasonably sufficient to locate the depiction;",
     "Section 2, where the image is"),
    ("(iii) a brief statement of good faith belief that it is not consensual;",
     "Section 6, the statement of good faith"),
    ("(iv) information sufficient to contact the individual (or an authorized person acting on "
     "behalf of such individual).", "Section 6, the sender's details"),
]
FIXTURE_ELEMENT_ROWS = {"eu": _DSA_ROWS + _TIDA_ROWS, "us": _TIDA_ROWS}
# The same for the real law file, by each element's opening label.
_REAL_TIDA = {"(i)": "The signature at the end of this letter",
              "(ii)": "Section 2, where the image is",
              "(iii)": "Section 6, the statement of good faith",
              "(iv)": "Section 6, the sender's details"}
REAL_ELEMENT_PLACES = {
    "eu": {"(a)": "Sections 1 and 3: what the image is and the law",
           "(b)": "Section 2, where the image is",
           "(c)": "Section 6, the sender's details",
           "(d)": "Section 6, the statement of good faith", **_REAL_TIDA},
    "us": _REAL_TIDA,
}
HEADINGS = {"Section 1": "1. Who is writing", "Section 2": "2. Where the image is",
            "Sections 1 and 3": "3. Why it must be removed: the law",
            "Section 6": "6. Statement of good faith", "The signature": "Signed"}


def _rows_from_html(html: str) -> list[tuple[str, str]]:
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", html, re.S)
    return [(" ".join(a.replace("&#39;", "'").split()), " ".join(b.replace("&#39;", "'").split()))
            for a, b in rows]


@pytest.mark.parametrize("jurisdiction", sorted(FIXTURE_ELEMENT_ROWS))
def test_every_element_row_names_the_section_that_meets_it(jurisdiction):
    case = make_case(jurisdiction=jurisdiction)
    html = letters.render_html("platform", case, "instagram", TODAY)
    assert _rows_from_html(html) == FIXTURE_ELEMENT_ROWS[jurisdiction]
    text = pdf_text(letters.render_pdf("platform", case, "instagram", TODAY))
    for element, place in FIXTURE_ELEMENT_ROWS[jurisdiction]:
        assert f"{element} {place}" in text
        heading = next(h for prefix, h in HEADINGS.items() if place.startswith(prefix))
        assert heading in text


@pytest.mark.parametrize("jurisdiction", sorted(REAL_ELEMENT_PLACES))
def test_every_row_of_the_real_element_tables_names_the_right_section(monkeypatch, jurisdiction):
    real_law_file(monkeypatch)
    case = make_case(jurisdiction=jurisdiction)
    rows = _rows_from_html(letters.render_html("platform", case, "instagram", TODAY))
    places = {element.split()[0]: place for element, place in rows}
    assert places == REAL_ELEMENT_PLACES[jurisdiction]
    text = pdf_text(letters.render_pdf("platform", case, "instagram", TODAY))
    for element, place in rows:
        assert f"{element} {place}" in text


def test_every_element_in_the_real_law_file_has_a_known_place(monkeypatch):
    laws = [item for item in real_law_file(monkeypatch) if item.elements]
    assert {item.slug for item in laws} >= {"dsa-art-16", "take-it-down-act-s3"}
    assert set(lettercontent.ELEMENT_SECTIONS) == set(law.ELEMENT_PLACES)
    for item in laws:
        for element in item.elements:
            assert element.where in law.ELEMENT_PLACES, (item.slug, element.text)


@pytest.mark.parametrize("elements, problem", [
    ('["(a) a plain string;"]', "expected a table"),
    ('[{text = "(a) reasons;", where = "somewhere"}]', "field 'where' must be one of"),
    ('[{where = "location"}]', "field 'text'"),
])
def test_an_element_without_a_known_place_is_an_error(elements, problem):
    text = ('[[law]]\nslug = "x"\njurisdictions = ["eu"]\napplies_to = "both"\n'
            'topic = "dsa-art-16"\ncitation = "X"\nsummary = "X."\n'
            f'source = "https://example.org/"\nsource_kind = "primary"\nlast_checked = 2026-12-01\n'
            f'elements = {elements}\n')
    with pytest.raises(law.LawFileError, match=problem):
        law.parse_laws(text)


def test_take_it_down_letter_does_not_claim_48_hours_from_the_letter():
    text = pdf_text(letter_case_platform_pdf("us"))
    assert "the TAKE IT DOWN Act (Pub. L. 119-12), section 3 (47 U.S.C. § 223a)" in text
    assert ("no later than 48 hours after you receive a valid request made through that process "
            "(47 U.S.C. § 223a(a)(1)(A) and (a)(3))") in text
    assert ("Please treat this letter alongside the request we are making through that process: "
            "this letter is our written record of the request") in text
    assert "48 hours after receiving this request" not in text
    assert "within 48 hours of receiving this letter" not in text
    uk = pdf_text(letter_case_platform_pdf())
    assert "Please treat this letter alongside any request made through that process" in uk


@pytest.mark.parametrize("role, on_behalf", [
    ("parent", True), ("caseworker", True), ("young-person", False)])
def test_good_faith_statement_is_made_on_the_person_s_behalf_by_anyone_else(role, on_behalf):
    text = pdf_text(platform_pdf(jurisdiction="us", requester={"role": role}))
    said = "I make this statement on behalf of the person shown" in text
    assert said is on_behalf


def test_dsa_notice_does_not_claim_actual_knowledge_and_is_the_electronic_notice_in_writing():
    text = pdf_text(platform_pdf(jurisdiction="eu"))
    assert "It gives you actual knowledge" not in text
    assert ("where it allows a diligent provider to identify the illegality without a detailed "
            "legal examination. This notice is written to allow that: it says exactly where the image is "
            "and why we consider it illegal.") in text
    assert "we are also sending it through your electronic notice mechanism" in text
    assert "this letter is the same notice in writing" in text


def test_uk_take_down_duty_is_a_duty_to_run_systems_regulated_by_ofcom():
    text = pdf_text(letter_case_platform_pdf())
    assert "designed to take such content down swiftly once a person alerts you to it" in text
    assert "Ofcom regulates how providers meet that duty" in text
    assert "requires you to take it down swiftly once you are alerted" not in text


def test_uk_reporting_duties_are_not_an_entitlement_of_the_sender(small_directory):
    with (small_directory / "law.toml").open("a", encoding="utf-8") as file:
        file.write('\n[[law]]\nslug = "osa-2023-s20"\n'
                   'jurisdictions = ["england", "wales", "scotland", "northern-ireland"]\n'
                   'applies_to = "both"\ntopic = "uk-reporting"\n'
                   'citation = "Online Safety Act 2023, section 20"\nsummary = "Reporting."\n'
                   'source = "https://www.legislation.gov.uk/ukpga/2023/50/section/20"\n'
                   'source_kind = "primary"\n'
                   'last_checked = 2026-12-01\n')
    law.all_laws.cache_clear()
    text = pdf_text(platform_pdf())
    assert "entitled" not in text
    assert ("Online Safety Act 2023, section 20 requires you to operate systems and processes "
            "that let users, and affected persons in the United Kingdom, easily report") in text


def test_real_law_file_leaves_out_osa_sections_20_and_21(monkeypatch):
    slugs = {item.slug for item in real_law_file(monkeypatch)}
    assert not slugs & {"osa-2023-s20", "osa-2023-s21"}


def school_pdf(**changes) -> str:
    return pdf_text(letters.render_pdf("school", make_case(**changes), today=TODAY))


def test_school_letter_to_a_named_member_of_staff_asks_them_to_pass_it_to_the_dsl():
    text = school_pdf(school={"name": "Leeds High School", "contact_name": "Mr Jones"})
    assert "Mr Jones for the designated safeguarding lead (DSL)" in text
    assert "For the designated safeguarding lead (DSL), at once." in text
    assert ("Mr Jones, if you are not the DSL, please pass this letter to them "
            "straight away.") in text
    assert "should be reported to the DSL immediately" in text


def test_school_letter_with_no_name_asks_the_head_teacher_to_pass_it_on():
    text = school_pdf(school={"name": "Leeds High School"})
    assert "The designated safeguarding lead (DSL) and the head teacher" in text
    assert ("If this letter reaches the head teacher or another member of staff first, please "
            "pass it to the DSL straight away.") in text


def test_school_letter_claims_the_ukcis_advice_only_where_it_is_the_advice():
    assert "reported to the DSL immediately" not in school_pdf(jurisdiction="wales")
    assert "pass it to the DSP straight away" in school_pdf(jurisdiction="wales")
    staff = school_pdf(requester={"role": "school", "organisation": "Leeds High School"})
    assert "For the designated safeguarding lead (DSL), at once." not in staff
