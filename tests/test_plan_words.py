"""What the plan says where it points elsewhere on the page, and what it offers to whom."""

import json

from helpers import Browser, a_letter_case

from takedown import letters
from takedown.case import parse_case
from takedown.plan import make_plan


def test_a_young_person_s_plan_points_to_report_remove_where_it_is():
    data = a_letter_case(requester={"role": "young-person"}, person={"age": 15})
    plan = make_plan(parse_case(data))
    order = [step.id for section in plan.sections for step in section.steps]
    said = next(" ".join(step.body) for section in plan.sections for step in section.steps
                if step.id == "dont-copy")
    assert "Report Remove, below" in said
    assert order.index("use-report-remove") > order.index("dont-copy")


def _plan_page(client, data):
    browser = Browser(client).get("/case/open")
    browser.press("#open", files={"case_file": (json.dumps(data).encode(), "c.json")})
    browser.press("#plan")
    assert browser.heading != "Your progress"
    return browser


def test_letterhead_is_offered_to_organisations_not_to_a_teenager(client):
    teen = a_letter_case(requester={"role": "young-person", "organisation": None},
                         person={"age": 15})
    assert not _plan_page(client, teen).page.select('input[name="letterhead"]')
    worker = a_letter_case(requester={"role": "caseworker", "organisation": "Family Support"})
    assert _plan_page(client, worker).page.select('input[name="letterhead"]')


def test_a_young_person_is_offered_the_school_letter_only_with_the_school_s_honest_words(client):
    no_school = parse_case(a_letter_case(requester={"role": "young-person"},
                                         person={"age": 15, "school": None}, school=None,
                                         concerns={"shared_at_school": False}))
    assert "school" not in [offer.kind for offer in letters.available_letters(no_school)]
    named = parse_case(a_letter_case(requester={"role": "young-person"},
                                     person={"age": 15, "school": "Hillside Academy"}))
    assert "school" in [offer.kind for offer in letters.available_letters(named)]
    said = " ".join(" ".join(step.body) for section in make_plan(named).sections
                    for step in section.steps)
    assert "usually tell your parents or carers" in said
