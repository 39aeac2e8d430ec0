"""The question steps, declared once in takedown/web/steps.py: what each asks, and the way through."""

from takedown import ROOT
from takedown.web.steps import STEPS, Step, next_step, previous_step, step_of


def test_a_step_naming_a_field_wins_over_one_asking_its_prefix():
    named, prefixed = step_of("requester_role"), step_of("requester_name")
    assert "requester_role" in STEPS[named - 1].asks and "requester_" in STEPS[prefixed - 1].asks
    assert named != prefixed and step_of("requester_is_dsl") == named
    assert "places-" in STEPS[step_of("places-3-url") - 1].asks
    assert step_of("answers") is None and step_of("csrf_token") is None


def test_every_step_has_its_partial_with_questions_and_answers():
    for step in STEPS:
        partial = (ROOT / "templates" / step.template).read_text(encoding="utf-8")
        assert "{% macro ask(step) %}" in partial and "{% macro answers(step, case) %}" in partial


def test_an_urgent_case_goes_past_a_step_that_urgent_cases_skip_both_ways():
    steps = (Step("a", "A", ("a_",)), Step("b", "B", ("b_",), urgent_skips=True),
             Step("c", "C", ("c_",)))
    assert [next_step(n, urgent=False, steps=steps) for n in (1, 2, 3)] == [2, 3, None]
    assert [next_step(n, urgent=True, steps=steps) for n in (1, 3)] == [3, None]
    assert previous_step(3, urgent=True, steps=steps) == 1
    assert previous_step(3, urgent=False, steps=steps) == 2
    assert previous_step(1, urgent=False, steps=steps) is None


def test_today_no_step_is_skipped_so_an_urgent_case_answers_every_one():
    last = len(STEPS)
    assert [next_step(n, urgent=True) for n in range(1, last + 1)] == [*range(2, last + 1), None]
