"""Every jurisdiction x every role: the plan, the plan page and each letter the plan offers say
what that place's family needs, in that place's words, and nothing of another place's.

For each of the declaration's jurisdictions and each role (a parent, a school's safeguarding
lead, other school staff, a caseworker, the young person), a 15-year-old's case, plain and
urgent, is read as the plan (make_plan), as the plan page (Flask test client) and as the text
of each letter the plan offers (letters.make_text). Nothing here names a country: what must
and must not appear comes from data/jurisdictions.toml.
"""

import json
import re
from datetime import date
from functools import cache

import pytest

from takedown import jurisdictions, letters
from takedown.case import SCHEMA, case_to_dict, parse_case
from takedown.plan import make_plan
from tests.helpers import new_app, normalize_spaces, soup

TODAY = date(2026, 12, 7)
ROLES = {
    "parent": {"role": "parent"},
    "school-lead": {"role": "school", "is_dsl": True, "organisation": "Hill School"},
    "school-staff": {"role": "school", "organisation": "Hill School"},
    "caseworker": {"role": "caseworker", "organisation": "Hill Council"},
    "young-person": {"role": "young-person"},
}
URGENT = {"immediate_danger": True, "threats": True, "adult_involved": True,
          "threat_account": "@blackmailer"}
ALL = list(jurisdictions.JURISDICTIONS)


def case_for(slug: str, role: str, urgent: bool, area: str | None = None):
    return parse_case({
        "schema": SCHEMA,
        "jurisdiction": slug,
        "area": area,
        "requester": {**ROLES[role], "name": "Sam Taylor", "email": "sam@example.com"},
        "person": {"age": 15, "name": "Riley", "school": "Hill School"},
        "concerns": {**(URGENT if urgent else {}), "shared_at_school": True},
        "locations": [
            {"url": "https://www.instagram.com/p/ABC123/", "account": "@sharer"},
            {"platform": "snapchat", "account": "snapper"},
            {"url": "https://forum.example.org/thread/9"},
        ],
        "school": {"name": "Hill School", "email": "office@school.example"},
    })


def plan_text(case) -> str:
    return json.dumps([[section.title, [[step.title, step.body, step.phone,
                                         [link.label for link in step.links]]
                                        for step in section.steps]]
                       for section in make_plan(case).sections], ensure_ascii=False)


@pytest.fixture(scope="module")
def client():
    return new_app(WTF_CSRF_ENABLED=False).test_client()


def page_text(client, case) -> str:
    response = client.post("/case/plan", data={"case": json.dumps(case_to_dict(case))})
    html = soup(response)
    assert response.status_code == 200 and html.h1.text == "Your plan"
    return normalize_spaces(html.select_one("body").text)


def letter_texts(case) -> dict[str, str]:
    """Each letter the plan offers, as text: kind/platform to its text."""
    made = {}
    for option in letters.available_letters(case):
        text = letters.make_text(option.kind, case, option.platform, TODAY)
        made[f"{option.kind}/{option.platform or ''}"] = f"{text.title}\n{text.text}"
    return made


# --- what belongs to each place, from the declaration ------------------------------------


@cache
def school_terms(slug: str) -> set[str]:
    school = jurisdictions.get(slug).school
    terms = {school.lead, school.head, school.learner, school.social_care}
    return {term.lower() for term in terms} | ({school.lead_short} if school.lead_short else set())


def foreign_school_terms(slug: str) -> set[str]:
    """Another place's school words that are not also this place's own."""
    own = school_terms(slug)
    found = set()
    for other in ALL:
        found |= {term for term in school_terms(other)
                  if term not in own and not any(term in mine or mine in term for mine in own)}
    return found


def hotline_names(slug: str) -> set[str]:
    where = jurisdictions.get(slug)
    found = {where.remove.hotline.name} if where.remove.hotline else set()
    return found | ({where.remove.young_person_tool.name} if where.remove.young_person_tool
                   else set())


def foreign_hotlines(slug: str) -> set[str]:
    own = hotline_names(slug)
    return {name for other in ALL for name in hotline_names(other)} - own


def foreign_numbers(slug: str) -> set[str]:
    own = jurisdictions.get(slug).emergency.phone
    return {jurisdictions.get(other).emergency.phone for other in ALL} - {own}


def foreign_parent_words(slug: str) -> set[str]:
    """Another place's words for a parent ("parent or carer"), where this place's differ."""
    own = jurisdictions.get(slug).letters.parent
    return {jurisdictions.get(other).letters.parent for other in ALL} - {own}


def has_term(text: str, term: str) -> bool:
    if term.isupper():  # a short form such as DSL: the word itself, in capitals
        return re.search(rf"\b{re.escape(term)}\b", text) is not None
    return re.search(rf"\b{re.escape(term)}s?\b", text, re.IGNORECASE) is not None


