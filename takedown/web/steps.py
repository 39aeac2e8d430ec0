"""The question steps, declared once: each one's id, title, the fields it asks, its partial.

From this list come "Step n of 4", Back and Next, which step asks (and checks) each form
field, the check page's sections and their Change buttons, and the steps an urgent case
goes past. Adding a step is one entry here plus its partial, ``templates/case/steps/<id>.html``,
with two macros: ``ask()`` (its questions) and ``answers(case)`` (its rows on the check page).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the questions.

    ``id``: its heading's id on the question page. ``asks``: the form fields it asks and
    checks, each a field name or a prefix of names (ending "_" or "-"). ``urgent_skips``: an
    urgent case (danger, threats, an adult involved) goes past it, to be answered later.
    """

    id: str
    title: str
    asks: tuple[str, ...]
    urgent_skips: bool = False

    @property
    def template(self) -> str:
        return f"case/steps/{self.id}.html"

    def exactly(self, name: str) -> bool:
        return name in self.asks

    def by_prefix(self, name: str) -> bool:
        return any(name.startswith(prefix) for prefix in self.asks if prefix[-1] in "_-")


STEPS: tuple[Step, ...] = (
    Step("about-you", "About you", ("requester_role", "requester_is_dsl", "jurisdiction", "area")),
    Step("the-person", "The person in the image", ("person_",)),
    Step("what-is-happening", "What is happening", ("concerns_",)),
    # The last step also asks for the details the letters need.
    Step("places", "Where it is", ("places-", "requester_", "school_")),
)
# Every field name and prefix, in the order the one-page form asks them.
PAGE_ORDER = tuple(name for step in STEPS for name in step.asks)
COUNT_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def step_of(name: str, steps: tuple[Step, ...] = STEPS) -> int | None:
    """The step (from 1) that asks the form field named ``name``; None for any other name.

    A step naming the field exactly wins over one asking every field with its prefix.
    """
    for match in (Step.exactly, Step.by_prefix):
        found = next((number for number, step in enumerate(steps, 1) if match(step, name)), None)
        if found is not None:
            return found
    return None


def _path(urgent: bool, steps: tuple[Step, ...]) -> list[int]:
    return [number for number, step in enumerate(steps, 1)
            if not (urgent and step.urgent_skips)]


def next_step(number: int, urgent: bool, steps: tuple[Step, ...] = STEPS) -> int | None:
    """The step after ``number`` on this case's way through; None after the last."""
    return next((later for later in _path(urgent, steps) if later > number), None)


def previous_step(number: int, urgent: bool, steps: tuple[Step, ...] = STEPS) -> int | None:
    """The step Back goes to from ``number``; None from the first."""
    return next((earlier for earlier in reversed(_path(urgent, steps)) if earlier < number),
                None)
