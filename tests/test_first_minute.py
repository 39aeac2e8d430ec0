"""The plan and letters in the reader's voice, urgent help first, and letters only where they work."""

import re
from datetime import date

import pytest

from takedown import jurisdictions, letters
from takedown.case import ROLES, parse_case
from takedown.plan import make_plan
from tests.helpers import a_case, normalize_spaces, pdf_text

TODAY = date(2026, 12, 2)


def _plan_text(**changes) -> str:
    plan = make_plan(parse_case(a_case(**changes)))
    return normalize_spaces(" ".join(
        " ".join((step.title, *step.body)) for section in plan.sections for step in section.steps))


def _letter(kind, platform=None, **changes) -> str:
    case = parse_case(a_case(**changes))
    return normalize_spaces(pdf_text(letters.make(kind, case, platform, TODAY).pdf))


def test_young_person_hears_not_your_fault_and_childline_first():
    text = _plan_text(requester={"role": "young-person"}, concerns={"threats": True})
    assert text.index("not your fault") < text.index("Childline")
    assert "the young person" not in text.lower()
    assert "can itself be a crime" not in text


@pytest.mark.parametrize("role", list(ROLES))
def test_an_adult_case_never_says_young_person(role):
    text = _plan_text(requester={"role": role}, person={"age": 19, "under_18": False},
                      concerns={"threats": True, "adult_involved": True})
    assert "young person" not in text.lower()


def test_threats_bring_a_crisis_line_for_child_and_adult():
    text = _plan_text(concerns={"threats": True})
    assert "Childline, for your child" in text and "Samaritans" in text
    assert "Screenshot the messages and the account's profile page" in text


@pytest.mark.parametrize("jurisdiction", ["scotland", "northern-ireland"])
def test_scotland_and_northern_ireland_are_not_given_englands_school_advice(jurisdiction):
    plan = make_plan(parse_case(a_case(jurisdiction=jurisdiction, requester={"role": "school"})))
    step = next(s for s in plan.section("school").steps)
    assert not any("UKCIS" in link.label or "gov.uk" in link.url for link in step.links)


def test_platform_letter_asks_for_priority_and_names_the_threatening_account():
    text = _letter("platform", "instagram", requester={"name": "Pat Doe"},
                   concerns={"threats": True, "threat_account": "fake.girl.22"})
    assert "Please handle this report as a priority" in text and "fake.girl.22" in text


def test_no_priority_paragraph_without_threats():
    assert "as a priority" not in _letter("platform", "instagram", requester={"name": "Pat Doe"})


def test_child_first_name_only_in_platform_letters_unless_chosen():
    text = _letter("platform", "instagram", person={"name": "Sam Rivers"})
    assert "Their first name is Sam." in text and "Rivers" not in text
    text = _letter("platform", "instagram",
                   person={"name": "Sam Rivers", "full_name_in_letters": True})
    assert "Their name is Sam Rivers." in text


def test_young_person_letters_say_i_not_we():
    text = _letter("platform", "instagram",
                   requester={"role": "young-person", "name": "Sam", "email": "s@example.com"})
    for phrase in ("what we ask", "as we found", "our reference", "We have not copied"):
        assert phrase not in text


def test_dsl_record_is_for_the_file_with_decisions_parents_and_referrals():
    text = _letter("school", requester={"role": "school", "is_dsl": True, "name": "Priya Patel",
                                        "organisation": "Hillside Academy"},
                   concerns={"adult_involved": True})
    assert "For the safeguarding file" in text and "Dear" not in text
    for part in ("Decisions made, and why", "Parents or carers", "Referrals", "Police",
                 "Children's social care", "CEOP"):
        assert part in text
    assert "must be referred to the police as a matter of urgency" in text
    assert text.count("Hillside Academy") == 1
    # A record for the file: its reference, but no one is asked to reply.
    assert "Our reference: TD-" in text and "please quote it" not in text
    assert "please quote it when you reply" in _letter(
        "school", requester={"role": "school", "name": "Priya Patel"})


def test_only_school_staff_can_be_the_dsl():
    from takedown.case import CaseInvalid
    with pytest.raises(CaseInvalid) as raised:
        parse_case(a_case(requester={"role": "parent", "is_dsl": True}))
    assert [e.field for e in raised.value.errors] == ["requester.is_dsl"]


def test_letters_only_where_they_can_work():
    case = parse_case(a_case(locations=[{"platform": "snapchat"},
                                        {"platform": "whatsapp", "account": "Year 10 chat"}]))
    offered = {(o.kind, o.platform) for o in letters.available_letters(case)}
    assert ("platform", "snapchat") not in offered  # nothing to find it by
    assert ("platform", "whatsapp") in offered
    assert not any(kind == "iwf" for kind, _ in offered)  # no link the IWF can assess
    plan = make_plan(case)
    snapchat = next(s for s in plan.section("report").steps if s.platform == "snapchat")
    assert "First find the account name or the link" in " ".join(snapchat.body)
    linked = parse_case(a_case())
    assert any(o.kind == "iwf" for o in letters.available_letters(linked))


@pytest.mark.parametrize("jurisdiction, kind", [
    (slug, kind) for slug in jurisdictions.JURISDICTIONS for kind in ("platform", "school", "iwf")
    if kind != "iwf" or jurisdictions.get(slug).remove.record == "iwf"])
def test_a_young_persons_letters_speak_as_i_never_we(jurisdiction, kind):
    case = parse_case(a_case(reference="TD-7KQ2-M9XP", jurisdiction=jurisdiction,
                             requester={"role": "young-person", "name": "Alex",
                                        "email": "alex@example.com"}),
                      today=date(2026, 11, 25))
    platform = "instagram" if kind == "platform" else None
    text = letters.make_text(kind, case, platform, today=date(2026, 11, 25)).text
    # Sources' addresses (an IWF page is "what-we-do") are not the letter speaking.
    words = re.sub(r"https://\S+", "", text)
    assert not re.findall(r"\b(?:we|We|us|our|Our|ourselves)\b", words)