def has_number(text: str, number: str) -> bool:
    """The number standing alone: not inside a longer one ("1,000", "1800 333 000")."""
    pattern = rf"(?<![\w,.])(?<!\d ){re.escape(number)}(?!\w| \d)"
    return re.search(pattern, text) is not None


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("urgent", [False, True], ids=["plain", "urgent"])
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("slug", ALL)
def test_each_place_and_role_gets_its_own_routes_words_and_numbers(client, slug, role, urgent):
    case = case_for(slug, role, urgent)
    where = jurisdictions.get(slug)
    plan, page, texts = plan_text(case), page_text(client, case), letter_texts(case)
    everything = {"plan": plan, "page": page, **texts}

    # No other place's emergency number, school words or hotline, anywhere.
    for name, text in everything.items():
        for number in foreign_numbers(slug):
            assert not has_number(text, number), (name, number)
        for term in foreign_school_terms(slug):
            assert not has_term(text, term), (name, term)
        for words in foreign_parent_words(slug):
            assert words not in text.lower(), (name, words)
        for hotline in foreign_hotlines(slug):
            # A letter may name NCMEC's CyberTipline as the US-based platform's own duty to
            # report (23b's law wording): that is the platform's law, not the family's route.
            provider_duty = name.startswith(("platform/", "pack/")) and "CyberTipline" in hotline
            assert provider_duty or hotline not in text, (name, hotline)

    # The family's own emergency number: on the page's banner, and first when in danger.
    number = where.emergency.phone
    assert f"If anyone is in immediate danger, call {number}." in page
    if urgent:
        first = make_plan(case).sections[0].steps[0]
        assert first.title == f"Call {number} now" and first.phone == number

    # The family's own hotline for links, and its own routes for threats when urgent.
    if where.remove.hotline:
        assert where.remove.hotline.called in plan
    if urgent:
        for route in where.urgent:
            if route.fits(True, "you" if role == "young-person" else "others"):
                service = where.police.service if route.police else route.service
                assert (service.called if service else where.police.title) in plan

    # Routes stronger than the platforms' own come before every platform step.
    steps = [step for section in make_plan(case).sections for step in section.steps]
    ids = [step.id for step in steps]
    for route in where.report_first:
        if route.fits(True, "you" if role == "young-person" else "others"):
            first = ids.index(f"report-{route.service.slug}")
            assert first < ids.index("platform-instagram")
            assert page.index(steps[first].title) < page.index("Report it on Instagram")

    # Each letter to a platform signs off as letters are signed off there.
    for name, text in texts.items():
        if name.startswith("platform/"):
            assert f"\n{where.letters.sign_off}\n" in text, name

    # The record for the UK's hotline only where that hotline is the family's.
    assert ("iwf/" in texts) == (where.remove.record == "iwf")


@pytest.mark.parametrize("slug", ALL)
def test_no_safeguarding_lead_is_told_to_tell_themselves(client, slug):
    case = case_for(slug, "school-lead", urgent=True)
    school = jurisdictions.get(slug).school
    roles = {school.lead, school.lead_named, school.lead_called}
    told = re.compile(r"\b(tell|pass (this|it) to|speak to|ask to speak to|ask the school)\b"
                      r"[^.]{0,40}\b(" + "|".join(re.escape(r) for r in roles) + r")",
                      re.IGNORECASE)
    for name, text in {"plan": plan_text(case), "page": page_text(client, case),
                       **letter_texts(case)}.items():
        assert not told.search(text), (name, told.search(text).group(0))
        assert "ask the school which" not in text.lower(), name
        assert "ask the school who leads" not in text.lower(), name


@pytest.mark.parametrize("slug", ALL)
def test_the_young_person_is_promised_only_what_the_service_says(slug):
    plan = plan_text(case_for(slug, "young-person", urgent=False))
    assert "you will not get in trouble" not in plan
    assert "not sent to the police" not in plan
    tool = jurisdictions.get(slug).remove.young_person_tool
    if tool is not None:
        assert tool.promise in plan


def test_before_the_family_says_where_they_are_the_banner_gives_every_number(client):
    banner = normalize_spaces(soup(client.get("/case/start")).select_one("#emergency").text)
    for slug in ALL:
        assert jurisdictions.get(slug).emergency.phone in banner


MEMBERS = [(slug, member.code) for slug in ALL for member in jurisdictions.get(slug).members]


@pytest.mark.parametrize("slug, code", MEMBERS)
def test_each_member_s_own_route_or_hotline_is_named_or_none_is_said_plainly(slug, code):
    """An EU member state's hotline, a province's own route: in the plan where declared, and
    where none is confirmed the plan says so in the declaration's words."""
    member = jurisdictions.get(slug).member_named(code)
    plan = plan_text(case_for(slug, "parent", urgent=False, area=code))
    for fact, none in ((member.hotline, member.hotline_none), (member.route, member.route_none)):
        if fact is not None:
            assert fact.name in plan and (fact.says is None or fact.says in plan)
        elif none is not None:
            assert none in plan
    where = jurisdictions.for_case(case_for(slug, "parent", urgent=False, area=code))
    assert where.time_zone == member.time_zone
    # Never another member's own route or hotline.
    own = {fact.name for fact in (member.route, member.hotline) if fact is not None}
    for other in jurisdictions.get(slug).members:
        for fact in (other.route, other.hotline):
            if other.code != code and fact is not None and not any(
                    fact.name in mine for mine in own):  # Austria's "Stopline" in Luxembourg's
                assert fact.name not in plan, (other.code, fact.name)
